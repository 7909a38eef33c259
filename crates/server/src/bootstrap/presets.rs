//! Restores the preset ClusterRoles and ClusterRoleBindings at every start: missing ones are
//! created, changed ones put back, unless their owner opted out with the autoupdate annotation.

use serde_json::Value;
use tokenhub_api::kinds::rbac_v1::{CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES};
use tokenhub_api::meta::ObjectExt;
use tokenhub_api::registry::ResourceType;
use tokenhub_core::presets::{cluster_role_bindings, cluster_roles, matches, opted_out};

use crate::error::ApiError;
use crate::objects::{Objects, WriteOptions};

pub async fn reconcile_presets(objects: &Objects) -> Result<(), ApiError> {
    for role in cluster_roles() {
        reconcile(objects, &CLUSTER_ROLES, role).await?;
    }
    for binding in cluster_role_bindings() {
        reconcile(objects, &CLUSTER_ROLE_BINDINGS, binding).await?;
    }
    Ok(())
}

async fn reconcile(objects: &Objects, t: &ResourceType, preset: Value) -> Result<(), ApiError> {
    let name = preset.name().unwrap_or_default().to_string();
    let options = WriteOptions::default();
    match objects.get(t, "", &name).await {
        Err(ApiError::NotFound(_)) => {
            objects.create(t, "", preset, &options).await?;
            Ok(())
        }
        Err(e) => Err(e),
        Ok(stored) if opted_out(&stored) || matches(&stored, &preset) => Ok(()),
        Ok(stored) => {
            tracing::info!(kind = t.kind, %name, "restoring a changed preset");
            objects
                .update(t, "", &name, restored(stored, preset), &options)
                .await?;
            Ok(())
        }
    }
}

/// The stored object with the preset's content, keeping its identity and any extra labels and
/// annotations its owner added.
fn restored(stored: Value, preset: Value) -> Value {
    let mut out = preset;
    let Some(stored_meta) = stored.get("metadata").and_then(Value::as_object) else {
        return out;
    };
    if let Some(meta) = out.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in ["uid", "resourceVersion", "creationTimestamp"] {
            if let Some(v) = stored_meta.get(key) {
                meta.insert(key.into(), v.clone());
            }
        }
        for map in ["labels", "annotations"] {
            if let Some(Value::Object(theirs)) = stored_meta.get(map) {
                let ours = meta
                    .entry(map)
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Value::Object(ours) = ours {
                    for (k, v) in theirs {
                        ours.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
        }
    }
    // Aggregated rules belong to the aggregation, not to the preset.
    if out.get("aggregationRule").is_some()
        && let (Some(rules), Some(map)) = (stored.get("rules"), out.as_object_mut())
    {
        map.insert("rules".into(), rules.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn restoring_keeps_identity_and_owner_labels_and_takes_the_preset_rules() {
        let preset = json!({"metadata": {"name": "view", "labels": {"a": "1"}}, "rules": [{"verbs": ["get"]}]});
        let stored = json!({"metadata": {"name": "view", "uid": "u1", "resourceVersion": "7", "labels": {"a": "2", "mine": "x"}}, "rules": []});
        let out = restored(stored, preset);
        assert_eq!(out["metadata"]["uid"], "u1");
        assert_eq!(out["metadata"]["labels"], json!({"a": "1", "mine": "x"}));
        assert_eq!(out["rules"], json!([{"verbs": ["get"]}]));
    }
}
