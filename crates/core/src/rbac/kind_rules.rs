//! The validation and defaulting rules of the four RBAC kinds, for the kind registry
//! (`kinds::rules_for`).

use serde_json::Value;

use super::objects::default_binding;
use super::validation::{
    validate_binding, validate_binding_update, validate_cluster_role, validate_role,
};
use crate::kinds::KindRules;
use crate::validation::FieldError;

pub struct RoleRules;

impl KindRules for RoleRules {
    fn validate(&self, object: &Value) -> Vec<FieldError> {
        validate_role(object, true)
    }
}

pub struct ClusterRoleRules;

impl KindRules for ClusterRoleRules {
    fn validate(&self, object: &Value) -> Vec<FieldError> {
        validate_cluster_role(object)
    }
}

/// RoleBinding (`namespaced`) or ClusterRoleBinding.
pub struct BindingRules {
    pub namespaced: bool,
}

impl KindRules for BindingRules {
    fn prepare_create(&self, object: &mut Value) {
        default_binding(object);
    }

    fn prepare_update(&self, _old: &Value, new: &mut Value) {
        default_binding(new);
    }

    fn validate(&self, object: &Value) -> Vec<FieldError> {
        validate_binding(object, self.namespaced)
    }

    fn validate_update(&self, old: &Value, new: &Value) -> Vec<FieldError> {
        let mut errs = validate_binding(new, self.namespaced);
        errs.extend(validate_binding_update(old, new));
        errs
    }
}

pub static ROLE_BINDING_RULES: BindingRules = BindingRules { namespaced: true };
pub static CLUSTER_ROLE_BINDING_RULES: BindingRules = BindingRules { namespaced: false };

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bindings_are_defaulted_before_validation() {
        let mut b = json!({"roleRef": {"kind": "ClusterRole", "name": "view"},
            "subjects": [{"kind": "User", "name": "alice"}]});
        CLUSTER_ROLE_BINDING_RULES.prepare_create(&mut b);
        assert!(CLUSTER_ROLE_BINDING_RULES.validate(&b).is_empty());
        let mut changed = b.clone();
        changed["roleRef"]["name"] = json!("edit");
        CLUSTER_ROLE_BINDING_RULES.prepare_update(&b, &mut changed);
        assert_eq!(
            CLUSTER_ROLE_BINDING_RULES
                .validate_update(&b, &changed)
                .len(),
            1
        );
        assert_eq!(ROLE_BINDING_RULES.validate_update(&b, &b).len(), 0);
        assert_eq!(
            RoleRules
                .validate(&json!({"rules": [{"verbs": ["get"], "nonResourceURLs": ["/x"]}]}))
                .len(),
            1
        );
        assert!(
            ClusterRoleRules
                .validate(&json!({"rules": [{"verbs": ["get"], "nonResourceURLs": ["/x"]}]}))
                .is_empty()
        );
    }
}
