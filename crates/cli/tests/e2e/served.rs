//! The hub binary run as a process, `tokenhub serve` on a free loopback port, with its log kept
//! for tests that read it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The hub binary built by this package.
const TOKENHUB: &str = env!("CARGO_BIN_EXE_tokenhub");

pub struct Served {
    pub child: Child,
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
    drain: JoinHandle<()>,
}

impl Served {
    /// Starts `tokenhub serve` with `extra` arguments and waits for the line that says where
    /// it serves.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Served {
        let mut child = Command::new(TOKENHUB)
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tokenhub starts");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let mut log = Vec::new();
        let url = loop {
            let line = lines
                .next()
                .expect("tokenhub logs that it serves")
                .expect("a log line");
            log.push(line.clone());
            if let Some(rest) = line.split("url=").nth(1) {
                break rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string();
            }
        };
        let log = Arc::new(Mutex::new(log));
        // Keep draining the log so the hub never blocks on a full pipe.
        let kept = Arc::clone(&log);
        let drain = std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        Served {
            child,
            url,
            log,
            drain,
        }
    }

    /// Stops the hub with SIGTERM, asserts it exits cleanly, and returns its whole log.
    pub fn stop(mut self) -> String {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "tokenhub exited with {status}");
        // The drain thread ends at end of file, once the process is gone.
        self.drain.join().unwrap();
        self.log.lock().unwrap().join("\n")
    }
}

pub fn admin_token(data_dir: &Path) -> String {
    let kubeconfig = std::fs::read_to_string(data_dir.join("admin.kubeconfig")).unwrap();
    kubeconfig
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .expect("a token in admin.kubeconfig")
        .to_string()
}

/// A client that trusts the hub's CA and sends `bearer`, if any.
pub fn client_with(data_dir: &Path, bearer: Option<&str>) -> reqwest::Client {
    let ca = std::fs::read(data_dir.join("ca.crt")).unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(bearer) = bearer {
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {bearer}").parse().unwrap(),
        );
    }
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap())
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A client of the bootstrap admin.
pub fn client(data_dir: &Path) -> reqwest::Client {
    client_with(data_dir, Some(&admin_token(data_dir)))
}
