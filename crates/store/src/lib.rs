//! Persistence of tokenhub: `trait Store` is the only door to it.
//!
//! Objects are JSON values addressed by (resource, namespace, name). Every write takes the next
//! value of one monotonic counter per store, its resourceVersion, which the store writes into
//! `metadata.resourceVersion` of the stored object. Every write is also an event in the change
//! feed, which carries the object before the change so that a list can be continued from a
//! consistent snapshot and a filtered watch can tell when an object stops matching.

mod encoding;
mod error;
mod sqlite;

use std::pin::Pin;
use std::sync::Arc;

use futures_util::Stream;
use serde_json::Value;

pub use error::StoreError;
pub use sqlite::SqliteStore;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where an object lives. `resource` is the registry's storage key (`configmaps`,
/// `rbac.authorization.k8s.io/roles`); `namespace` is empty for cluster-scoped objects.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    pub resource: String,
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn new(
        resource: impl Into<String>,
        namespace: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        ObjectKey {
            resource: resource.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

/// An object as stored, with the resourceVersion of its last write (also found in its metadata).
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    pub key: ObjectKey,
    pub resource_version: u64,
    pub object: Value,
}

/// Conditions a write must meet; unmet, the write fails with `Conflict` and changes nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Precondition {
    pub resource_version: Option<u64>,
    pub uid: Option<String>,
}

/// One write of an atomic batch.
#[derive(Clone, Debug)]
pub enum Write {
    /// Fails with `AlreadyExists` if the key is taken.
    Create { key: ObjectKey, object: Value },
    /// Fails with `NotFound` if absent, `Conflict` if the precondition is not met.
    Update {
        key: ObjectKey,
        object: Value,
        precondition: Precondition,
    },
    /// Fails with `NotFound` if absent, `Conflict` if the precondition is not met.
    Delete {
        key: ObjectKey,
        precondition: Precondition,
    },
    /// Deletes the object if it is there (a dependent that goes with its owner); reports
    /// `Deleted` only when it was.
    DeleteIfExists { key: ObjectKey },
    /// Deletes every object of every resource stored in `namespace` (a namespace's contents);
    /// never fails for lack of objects. An empty `namespace` (where cluster-scoped objects
    /// live) is refused with `Backend`: no caller means to wipe every cluster-scoped object.
    DeleteNamespaceContents { namespace: String },
}

/// What a write did, in the order of the batch. `DeleteNamespaceContents` reports one
/// `Deleted` per removed object.
#[derive(Clone, Debug, PartialEq)]
pub enum Written {
    Created(Stored),
    Updated(Stored),
    /// The object as it was last stored, with the resourceVersion of its deletion.
    Deleted(Stored),
}

impl Written {
    pub fn stored(&self) -> &Stored {
        match self {
            Written::Created(s) | Written::Updated(s) | Written::Deleted(s) => s,
        }
    }

    pub fn into_stored(self) -> Stored {
        match self {
            Written::Created(s) | Written::Updated(s) | Written::Deleted(s) => s,
        }
    }
}

/// A filter applied to objects before `limit` counts them (label and field selectors).
pub type ObjectFilter<'a> = &'a (dyn Fn(&Value) -> bool + Send + Sync);

/// A list request. Results are ordered by (namespace, name).
pub struct ListQuery<'a> {
    pub resource: &'a str,
    /// `None` lists all namespaces (or a cluster-scoped resource).
    pub namespace: Option<&'a str>,
    pub filter: ObjectFilter<'a>,
    /// At most this many objects; `None` (or `Some(0)`, as Kubernetes reads `limit=0`) for all.
    pub limit: Option<usize>,
    /// Continue a previous page: the snapshot it was read at and the last key it returned.
    /// The page is read from that same snapshot; if the feed no longer reaches back to it the
    /// list fails with `Expired`.
    pub continue_from: Option<ContinuePoint>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContinuePoint {
    pub resource_version: u64,
    pub namespace: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ListPage {
    pub items: Vec<Stored>,
    /// The snapshot the page was read at.
    pub resource_version: u64,
    /// Set when more objects match after this page.
    pub next: Option<ContinuePoint>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

/// One committed change.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub event_type: EventType,
    pub resource_version: u64,
    pub key: ObjectKey,
    /// After the change; for `Deleted` the last state, with the deletion's resourceVersion.
    pub object: Value,
    /// Before the change; `None` for `Added`.
    pub previous: Option<Value>,
}

pub type EventStream = Pin<Box<dyn Stream<Item = Result<Arc<Event>>> + Send>>;

/// What a watch or a cache follows.
#[derive(Clone, Debug, Default)]
pub struct WatchQuery {
    /// `None`: every resource.
    pub resource: Option<String>,
    /// `None`: every namespace.
    pub namespace: Option<String>,
    /// Events with a resourceVersion strictly greater than this. Older than the feed reaches
    /// back: the stream's first item is `Err(Expired)`.
    pub after: u64,
}

#[async_trait::async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    async fn get(&self, key: &ObjectKey) -> Result<Option<Stored>>;

    async fn list(&self, query: ListQuery<'_>) -> Result<ListPage>;

    /// Applies every write of the batch or none. Each write takes its own resourceVersion, in
    /// batch order; all are committed (durably) together and then published to watchers.
    async fn apply(&self, batch: Vec<Write>) -> Result<Vec<Written>>;

    /// The resourceVersion of the latest committed write (0 for an empty store).
    async fn current_resource_version(&self) -> Result<u64>;

    /// Changes after `query.after`, then live changes as they commit, in resourceVersion order.
    async fn watch(&self, query: WatchQuery) -> Result<EventStream>;

    /// Forgets feed entries older than `keep_after_unix_ms`, but never the latest entry; lists
    /// continued from and watches started before the oldest kept entry then fail with
    /// `Expired`. Returns how many entries were forgotten.
    async fn compact(&self, keep_after_unix_ms: i64) -> Result<u64>;
}

/// Convenience wrappers over `apply` for single writes.
#[async_trait::async_trait]
pub trait StoreExt: Store {
    async fn create(&self, key: ObjectKey, object: Value) -> Result<Stored> {
        let written = self.apply(vec![Write::Create { key, object }]).await?;
        single(written)
    }

    async fn update(
        &self,
        key: ObjectKey,
        object: Value,
        precondition: Precondition,
    ) -> Result<Stored> {
        let written = self
            .apply(vec![Write::Update {
                key,
                object,
                precondition,
            }])
            .await?;
        single(written)
    }

    async fn delete(&self, key: ObjectKey, precondition: Precondition) -> Result<Stored> {
        let written = self
            .apply(vec![Write::Delete { key, precondition }])
            .await?;
        single(written)
    }
}

impl<S: Store + ?Sized> StoreExt for S {}

fn single(written: Vec<Written>) -> Result<Stored> {
    written
        .into_iter()
        .next()
        .map(Written::into_stored)
        .ok_or_else(|| StoreError::Backend("a single write reported no result".into()))
}
