//! What every test of the API needs: a hub with an admin client, requests that return the whole
//! answer (code, headers, body), Status assertions, and a reader of watch streams.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use tokenhub_core::clock::{Clock, ManualClock, SystemClock};
use tokenhub_server::ServeOptions;
use tokenhub_testkit::TestHub;

/// What kubectl sends for server-side printing.
pub const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
pub const TABLE_CONTENT_TYPE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";
/// What kubectl sends for discovery.
pub const AGGREGATED_ACCEPT: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
pub const AGGREGATED_CONTENT_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
/// What kubectl's typed clients send.
pub const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";
pub const PROTOBUF_ACCEPT: &str = "application/vnd.kubernetes.protobuf,application/json";

pub const MERGE_PATCH: &str = "application/merge-patch+json";
pub const JSON_PATCH: &str = "application/json-patch+json";
pub const STRATEGIC_PATCH: &str = "application/strategic-merge-patch+json";

/// The message of a stale resourceVersion, as kube-apiserver words it.
pub const MODIFIED: &str =
    "the object has been modified; please apply your changes to the latest version and try again";

/// The longest any single step of a test may take before the test is declared hung.
pub const HUNG: Duration = Duration::from_secs(30);

/// A running hub and a client holding the admin token (its requests are the admin's).
pub struct Api {
    pub hub: TestHub,
    pub client: Client,
}

/// Requests to the hub as one identity: the admin, a ServiceAccount, or nobody.
#[derive(Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
}

impl std::ops::Deref for Api {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

/// One whole answer.
#[derive(Debug)]
pub struct Reply {
    pub code: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {}", self.text()))
    }

    /// A header's value, "" when absent.
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("an ASCII header").to_string())
            .unwrap_or_default()
    }

    pub fn all_headers(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().expect("an ASCII header").to_string())
            .collect()
    }

    pub fn content_type(&self) -> String {
        self.header("content-type")
    }

    /// Asserts the code and that the answer is JSON; returns the body.
    #[track_caller]
    pub fn expect(&self, code: u16) -> Value {
        assert_eq!(self.code, code, "{}", self.text());
        self.json()
    }
}

impl Api {
    pub fn start() -> Api {
        Api::from_hub(TestHub::start())
    }

    pub fn start_with(configure: impl FnOnce(&mut ServeOptions)) -> Api {
        Api::from_hub(TestHub::start_with(Arc::new(SystemClock), configure))
    }

    /// A hub whose clock only moves when the test moves it.
    pub fn with_manual_clock() -> (Api, Arc<ManualClock>) {
        Api::with_manual_clock_and(|_| {})
    }

    /// As `with_manual_clock`, with options adjusted by `configure`.
    pub fn with_manual_clock_and(
        configure: impl FnOnce(&mut ServeOptions),
    ) -> (Api, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(SystemClock.now()));
        let shared: Arc<dyn Clock> = clock.clone();
        (Api::from_hub(TestHub::start_with(shared, configure)), clock)
    }

    fn from_hub(hub: TestHub) -> Api {
        let client = Client {
            base: hub.url.clone(),
            http: hub.admin_client(),
        };
        Api { hub, client }
    }

    /// Stops the hub and starts it again on the same data directory with `configure`d options.
    pub fn restart_with(self, configure: impl FnOnce(&mut ServeOptions)) -> Api {
        Api::from_hub(self.hub.restart_with(Arc::new(SystemClock), configure))
    }

    /// Restarts the hub, with `clock`, after writing `writes` straight to its store, as a
    /// crash between a write and its consequences would leave it.
    pub fn restart_after_writing(
        self,
        clock: Arc<dyn Clock>,
        writes: Vec<tokenhub_store::Write>,
    ) -> Api {
        let offline = |data_dir: &std::path::Path| {
            let db = data_dir.join("tokenhub.db");
            // Its own thread: this test's runtime cannot block on another.
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(async move {
                    use tokenhub_store::Store;
                    let store = tokenhub_store::SqliteStore::open(&db, Arc::new(SystemClock))
                        .await
                        .expect("the hub's store");
                    store.apply(writes).await.expect("the offline writes");
                });
            })
            .join()
            .expect("the offline writer");
        };
        Api::from_hub(self.hub.restart_after(offline, clock, |_| {}))
    }

    /// A client presenting `token`.
    pub fn with_token(&self, token: &str) -> Client {
        Client {
            base: self.hub.url.clone(),
            http: self.hub.client_with_token(Some(token)),
        }
    }

    /// A client presenting no credential.
    pub fn anonymous(&self) -> Client {
        Client {
            base: self.hub.url.clone(),
            http: self.hub.client_with_token(None),
        }
    }

    /// Creates a ConfigMap in `namespace` and returns it as stored.
    pub async fn config_map(&self, namespace: &str, name: &str, labels: Value) -> Value {
        let body = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "labels": labels},
            "data": {"key": name},
        });
        self.post(&format!("/api/v1/namespaces/{namespace}/configmaps"), &body)
            .await
            .expect(201)
    }

    pub async fn namespace(&self, name: &str) -> Value {
        self.post(
            "/api/v1/namespaces",
            &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}),
        )
        .await
        .expect(201)
    }

    /// The names of the items of a JSON list.
    pub async fn names(&self, path: &str) -> Vec<String> {
        names(&self.get(path).await.expect(200))
    }
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path))
    }

    pub async fn send(&self, request: RequestBuilder) -> Reply {
        let response = tokio::time::timeout(HUNG, request.send())
            .await
            .expect("the hub answers in time")
            .expect("the request reaches the hub");
        let code = response.status().as_u16();
        let headers = response.headers().clone();
        let body = tokio::time::timeout(HUNG, response.bytes())
            .await
            .expect("the body arrives in time")
            .expect("the body can be read")
            .to_vec();
        Reply {
            code,
            headers,
            body,
        }
    }

    /// GET with `Accept: application/json`, as kubectl's `-o json`.
    pub async fn get(&self, path: &str) -> Reply {
        self.get_as(path, "application/json").await
    }

    pub async fn get_as(&self, path: &str, accept: &str) -> Reply {
        self.send(self.request(Method::GET, path).header(ACCEPT, accept))
            .await
    }

    /// A body with `Content-Type: application/json`.
    pub async fn write(&self, method: Method, path: &str, body: &Value) -> Reply {
        self.send(
            self.request(method, path)
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string()),
        )
        .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.write(Method::POST, path, body).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        self.write(Method::PUT, path, body).await
    }

    pub async fn patch(&self, path: &str, content_type: &str, body: &Value) -> Reply {
        self.send(
            self.request(Method::PATCH, path)
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, content_type)
                .body(body.to_string()),
        )
        .await
    }

    /// DELETE as kubectl sends it: a JSON DeleteOptions body.
    pub async fn delete(&self, path: &str, options: &Value) -> Reply {
        self.write(Method::DELETE, path, options).await
    }
}

