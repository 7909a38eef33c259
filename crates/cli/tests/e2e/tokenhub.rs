//! Runs the real `tokenhub` binary as a client, with its own HOME, config directory and
//! KUBECONFIG, so no test sees another's profiles or the developer's own.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tokenhub_testkit::TestHub;

use crate::kubectl::{Run, run_with_stdin};

pub struct Tokenhub {
    home: tempfile::TempDir,
    kubeconfig: Option<PathBuf>,
}

impl Tokenhub {
    /// A client with no kubeconfig and no profiles.
    pub fn new() -> Tokenhub {
        Tokenhub {
            home: tempfile::tempdir().expect("a HOME for tokenhub"),
            kubeconfig: None,
        }
    }

    /// A client whose KUBECONFIG is the hub's admin kubeconfig.
    pub fn admin(hub: &TestHub) -> Tokenhub {
        Tokenhub {
            kubeconfig: Some(hub.kubeconfig()),
            ..Tokenhub::new()
        }
    }

    /// A client whose KUBECONFIG is `path`.
    pub fn with_kubeconfig(path: &Path) -> Tokenhub {
        Tokenhub {
            kubeconfig: Some(path.to_path_buf()),
            ..Tokenhub::new()
        }
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Where this client's profile file is.
    pub fn config_path(&self) -> PathBuf {
        self.home.path().join("config/tokenhub/config.yaml")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tokenhub"));
        cmd.args(args)
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env_remove("TOKENHUB_CONFIG")
            .env_remove("TOKENHUB_PROFILE")
            .stdin(Stdio::null());
        match &self.kubeconfig {
            Some(path) => cmd.env("KUBECONFIG", path),
            None => cmd.env("KUBECONFIG", self.home.path().join("no-kubeconfig")),
        };
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.command(args).output().expect("tokenhub runs").into()
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        run_with_stdin(self.command(args), stdin)
    }

    /// Runs and asserts success; returns stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        ok(self.run(args), args)
    }

    #[track_caller]
    pub fn ok_stdin(&self, args: &[&str], stdin: &str) -> String {
        ok(self.run_stdin(args, stdin), args)
    }

    /// Runs and asserts it fails with exit code 1 and one line on stderr; returns that line.
    #[track_caller]
    pub fn fails(&self, args: &[&str]) -> String {
        fails(self.run(args), args)
    }

    #[track_caller]
    pub fn fails_stdin(&self, args: &[&str], stdin: &str) -> String {
        fails(self.run_stdin(args, stdin), args)
    }
}

#[track_caller]
fn ok(run: Run, args: &[&str]) -> String {
    assert!(
        run.status.success(),
        "tokenhub {args:?} failed:\n{}{}",
        run.stdout,
        run.stderr
    );
    run.stdout
}

#[track_caller]
fn fails(run: Run, args: &[&str]) -> String {
    assert_eq!(
        run.status.code(),
        Some(1),
        "tokenhub {args:?} should have failed with 1:\n{}{}",
        run.stdout,
        run.stderr
    );
    let line = run.stderr.strip_suffix('\n').unwrap_or(&run.stderr);
    assert!(
        line.starts_with("error: ") && !line.contains('\n') && !line.contains("panicked"),
        "tokenhub {args:?} should print one error line, not:\n{}",
        run.stderr
    );
    line.to_string()
}

/// The hub's CA file, as a string for the command line.
pub fn ca_file(hub: &TestHub) -> String {
    hub.data_dir().join("ca.crt").to_string_lossy().into_owned()
}

/// `--server URL --certificate-authority CA` for `hub`.
pub fn server_flags(hub: &TestHub) -> Vec<String> {
    vec![
        "--server".into(),
        hub.url.clone(),
        "--certificate-authority".into(),
        ca_file(hub),
    ]
}

/// `args` followed by `extra`, as the `&[&str]` the runners take.
pub fn with<'a>(args: &[&'a str], extra: &'a [String]) -> Vec<&'a str> {
    args.iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
        .collect()
}
