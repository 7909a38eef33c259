//! Rules of the hub's own kinds: Users, Tokens, Settings, Features. What depends on the caller
//! or on the current settings (a Token's ttl, a Setting against the others) is the server's
//! admission; here is what depends on the objects alone.

use serde_json::{Map, Value, json};

use tokenhub_api::kinds::rbac_v1::CLUSTER_ROLE_BINDINGS;
use tokenhub_api::kinds::tokenhub_v1::{
    API_TOKEN_SECRETS_KEY, TOKEN_KIND_LABEL, TOKEN_SECRETS_KEY, TOKEN_USER_LABEL,
};
use tokenhub_api::meta::ObjectExt;

use super::{Dependent, KindRules};
use crate::api_tokens::{cluster_role_binding_name, validate_api_token_update};
use crate::settings::validate_feature;
use crate::tokens::{SESSION_KIND, validate_token_create};
use crate::users::{validate_user, validate_user_update};
use crate::validation::{FieldError, is_valid_label_value};

pub struct UserRules;

impl KindRules for UserRules {
    fn validate(&self, object: &Value) -> Vec<FieldError> {
        validate_user(object)
    }

    fn validate_update(&self, old: &Value, new: &Value) -> Vec<FieldError> {
        validate_user_update(old, new)
    }
}

pub struct TokenRules;

/// Sets the labels a Token always carries from its spec. A `spec.kind` that cannot be a label
/// value is left out: validation refuses it as `spec.kind`, once.
pub fn label_token(token: &mut Value) {
    let user = token.pointer("/spec/userID").cloned().unwrap_or(json!(""));
    let kind = token
        .pointer("/spec/kind")
        .filter(|k| {
            k.as_str()
                .is_some_and(|k| is_valid_label_value(k).is_empty())
        })
        .cloned()
        .unwrap_or(json!(""));
    let Some(meta) = token.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    let labels = meta
        .entry("labels")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(labels) = labels {
        labels.insert(TOKEN_USER_LABEL.into(), user);
        labels.insert(TOKEN_KIND_LABEL.into(), kind);
    }
}

/// Status belongs to the server: an update through the main resource keeps the stored one.
fn keep_status(old: &Value, new: &mut Value) {
    if let Some(map) = new.as_object_mut() {
        match old.get("status") {
            Some(status) => map.insert("status".into(), status.clone()),
            None => map.remove("status"),
        };
    }
}

impl KindRules for TokenRules {
    fn validate(&self, object: &Value) -> Vec<FieldError> {
        validate_token_create(object)
    }

    fn prepare_update(&self, old: &Value, new: &mut Value) {
        // The owner and kind labels follow the (immutable) spec.
        keep_status(old, new);
        label_token(new);
    }

    fn validate_update(&self, _old: &Value, _new: &Value) -> Vec<FieldError> {
        // Which fields may change, and the ttl, depend on the caller: see the admission.
        Vec::new()
    }

    /// Its secret's hash.
    fn deleted_with(&self, token: &Value) -> Vec<Dependent> {
        let name = token.name().unwrap_or_default();
        vec![Dependent::new(TOKEN_SECRETS_KEY, name)]
    }
}

/// Whether a Token is a login session.
pub fn is_session_token(token: &Value) -> bool {
    token.pointer("/spec/kind").and_then(Value::as_str) == Some(SESSION_KIND)
}

pub struct ApiTokenRules;

impl KindRules for ApiTokenRules {
    fn prepare_update(&self, old: &Value, new: &mut Value) {
        keep_status(old, new);
    }

    fn validate_update(&self, old: &Value, new: &Value) -> Vec<FieldError> {
        validate_api_token_update(old, new)
    }

    /// Its secret's hash and its role's ClusterRoleBinding.
    fn deleted_with(&self, token: &Value) -> Vec<Dependent> {
        let id = token.name().unwrap_or_default();
        vec![
            Dependent::new(API_TOKEN_SECRETS_KEY, id),
            Dependent::new(
                CLUSTER_ROLE_BINDINGS.storage_key(),
                cluster_role_binding_name(id),
            ),
        ]
    }
}

pub struct SettingRules;

impl KindRules for SettingRules {
    fn prepare_update(&self, old: &Value, new: &mut Value) {
        // The default is the server's.
        if let (Some(map), Some(default)) = (new.as_object_mut(), old.get("default")) {
            map.insert("default".into(), default.clone());
        }
    }
}

pub struct FeatureRules;

impl KindRules for FeatureRules {
    fn validate(&self, object: &Value) -> Vec<FieldError> {
        validate_feature(object)
    }

    fn prepare_update(&self, old: &Value, new: &mut Value) {
        keep_status(old, new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_labels_follow_the_spec_and_status_stays_the_servers() {
        let old =
            json!({"spec": {"userID": "alice", "kind": ""}, "status": {"lastUpdateTime": "t0"}});
        let mut new = json!({"metadata": {"name": "token-a", "labels": {"tokenhub.io/user-id": "bob"}}, "spec": {"userID": "alice", "kind": ""}, "status": {"expired": true}});
        TokenRules.prepare_update(&old, &mut new);
        assert_eq!(new["metadata"]["labels"][TOKEN_USER_LABEL], "alice");
        assert_eq!(new["status"], json!({"lastUpdateTime": "t0"}));
    }

    #[test]
    fn an_invalid_kind_is_not_copied_into_a_label() {
        let mut token = json!({"metadata": {"name": "token-a"}, "spec": {"userID": "alice", "kind": "not a label"}});
        label_token(&mut token);
        assert_eq!(token["metadata"]["labels"][TOKEN_KIND_LABEL], "");
        assert_eq!(validate_token_create(&token).len(), 1);
    }

    #[test]
    fn features_keep_their_status_and_settings_their_default() {
        let old = json!({"status": {"default": true}, "default": "5"});
        let mut feature = json!({"metadata": {"name": "ext-tokens"}, "spec": {"value": false}, "status": {"default": false}});
        FeatureRules.prepare_update(&old, &mut feature);
        assert_eq!(feature["status"]["default"], true);
        let mut setting = json!({"value": "7", "default": "1"});
        SettingRules.prepare_update(&old, &mut setting);
        assert_eq!(setting["default"], "5");
    }
}