/// `metadata.name` of every item of a list.
pub fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| {
            item["metadata"]["name"]
                .as_str()
                .expect("a name")
                .to_string()
        })
        .collect()
}

pub fn resource_version(object: &Value) -> String {
    object["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or_else(|| panic!("no resourceVersion: {object}"))
        .to_string()
}

/// Asserts a failure answer is the `metav1.Status` kube-apiserver sends; returns it.
#[track_caller]
pub fn assert_failure(reply: &Reply, code: u16, reason: &str, message: &str) -> Value {
    let status = assert_failure_code(reply, code, reason);
    assert_eq!(status["message"], message, "{status}");
    status
}

/// As `assert_failure`, for messages whose wording comes from a parser (checked elsewhere).
#[track_caller]
pub fn assert_failure_code(reply: &Reply, code: u16, reason: &str) -> Value {
    assert_eq!(reply.code, code, "{}", reply.text());
    assert_eq!(reply.content_type(), "application/json");
    let status = reply.json();
    assert_eq!(status["kind"], "Status", "{status}");
    assert_eq!(status["apiVersion"], "v1", "{status}");
    assert_eq!(status["metadata"], json!({}), "{status}");
    assert_eq!(status["status"], "Failure", "{status}");
    assert_eq!(status["reason"], reason, "{status}");
    assert_eq!(status["code"], code, "{status}");
    assert!(
        status["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{status}"
    );
    status
}

type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<Vec<u8>>> + Send>>;

/// A watch response, read event by event.
pub struct Watch {
    pub content_type: String,
    stream: ByteStream,
    buffer: Vec<u8>,
}

impl Watch {
    /// Opens a watch; the hub has subscribed to the change feed once this returns.
    pub async fn open(api: &Client, path: &str, accept: &str) -> Watch {
        let response = tokio::time::timeout(
            HUNG,
            api.request(Method::GET, path).header(ACCEPT, accept).send(),
        )
        .await
        .expect("the watch starts in time")
        .expect("the watch reaches the hub");
        assert_eq!(response.status().as_u16(), 200, "watch {path}");
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| v.to_str().expect("ASCII").to_string())
            .unwrap_or_default();
        Watch {
            content_type,
            stream: Box::pin(
                response
                    .bytes_stream()
                    .map(|chunk| chunk.map(|b| b.to_vec())),
            ),
            buffer: Vec::new(),
        }
    }

    /// The next event, or `None` when the hub ended the stream.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            if let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(serde_json::from_slice(&line).unwrap_or_else(|e| {
                    panic!(
                        "a watch line is not JSON ({e}): {}",
                        String::from_utf8_lossy(&line)
                    )
                }));
            }
            let chunk = tokio::time::timeout(HUNG, self.stream.next())
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "no watch event in time; pending: {}",
                        String::from_utf8_lossy(&self.buffer)
                    )
                });
            match chunk {
                Some(bytes) => self
                    .buffer
                    .extend_from_slice(&bytes.expect("the watch stream reads")),
                None => {
                    assert!(
                        self.buffer.iter().all(u8::is_ascii_whitespace),
                        "the stream ended inside an event: {}",
                        String::from_utf8_lossy(&self.buffer)
                    );
                    return None;
                }
            }
        }
    }

    /// The next event, which must be of `event_type` about the object named `name`; returns
    /// its object.
    pub async fn expect(&mut self, event_type: &str, name: &str) -> Value {
        let event = self
            .next()
            .await
            .unwrap_or_else(|| panic!("the watch ended before {event_type} {name}"));
        assert_eq!(event["type"], event_type, "{event}");
        assert_eq!(event["object"]["metadata"]["name"], name, "{event}");
        event["object"].clone()
    }
}

/// `path?k=v&…` with the values percent-encoded.
pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The first `n` cells of row `row` of a Table.
pub fn cells(table: &Value, row: usize, n: usize) -> Vec<Value> {
    table["rows"][row]["cells"]
        .as_array()
        .unwrap_or_else(|| panic!("no row {row}: {table}"))
        .iter()
        .take(n)
        .cloned()
        .collect()
}
