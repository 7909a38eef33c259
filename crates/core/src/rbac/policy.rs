//! The one way RBAC objects reach an authorizer: upserts and removals, one object at a time,
//! as the store's change feed delivers them.

use serde_json::Value;

use super::objects::{
    ObjectError, PolicyRule, RoleRef, Subject, name_and_namespace_of, role_ref_of, rules_of,
    subjects_of,
};

/// The four RBAC kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RbacKind {
    Role,
    ClusterRole,
    RoleBinding,
    ClusterRoleBinding,
}

impl RbacKind {
    /// The kind named by an object's `kind` (`Role`, `ClusterRoleBinding`, ...).
    pub fn from_kind(kind: &str) -> Option<RbacKind> {
        match kind {
            "Role" => Some(RbacKind::Role),
            "ClusterRole" => Some(RbacKind::ClusterRole),
            "RoleBinding" => Some(RbacKind::RoleBinding),
            "ClusterRoleBinding" => Some(RbacKind::ClusterRoleBinding),
            _ => None,
        }
    }
}

/// Incremental updates of the RBAC objects an authorizer holds. An upsert replaces the object
/// of the same name; removing an absent object does nothing.
pub trait PolicyUpdates {
    fn upsert_role(&mut self, namespace: &str, name: &str, rules: Vec<PolicyRule>);
    fn remove_role(&mut self, namespace: &str, name: &str);
    fn upsert_cluster_role(&mut self, name: &str, rules: Vec<PolicyRule>);
    fn remove_cluster_role(&mut self, name: &str);
    fn upsert_role_binding(
        &mut self,
        namespace: &str,
        name: &str,
        role_ref: RoleRef,
        subjects: Vec<Subject>,
    );
    fn remove_role_binding(&mut self, namespace: &str, name: &str);
    fn upsert_cluster_role_binding(
        &mut self,
        name: &str,
        role_ref: RoleRef,
        subjects: Vec<Subject>,
    );
    fn remove_cluster_role_binding(&mut self, name: &str);

    /// Upserts a stored object of `kind` (its JSON). An object that cannot be read changes
    /// nothing.
    fn upsert_object(&mut self, kind: RbacKind, object: &Value) -> Result<(), ObjectError> {
        let (name, namespace) = name_and_namespace_of(object);
        match kind {
            RbacKind::Role => self.upsert_role(namespace, name, rules_of(object)?),
            RbacKind::ClusterRole => self.upsert_cluster_role(name, rules_of(object)?),
            RbacKind::RoleBinding => {
                let role_ref = role_ref_of(object)?;
                self.upsert_role_binding(namespace, name, role_ref, subjects_of(object)?);
            }
            RbacKind::ClusterRoleBinding => {
                let role_ref = role_ref_of(object)?;
                self.upsert_cluster_role_binding(name, role_ref, subjects_of(object)?);
            }
        }
        Ok(())
    }

    /// Removes the object of `kind` named `name` (in `namespace` for the namespaced kinds).
    fn remove_object(&mut self, kind: RbacKind, namespace: &str, name: &str) {
        match kind {
            RbacKind::Role => self.remove_role(namespace, name),
            RbacKind::ClusterRole => self.remove_cluster_role(name),
            RbacKind::RoleBinding => self.remove_role_binding(namespace, name),
            RbacKind::ClusterRoleBinding => self.remove_cluster_role_binding(name),
        }
    }
}
