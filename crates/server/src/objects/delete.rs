//! Delete and deletecollection. Objects go at once (the hub has no finalizers); a namespace
//! takes everything in it along, in the same transaction.

use serde::Deserialize;
use serde_json::Value;
use tokenhub_api::meta::ObjectExt;
use tokenhub_api::registry::ResourceType;
use tokenhub_core::kinds::rules_for;
use tokenhub_store::{ObjectKey, Precondition, StoreError, Write};

use super::list::{ListOptions, ObjectList};
use super::{MODIFIED, Objects, object_key, target};
use crate::error::ApiError;

/// `meta/v1` DeleteOptions, from the body and the query.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteOptions {
    #[serde(default)]
    pub preconditions: Option<Preconditions>,
    #[serde(default)]
    pub dry_run: Vec<String>,
    #[serde(default)]
    pub grace_period_seconds: Option<i64>,
    #[serde(default)]
    pub propagation_policy: Option<String>,
    #[serde(default)]
    pub orphan_dependents: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preconditions {
    #[serde(default)]
    pub uid: Option<String>,
    #[serde(default)]
    pub resource_version: Option<String>,
}

impl DeleteOptions {
    pub fn is_dry_run(&self) -> bool {
        self.dry_run.iter().any(|d| d == "All")
    }

    pub fn validate(&self) -> Result<(), ApiError> {
        if let Some(bad) = self.dry_run.iter().find(|d| d.as_str() != "All") {
            return Err(ApiError::BadRequest(format!(
                "dryRun: Unsupported value: {bad:?}: supported values: \"All\""
            )));
        }
        match self.propagation_policy.as_deref() {
            None | Some("Orphan" | "Background" | "Foreground") => Ok(()),
            Some(other) => Err(ApiError::BadRequest(format!(
                "propagationPolicy: Unsupported value: {other:?}: supported values: \"Foreground\", \"Background\", \"Orphan\""
            ))),
        }
    }
}

impl Objects {
    /// Deletes one object and returns its last state.
    pub async fn delete(
        &self,
        t: &ResourceType,
        namespace: &str,
        name: &str,
        options: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        options.validate()?;
        let key = object_key(t, namespace, name);
        let current = match self.store.get(&key).await {
            Ok(Some(stored)) => stored,
            Ok(None) => return Err(ApiError::NotFound(target(t, name))),
            Err(e) => return Err(ApiError::from_store(e, target(t, name))),
        };
        let object = &current.object;
        check_preconditions(t, name, object, options)?;
        if let Some(reason) = rules_for(t).deletion_forbidden(object) {
            return Err(ApiError::ForbiddenOn {
                target: target(t, name),
                reason,
            });
        }
        if options.is_dry_run() {
            return Ok(current.object);
        }
        let mut batch = Vec::new();
        if t.storage_key() == "namespaces" {
            batch.push(Write::DeleteNamespaceContents {
                namespace: name.to_string(),
            });
        }
        // What it owns goes first: the object's own deletion stays the last write reported.
        batch.extend(rules_for(t).deleted_with(object).into_iter().map(|d| {
            Write::DeleteIfExists {
                key: ObjectKey::new(d.resource, "", d.name),
            }
        }));
        batch.push(Write::Delete {
            key,
            precondition: Precondition {
                resource_version: Some(current.resource_version),
                uid: None,
            },
        });
        match self.store.apply(batch).await {
            Ok(mut written) => match written.pop() {
                Some(last) => Ok(self.settled(last.into_stored().object).await),
                None => Err(ApiError::internal("a delete reported no result")),
            },
            Err(StoreError::Conflict { .. }) => Err(ApiError::Conflict {
                target: target(t, name),
                detail: MODIFIED.into(),
            }),
            Err(e) => Err(ApiError::from_store(e, target(t, name))),
        }
    }

    /// Deletes every object the list options select; answers with the deleted objects.
    pub async fn delete_collection(
        &self,
        t: &ResourceType,
        namespace: Option<&str>,
        list: &ListOptions,
        options: &DeleteOptions,
    ) -> Result<ObjectList, ApiError> {
        options.validate()?;
        let selected = self
            .list(
                t,
                namespace,
                &ListOptions {
                    limit: None,
                    continue_token: None,
                    ..list.clone()
                },
            )
            .await?;
        let mut deleted = Vec::new();
        for object in selected.items {
            let ns = object.namespace().unwrap_or_default().to_string();
            let name = object.name().unwrap_or_default().to_string();
            match self.delete(t, &ns, &name, options).await {
                Ok(object) => deleted.push(object),
                // Gone in the meantime, or protected: the rest of the collection still goes.
                Err(ApiError::NotFound(_) | ApiError::ForbiddenOn { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(ObjectList {
            items: deleted,
            resource_version: selected.resource_version,
            continue_token: None,
        })
    }
}

fn check_preconditions(
    t: &ResourceType,
    name: &str,
    object: &Value,
    options: &DeleteOptions,
) -> Result<(), ApiError> {
    let Some(pre) = &options.preconditions else {
        return Ok(());
    };
    let conflict = |detail: String| ApiError::Conflict {
        target: target(t, name),
        detail,
    };
    if let Some(uid) = pre.uid.as_deref().filter(|u| !u.is_empty()) {
        let actual = object.uid().unwrap_or_default();
        if uid != actual {
            return Err(conflict(format!(
                "Precondition failed: UID in precondition: {uid}, UID in object meta: {actual}"
            )));
        }
    }
    if let Some(rv) = pre.resource_version.as_deref().filter(|r| !r.is_empty()) {
        let actual = object.resource_version().unwrap_or_default();
        if rv != actual {
            return Err(conflict(format!(
                "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {actual}"
            )));
        }
    }
    Ok(())
}
