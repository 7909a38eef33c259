//! Update (PUT) and patch: both end in one conditional store write, so that of two concurrent
//! writers holding the same resourceVersion exactly one wins.

use serde_json::Value;
use tokenhub_api::meta::{ObjectExt, metadata_mut};
use tokenhub_api::registry::ResourceType;
use tokenhub_core::kinds::rules_for;
use tokenhub_core::patch::{PatchError, PatchType, apply_patch};
use tokenhub_core::validation::{validate_object_meta, validate_object_meta_update};
use tokenhub_store::{Precondition, StoreError, StoreExt, Stored};

use super::create::{adopt_request_namespace, drop_empty_maps};
use super::decode::decode_object;
use super::{MODIFIED, Objects, WriteOptions, Written, invalid_if_any, object_key, target};
use crate::error::ApiError;

/// How often a patch is re-applied when another writer got in between its read and its write.
const PATCH_ATTEMPTS: usize = 5;

impl Objects {
    /// Replaces an object. A resourceVersion in the body must be the current one.
    pub async fn update(
        &self,
        t: &ResourceType,
        namespace: &str,
        name: &str,
        body: Value,
        options: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let (object, warnings) = decode_object(t, body, options.field_validation)?;
        let current = self.current(t, namespace, name).await?;
        let written = self
            .replace(t, namespace, name, &current, object, options)
            .await?;
        Ok(Written {
            object: written,
            warnings,
        })
    }

    /// Applies a patch to the current object and writes the result; retried when the object
    /// changed in between, unless the patch itself names a resourceVersion.
    pub async fn patch(
        &self,
        t: &ResourceType,
        namespace: &str,
        name: &str,
        patch_type: PatchType,
        patch: &[u8],
        options: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let current = self.current(t, namespace, name).await?;
            // The patch applies to the object as `t` shows it (a kind served under two groups
            // is stored under one).
            let mut shown = current.object.clone();
            if let Some(map) = shown.as_object_mut() {
                map.insert("apiVersion".into(), t.api_version().into());
            }
            let patched =
                apply_patch(&shown, patch, patch_type, (t.schema)()).map_err(patch_error)?;
            let pinned = patched.resource_version() != current.object.resource_version();
            let (object, warnings) = decode_object(t, patched, options.field_validation)?;
            match self
                .replace(t, namespace, name, &current, object, options)
                .await
            {
                Err(ApiError::Conflict { .. }) if !pinned && attempt < PATCH_ATTEMPTS => continue,
                Err(e) => return Err(e),
                Ok(object) => return Ok(Written { object, warnings }),
            }
        }
    }

    async fn current(
        &self,
        t: &ResourceType,
        namespace: &str,
        name: &str,
    ) -> Result<Stored, ApiError> {
        match self.store.get(&object_key(t, namespace, name)).await {
            Ok(Some(stored)) => Ok(stored),
            Ok(None) => Err(ApiError::NotFound(target(t, name))),
            Err(e) => Err(ApiError::from_store(e, target(t, name))),
        }
    }

    /// Validates `new` as the successor of `current` and writes it if `current` is still the
    /// stored version.
    async fn replace(
        &self,
        t: &ResourceType,
        namespace: &str,
        name: &str,
        current: &Stored,
        mut new: Value,
        options: &WriteOptions,
    ) -> Result<Value, ApiError> {
        if new.name() != Some(name) {
            return Err(ApiError::BadRequest(format!(
                "the name of the object ({}) does not match the name on the URL ({name})",
                new.name().unwrap_or_default()
            )));
        }
        adopt_request_namespace(t, &mut new, namespace)?;
        let conflict = |detail: String| ApiError::Conflict {
            target: target(t, name),
            detail,
        };
        match new.resource_version() {
            None | Some("") => {}
            Some(rv) if rv == current.resource_version.to_string() => {}
            Some(_) => return Err(conflict(MODIFIED.into())),
        }
        let old = &current.object;
        if let Some(uid) = new.uid().filter(|u| !u.is_empty())
            && Some(uid) != old.uid()
        {
            return Err(conflict(format!(
                "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                old.uid().unwrap_or_default()
            )));
        }
        carry_server_owned_metadata(old, &mut new);
        rules_for(t).prepare_update(old, &mut new);

        let mut errors = validate_object_meta(
            new.get("metadata").unwrap_or(&Value::Null),
            t.name_rule,
            t.is_namespaced(),
        );
        errors.extend(validate_object_meta_update(
            old.get("metadata").unwrap_or(&Value::Null),
            new.get("metadata").unwrap_or(&Value::Null),
        ));
        errors.extend(rules_for(t).validate_update(old, &new));
        invalid_if_any(t, name, errors)?;

        if &new == old {
            return Ok(new);
        }
        self.admission
            .admit(&options.requester, t, namespace, Some(old), &mut new)?;
        if options.dry_run {
            return Ok(new);
        }
        let precondition = Precondition {
            resource_version: Some(current.resource_version),
            uid: None,
        };
        match self
            .store
            .update(object_key(t, namespace, name), new, precondition)
            .await
        {
            Ok(stored) => Ok(self.settled(stored.object).await),
            Err(StoreError::Conflict { .. }) => Err(conflict(MODIFIED.into())),
            Err(e) => Err(ApiError::from_store(e, target(t, name))),
        }
    }
}

/// A patch that cannot be parsed is a bad request; one that does not apply to this object
/// (a failed `test`, a missing path) is unprocessable, as kube-apiserver answers.
fn patch_error(e: PatchError) -> ApiError {
    match e {
        PatchError::Unprocessable(message) => ApiError::Unprocessable(message),
        other => ApiError::BadRequest(other.to_string()),
    }
}

/// What clients cannot change on update: identity, creation time and the stored version; and
/// the apiVersion it is stored as (a kind served under two groups keeps its storage group).
fn carry_server_owned_metadata(old: &Value, new: &mut Value) {
    if let (Some(version), Some(map)) = (old.get("apiVersion"), new.as_object_mut()) {
        map.insert("apiVersion".into(), version.clone());
    }
    let old_meta = old.get("metadata").and_then(Value::as_object);
    let meta = metadata_mut(new);
    for key in ["uid", "creationTimestamp", "resourceVersion", "generation"] {
        match old_meta.and_then(|m| m.get(key)) {
            Some(value) => {
                meta.insert(key.into(), value.clone());
            }
            None => {
                meta.remove(key);
            }
        }
    }
    for cleared in [
        "selfLink",
        "managedFields",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ] {
        meta.remove(cleared);
    }
    drop_empty_maps(meta);
}
