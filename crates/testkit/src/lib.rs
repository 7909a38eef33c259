//! Starts a real tokenhub on 127.0.0.1:0 with a temporary data directory, on a runtime of its
//! own, so tests (async or not) and benchmarks talk to it over real TLS. Dropping the
//! `TestHub` stops the hub and removes its data.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokenhub_core::clock::{Clock, SystemClock};
use tokenhub_server::{ServeOptions, start};
use tokio::sync::oneshot;

pub struct TestHub {
    pub url: String,
    pub address: SocketAddr,
    pub ca_pem: String,
    pub admin_token: String,
    data_dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestHub {
    /// A hub with the system clock.
    pub fn start() -> TestHub {
        TestHub::start_with(Arc::new(SystemClock), |_| {})
    }

    /// A hub with the given clock and options adjusted by `configure`.
    pub fn start_with(clock: Arc<dyn Clock>, configure: impl FnOnce(&mut ServeOptions)) -> TestHub {
        let data_dir = tempfile::tempdir().expect("a temporary data directory");
        let mut options = ServeOptions::new(
            "127.0.0.1:0".parse().expect("a loopback address"),
            data_dir.path().join("data"),
        );
        configure(&mut options);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime");
            runtime.block_on(async move {
                let hub = match start(options, clock).await {
                    Ok(hub) => hub,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok((
                    hub.server_url.clone(),
                    hub.address,
                    hub.ca_pem.clone(),
                    hub.admin_token.clone(),
                )));
                let _ = stop_rx.await;
                hub.shutdown().await;
            });
        });
        let (url, address, ca_pem, admin_token) = ready_rx
            .recv()
            .expect("the hub thread reports")
            .unwrap_or_else(|e| panic!("the hub did not start: {e}"));
        TestHub {
            url,
            address,
            ca_pem,
            admin_token,
            data_dir,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.path().join("data")
    }

    /// The admin kubeconfig the hub wrote.
    pub fn kubeconfig(&self) -> PathBuf {
        self.data_dir().join("admin.kubeconfig")
    }

    /// A client that trusts the hub's CA and presents the admin token.
    pub fn admin_client(&self) -> reqwest::Client {
        self.client_with_token(Some(&self.admin_token))
    }

    /// A client that trusts the hub's CA and presents `token`, if any.
    pub fn client_with_token(&self, token: Option<&str>) -> reqwest::Client {
        let ca = reqwest::Certificate::from_pem(self.ca_pem.as_bytes()).expect("the hub's CA");
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(token) = token {
            let value = format!("Bearer {token}").parse().expect("a header value");
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        reqwest::Client::builder()
            .add_root_certificate(ca)
            .default_headers(headers)
            .build()
            .expect("a client")
    }
}

impl Drop for TestHub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
