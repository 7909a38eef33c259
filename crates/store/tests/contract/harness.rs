//! A store under test, its clock, and the small helpers every contract test uses.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use jiff::Timestamp;
use serde_json::{Value, json};
use tokenhub_core::clock::{Clock, ManualClock};
use tokenhub_store::{
    Event, EventStream, ListPage, ListQuery, ObjectKey, SqliteStore, Store, StoreExt, Stored,
    WatchQuery,
};

/// A backend's database, which can be opened (again) as a store.
#[async_trait::async_trait]
pub trait Backend: Send + Sync {
    /// Opens a store over this backend's database, creating the database the first time.
    async fn open(&self, clock: Arc<dyn Clock>) -> Arc<dyn Store>;
    /// Shuts down every store opened so far, as a stopping process would.
    async fn close(&self);
}

pub struct Harness {
    pub clock: Arc<ManualClock>,
    store: Arc<dyn Store>,
    backend: Box<dyn Backend>,
}

impl Harness {
    pub async fn sqlite() -> Harness {
        Harness::with_backend(Box::new(SqliteBackend::new())).await
    }

    async fn with_backend(backend: Box<dyn Backend>) -> Harness {
        let clock = Arc::new(ManualClock::new(start_of_tests()));
        let store = backend.open(clock.clone()).await;
        Harness {
            clock,
            store,
            backend,
        }
    }

    pub fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// The store, to move into spawned tasks.
    pub fn shared_store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// Stops the store and opens the same database again, as a restarted hub would.
    pub async fn restart(&mut self) {
        self.backend.close().await;
        self.store = self.backend.open(self.clock.clone()).await;
    }

    /// Opens a second store over the same database while the first stays open: what a hub
    /// killed without warning would find when it starts again.
    pub async fn open_again(&self) -> Arc<dyn Store> {
        self.backend.open(self.clock.clone()).await
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now().as_millisecond()
    }

    pub fn advance_minutes(&self, minutes: i64) {
        self.clock.advance(jiff::SignedDuration::from_mins(minutes));
    }

    pub async fn create(&self, key: &ObjectKey, data: &str) -> Stored {
        self.store()
            .create(key.clone(), object(key, data))
            .await
            .expect("create")
    }

    pub async fn list_all(&self, resource: &str, namespace: Option<&str>) -> ListPage {
        self.store()
            .list(ListQuery {
                resource,
                namespace,
                filter: &|_| true,
                limit: None,
                continue_from: None,
            })
            .await
            .expect("list")
    }

    pub async fn watch(&self, query: WatchQuery) -> EventStream {
        self.store().watch(query).await.expect("watch")
    }
}

struct SqliteBackend {
    dir: tempfile::TempDir,
    opened: Mutex<Vec<Arc<SqliteStore>>>,
}

impl SqliteBackend {
    fn new() -> Self {
        SqliteBackend {
            dir: tempfile::tempdir().expect("temp dir"),
            opened: Mutex::new(Vec::new()),
        }
    }
}

#[async_trait::async_trait]
impl Backend for SqliteBackend {
    async fn open(&self, clock: Arc<dyn Clock>) -> Arc<dyn Store> {
        let path = self.dir.path().join("tokenhub.db");
        let store = Arc::new(SqliteStore::open(&path, clock).await.expect("open"));
        self.opened.lock().unwrap().push(store.clone());
        store
    }

    async fn close(&self) {
        let opened = std::mem::take(&mut *self.opened.lock().unwrap());
        for store in opened {
            store.close().await;
        }
    }
}

fn start_of_tests() -> Timestamp {
    Timestamp::from_second(1_700_000_000).expect("a valid timestamp")
}

pub fn key(resource: &str, namespace: &str, name: &str) -> ObjectKey {
    ObjectKey::new(resource, namespace, name)
}

/// A ConfigMap-like object at `key` whose `data.value` is `data`, with a uid derived from the key.
pub fn object(key: &ObjectKey, data: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": key.name,
            "namespace": key.namespace,
            "uid": format!("uid-{}-{}-{}", key.resource, key.namespace, key.name),
        },
        "data": {"value": data},
    })
}

pub fn data_of(object: &Value) -> &str {
    object["data"]["value"].as_str().expect("data.value")
}

pub fn rv_in_metadata(object: &Value) -> u64 {
    object["metadata"]["resourceVersion"]
        .as_str()
        .expect("metadata.resourceVersion is a string")
        .parse()
        .expect("metadata.resourceVersion is decimal")
}

pub fn names(page: &ListPage) -> Vec<String> {
    page.items
        .iter()
        .map(|stored| format!("{}/{}", stored.key.namespace, stored.key.name))
        .collect()
}

/// The next item of a watch. The timeout only turns a missing event into a failure instead of a
/// hung test; it measures nothing.
pub async fn next_item(stream: &mut EventStream) -> tokenhub_store::Result<Arc<Event>> {
    tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("an event within 10 s")
        .expect("the stream goes on")
}

pub async fn next_event(stream: &mut EventStream) -> Arc<Event> {
    next_item(stream).await.expect("an event, not an error")
}
