//! Create: server-owned metadata, generated names, validation, then one store write.

use jiff::Timestamp;
use serde_json::{Map, Value};
use tokenhub_api::meta::{ObjectExt, metadata_mut};
use tokenhub_api::registry::ResourceType;
use tokenhub_core::kinds::rules_for;
use tokenhub_core::names::with_random_suffix;
use tokenhub_core::validation::validate_object_meta;
use tokenhub_store::{StoreError, Write};

use super::decode::decode_object;
use super::{Objects, WriteOptions, Written, invalid_if_any, object_key, target};
use crate::error::ApiError;

/// How many fresh names a `generateName` create tries before giving up on collisions.
const GENERATE_NAME_ATTEMPTS: usize = 8;

impl Objects {
    /// Creates an object of kind `t` in `namespace` (ignored for cluster-scoped kinds).
    pub async fn create(
        &self,
        t: &ResourceType,
        namespace: &str,
        body: Value,
        options: &WriteOptions,
    ) -> Result<Written, ApiError> {
        self.create_with(t, namespace, body, options, |_| Vec::new())
            .await
    }

    /// Creates an object together with the writes `also` makes from it as it will be stored
    /// (name, uid), in one transaction: records and objects that go with it. The answer waits
    /// until the views have applied all of them.
    pub async fn create_with(
        &self,
        t: &ResourceType,
        namespace: &str,
        body: Value,
        options: &WriteOptions,
        also: impl Fn(&Value) -> Vec<Write>,
    ) -> Result<Written, ApiError> {
        let (mut object, warnings) = decode_object(t, body, options.field_validation)?;
        adopt_request_namespace(t, &mut object, namespace)?;
        prepare_metadata(&mut object, rfc3339(self.clock.now()))?;
        rules_for(t).prepare_create(&mut object);

        let generate_name = object
            .meta_str("generateName")
            .unwrap_or_default()
            .to_string();
        let name_given = !object.name().unwrap_or_default().is_empty();
        if !name_given && !generate_name.is_empty() {
            set_name(&mut object, with_random_suffix(&generate_name, 5));
        }
        let name = object.name().unwrap_or_default().to_string();
        let mut errors = validate_object_meta(
            object.get("metadata").unwrap_or(&Value::Null),
            t.name_rule,
            t.is_namespaced(),
        );
        errors.extend(rules_for(t).validate(&object));
        invalid_if_any(t, &name, errors)?;
        if t.is_namespaced() {
            self.require_namespace(namespace).await?;
        }
        self.admission
            .admit(&options.requester, t, namespace, None, &mut object)?;
        if options.dry_run {
            return Ok(Written { object, warnings });
        }

        let mut attempts = 0;
        loop {
            let name = object.name().unwrap_or_default().to_string();
            let key = object_key(t, namespace, &name);
            let mut batch = vec![Write::Create {
                key,
                object: object.clone(),
            }];
            batch.extend(also(&object));
            match self.store.apply(batch).await {
                Ok(written) => {
                    let last = written.iter().map(|w| w.stored().resource_version).max();
                    let Some(created) = written.into_iter().next() else {
                        return Err(ApiError::internal("a create reported no result"));
                    };
                    self.settled_at(last).await;
                    return Ok(Written {
                        object: created.into_stored().object,
                        warnings,
                    });
                }
                Err(StoreError::AlreadyExists(_))
                    if !name_given && attempts + 1 < GENERATE_NAME_ATTEMPTS =>
                {
                    attempts += 1;
                    set_name(&mut object, with_random_suffix(&generate_name, 5));
                }
                Err(e) => return Err(ApiError::from_store(e, target(t, &name))),
            }
        }
    }
}

/// Namespaced objects take the request's namespace (a different one in the body is refused);
/// cluster-scoped objects have none.
pub fn adopt_request_namespace(
    t: &ResourceType,
    object: &mut Value,
    namespace: &str,
) -> Result<(), ApiError> {
    let meta = metadata_mut(object);
    if !t.is_namespaced() {
        meta.remove("namespace");
        return Ok(());
    }
    match meta.get("namespace").and_then(Value::as_str) {
        None | Some("") => {
            meta.insert("namespace".into(), namespace.into());
            Ok(())
        }
        Some(ns) if ns == namespace => Ok(()),
        Some(_) => Err(ApiError::BadRequest(
            "the namespace of the provided object does not match the namespace sent on the request"
                .into(),
        )),
    }
}

/// Sets what the server owns on a new object and clears what clients may not set.
fn prepare_metadata(object: &mut Value, now: String) -> Result<(), ApiError> {
    let meta = metadata_mut(object);
    if meta
        .get("resourceVersion")
        .and_then(Value::as_str)
        .is_some_and(|rv| !rv.is_empty())
    {
        return Err(ApiError::BadRequest(
            "resourceVersion should not be set on objects to be created".into(),
        ));
    }
    for server_owned in [
        "resourceVersion",
        "selfLink",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "managedFields",
        "generation",
    ] {
        meta.remove(server_owned);
    }
    meta.insert("uid".into(), uuid::Uuid::new_v4().to_string().into());
    meta.insert("creationTimestamp".into(), now.into());
    drop_empty_maps(meta);
    Ok(())
}

/// `labels: {}` and `annotations: {}` mean nothing; kube stores them as absent.
pub(super) fn drop_empty_maps(meta: &mut Map<String, Value>) {
    for key in ["labels", "annotations"] {
        let empty = match meta.get(key) {
            Some(Value::Object(m)) => m.is_empty(),
            Some(Value::Null) => true,
            _ => false,
        };
        if empty {
            meta.remove(key);
        }
    }
}

fn set_name(object: &mut Value, name: String) {
    metadata_mut(object).insert("name".into(), name.into());
}

/// Kubernetes timestamps: RFC 3339, UTC, whole seconds.
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}
