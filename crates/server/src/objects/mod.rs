//! The generic object service: Kubernetes semantics of get, list, watch, create, update, patch
//! and delete for every stored kind of the registry, over the Store. No HTTP here: handlers
//! extract the request, call one of these and map the result.

mod admission;
mod continue_token;
mod create;
mod decode;
mod delete;
mod list;
mod update;
mod watch;

use std::sync::Arc;

use serde_json::Value;
use tokenhub_api::meta::ObjectExt;
use tokenhub_api::registry::ResourceType;
use tokenhub_core::clock::Clock;
use tokenhub_core::validation::FieldError;
use tokenhub_store::{ObjectKey, Store};

use crate::caches::Caches;
use crate::error::{ApiError, Cause, Target};

pub use admission::{Admission, Admissions, AdmitAll, Requester};
pub use create::adopt_request_namespace;
pub use create::rfc3339;
pub use decode::{FieldValidation, decode_object};
pub use delete::DeleteOptions;
pub use list::{ListOptions, ObjectList};
pub use watch::{Watch, WatchEvent, WatchEventType, WatchOptions, WatchStream};

/// Options shared by create, update and patch.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    pub dry_run: bool,
    pub field_validation: FieldValidation,
    pub requester: Requester,
}

/// A written object and the warnings to show the client (unknown fields under `Warn`).
#[derive(Debug)]
pub struct Written {
    pub object: Value,
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Objects {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    admission: Arc<dyn Admission>,
    /// The views to wait for before a write is answered (read-your-writes).
    views: Option<Arc<Caches>>,
}

impl Objects {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        admission: Arc<dyn Admission>,
        views: Option<Arc<Caches>>,
    ) -> Self {
        Objects {
            store,
            clock,
            admission,
            views,
        }
    }

    /// Waits until the hub's views have applied the write that stored `object`.
    async fn settled(&self, object: Value) -> Value {
        self.settled_at(object.resource_version().and_then(|rv| rv.parse().ok()))
            .await;
        object
    }

    /// Waits until the views have applied the write of `resource_version`.
    async fn settled_at(&self, resource_version: Option<u64>) {
        if let (Some(views), Some(rv)) = (&self.views, resource_version) {
            views.caught_up_to(rv).await;
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub async fn get(
        &self,
        t: &ResourceType,
        namespace: &str,
        name: &str,
    ) -> Result<Value, ApiError> {
        let key = object_key(t, namespace, name);
        match self.store.get(&key).await {
            Ok(Some(stored)) => Ok(stored.object),
            Ok(None) => Err(ApiError::NotFound(target(t, name))),
            Err(e) => Err(ApiError::from_store(e, target(t, name))),
        }
    }

    async fn require_namespace(&self, namespace: &str) -> Result<(), ApiError> {
        let key = ObjectKey::new("namespaces", "", namespace);
        match self.store.get(&key).await {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(ApiError::NotFound(Target::new("", "namespaces", namespace))),
            Err(e) => Err(ApiError::from_store(
                e,
                Target::new("", "namespaces", namespace),
            )),
        }
    }
}

pub fn object_key(t: &ResourceType, namespace: &str, name: &str) -> ObjectKey {
    let namespace = if t.is_namespaced() { namespace } else { "" };
    ObjectKey::new(t.storage_key(), namespace, name)
}

pub fn target(t: &ResourceType, name: &str) -> Target {
    Target::new(t.group, t.plural, name)
}

/// 422 Invalid for `errors`, or Ok when there are none.
pub fn invalid_if_any(
    t: &ResourceType,
    name: &str,
    errors: Vec<FieldError>,
) -> Result<(), ApiError> {
    if errors.is_empty() {
        return Ok(());
    }
    Err(invalid(t, name, errors))
}

/// 422 Invalid for `errors` on an object `name` of kind `t`.
pub fn invalid(t: &ResourceType, name: &str, errors: Vec<FieldError>) -> ApiError {
    ApiError::Invalid {
        group: t.group.to_string(),
        kind: t.kind.to_string(),
        name: name.to_string(),
        causes: errors
            .iter()
            .map(|e| Cause {
                reason: e.reason().to_string(),
                message: e.message(),
                field: e.field.clone(),
            })
            .collect(),
    }
}

/// The message of a stale resourceVersion, as kube-apiserver words it.
pub const MODIFIED: &str =
    "the object has been modified; please apply your changes to the latest version and try again";
