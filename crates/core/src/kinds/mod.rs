//! The rules of each kind: defaults, what an update may change, validation, protection.
//! Adding a kind is one registry entry (in the api crate) plus, when it has rules, one file here.

mod config_map;
pub mod hub;
mod namespace;

use serde_json::Value;
use tokenhub_api::registry::ResourceType;

use tokenhub_api::kinds::tokenhub_v1::{GROUP as HUB_GROUP, RANCHER_GROUP};

use crate::rbac;
use crate::validation::FieldError;

pub trait KindRules: Send + Sync {
    /// Defaults and server-owned fields of a new object (after the generic metadata).
    fn prepare_create(&self, _object: &mut Value) {}

    /// Carries over from `old` what an update through the main resource may not change.
    fn prepare_update(&self, _old: &Value, _new: &mut Value) {}

    fn validate(&self, _object: &Value) -> Vec<FieldError> {
        Vec::new()
    }

    fn validate_update(&self, _old: &Value, new: &Value) -> Vec<FieldError> {
        self.validate(new)
    }

    /// Why this object may not be deleted, if it may not.
    fn deletion_forbidden(&self, _object: &Value) -> Option<String> {
        None
    }

    /// What goes with this object when it is deleted, in the same transaction: stored
    /// records and cluster-scoped objects it owns.
    fn deleted_with(&self, _object: &Value) -> Vec<Dependent> {
        Vec::new()
    }
}

/// A cluster-scoped record or object that another owns: its resource's storage key and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependent {
    pub resource: String,
    pub name: String,
}

impl Dependent {
    pub fn new(resource: impl Into<String>, name: impl Into<String>) -> Self {
        Dependent {
            resource: resource.into(),
            name: name.into(),
        }
    }
}

/// Kinds whose objects need nothing beyond the generic metadata rules.
struct NoRules;

impl KindRules for NoRules {}

pub fn rules_for(t: &ResourceType) -> &'static dyn KindRules {
    match (t.group, t.kind) {
        ("", "Namespace") => &namespace::NamespaceRules,
        ("", "ConfigMap") => &config_map::ConfigMapRules,
        (rbac::GROUP_NAME, "Role") => &rbac::RoleRules,
        (rbac::GROUP_NAME, "ClusterRole") => &rbac::ClusterRoleRules,
        (rbac::GROUP_NAME, "RoleBinding") => &rbac::ROLE_BINDING_RULES,
        (rbac::GROUP_NAME, "ClusterRoleBinding") => &rbac::CLUSTER_ROLE_BINDING_RULES,
        (HUB_GROUP, "User") => &hub::UserRules,
        (HUB_GROUP | RANCHER_GROUP, "Token") => &hub::TokenRules,
        (HUB_GROUP, "APIToken") => &hub::ApiTokenRules,
        (HUB_GROUP, "Setting") => &hub::SettingRules,
        (HUB_GROUP, "Feature") => &hub::FeatureRules,
        _ => &NoRules,
    }
}
