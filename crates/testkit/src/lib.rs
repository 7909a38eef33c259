//! Starts a real tokenhub on 127.0.0.1:0 with a temporary data directory, on a runtime of its
//! own, so tests (async or not) and benchmarks talk to it over real TLS. Dropping the
//! `TestHub` stops the hub and removes its data.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use serde_json::json;
use tokenhub_core::clock::{Clock, SystemClock};
use tokenhub_server::{Compactor, ServeOptions, start};
use tokio::sync::oneshot;

pub struct TestHub {
    pub url: String,
    pub address: SocketAddr,
    pub ca_pem: String,
    pub admin_token: String,
    compactor: Compactor,
    runtime: tokio::runtime::Handle,
    data_dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// See [`TestHub::readers`].
pub struct Readers {
    pub api_token: String,
    pub service_account: String,
}

/// What the hub thread hands back once the hub serves.
struct Started {
    url: String,
    address: SocketAddr,
    ca_pem: String,
    admin_token: String,
    compactor: Compactor,
    runtime: tokio::runtime::Handle,
}

impl TestHub {
    /// A hub with the system clock.
    pub fn start() -> TestHub {
        TestHub::start_with(Arc::new(SystemClock), |_| {})
    }

    /// A hub with the given clock and options adjusted by `configure`.
    pub fn start_with(clock: Arc<dyn Clock>, configure: impl FnOnce(&mut ServeOptions)) -> TestHub {
        let data_dir = tempfile::tempdir().expect("a temporary data directory");
        TestHub::start_in(data_dir, clock, configure)
    }

    /// Stops this hub and starts another on the same data directory (a restart), with the
    /// given clock and options.
    pub fn restart_with(
        self,
        clock: Arc<dyn Clock>,
        configure: impl FnOnce(&mut ServeOptions),
    ) -> TestHub {
        self.restart_after(|_| {}, clock, configure)
    }

    /// As `restart_with`, running `offline` on the data directory while no hub runs: to
    /// leave the store as a crash would have left it.
    pub fn restart_after(
        mut self,
        offline: impl FnOnce(&Path),
        clock: Arc<dyn Clock>,
        configure: impl FnOnce(&mut ServeOptions),
    ) -> TestHub {
        self.stop();
        offline(&self.data_dir());
        let data_dir = std::mem::replace(
            &mut self.data_dir,
            tempfile::tempdir().expect("a placeholder directory"),
        );
        TestHub::start_in(data_dir, clock, configure)
    }

    fn start_in(
        data_dir: tempfile::TempDir,
        clock: Arc<dyn Clock>,
        configure: impl FnOnce(&mut ServeOptions),
    ) -> TestHub {
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
                let _ = ready_tx.send(Ok(Started {
                    url: hub.server_url.clone(),
                    address: hub.address,
                    ca_pem: hub.ca_pem.clone(),
                    admin_token: hub.admin_token.clone(),
                    compactor: hub.compactor.clone(),
                    runtime: tokio::runtime::Handle::current(),
                }));
                let _ = stop_rx.await;
                // Tests do not wait for open watches to finish.
                hub.shutdown_within(std::time::Duration::from_millis(100))
                    .await;
            });
        });
        let started = ready_rx
            .recv()
            .expect("the hub thread reports")
            .unwrap_or_else(|e| panic!("the hub did not start: {e}"));
        TestHub {
            url: started.url,
            address: started.address,
            ca_pem: started.ca_pem,
            admin_token: started.admin_token,
            compactor: started.compactor,
            runtime: started.runtime,
            data_dir,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// Runs one compaction of the change feed now, on the hub's runtime (it also runs once a
    /// minute by itself): with a manual clock moved past the retention window, older
    /// resourceVersions then get 410 Expired.
    pub async fn compact(&self) -> u64 {
        let compactor = self.compactor.clone();
        self.runtime
            .spawn(async move { compactor.run_once().await })
            .await
            .expect("the compaction task")
            .expect("compaction succeeds")
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

    /// POSTs `body` to `path` as the admin and returns the answer; panics unless it is a 2xx.
    pub async fn admin_post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let response = self
            .admin_client()
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .expect("a response");
        let status = response.status();
        assert!(status.is_success(), "POST {path}: {status}");
        response.json().await.expect("a JSON answer")
    }

    /// Bearer strings of the two other kinds of credential, both allowed what `view` allows:
    /// an API token with role User, and a token of ServiceAccount `bot` in `namespace` bound
    /// to `view`. For benchmarks that compare credentials.
    pub async fn readers(&self, namespace: &str) -> Readers {
        let api_token = self
            .admin_post(
                "/apis/tokenhub.io/v1/apitokens",
                json!({"spec": {"displayName": "reader", "role": "User"}}),
            )
            .await;
        self.admin_post(
            &format!("/api/v1/namespaces/{namespace}/serviceaccounts"),
            json!({"metadata": {"name": "bot"}}),
        )
        .await;
        self.admin_post(
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
            json!({"metadata": {"name": format!("bot-view-{namespace}")},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                   "subjects": [{"kind": "ServiceAccount", "name": "bot", "namespace": namespace}]}),
        )
        .await;
        let service_account = self
            .admin_post(
                &format!("/api/v1/namespaces/{namespace}/serviceaccounts/bot/token"),
                json!({"spec": {}}),
            )
            .await;
        let text = |v: &serde_json::Value, pointer: &str| {
            v.pointer(pointer)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_else(|| panic!("no {pointer} in {v}"))
                .to_string()
        };
        Readers {
            api_token: text(&api_token, "/status/bearerToken"),
            service_account: text(&service_account, "/status/token"),
        }
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

impl TestHub {
    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for TestHub {
    fn drop(&mut self) {
        self.stop();
    }
}
