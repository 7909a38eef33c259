//! The authorizer as kube-apiserver runs it: on every request, every ClusterRoleBinding and
//! every RoleBinding of the request's namespace is tested for the user. It is the reference the
//! index is checked against, and the baseline of the benchmark.

use std::collections::{BTreeMap, HashMap};

use super::decision::{Binding, Decision, RoleStore, collect_rules, first_allowing};
use super::objects::{PolicyRule, RoleRef, Subject};
use super::policy::PolicyUpdates;
use super::rules::RequestAttributes;
use crate::identity::UserInfo;

/// Bindings kept by name (the order decisions are reported in), scanned linearly.
#[derive(Clone, Debug, Default)]
pub struct LinearAuthorizer {
    roles: RoleStore,
    cluster_bindings: BTreeMap<String, Binding>,
    role_bindings: HashMap<String, BTreeMap<String, Binding>>,
}

impl LinearAuthorizer {
    pub fn new() -> LinearAuthorizer {
        LinearAuthorizer::default()
    }

    pub fn authorize(&self, user: &UserInfo, attrs: &RequestAttributes) -> Decision {
        let mut errors = Vec::new();
        let cluster = self.cluster_bindings.values();
        if let Some(reason) = first_allowing(&self.roles, user, attrs, cluster, &mut errors) {
            return Decision::Allow { reason };
        }
        let namespace = attrs.binding_namespace();
        if !namespace.is_empty()
            && let Some(bindings) = self.role_bindings.get(namespace)
            && let Some(reason) =
                first_allowing(&self.roles, user, attrs, bindings.values(), &mut errors)
        {
            return Decision::Allow { reason };
        }
        Decision::no_opinion(&errors)
    }

    pub fn rules_for(&self, user: &UserInfo, namespace: &str) -> (Vec<PolicyRule>, Vec<String>) {
        let (mut rules, mut errors) = (Vec::new(), Vec::new());
        let cluster = self.cluster_bindings.values();
        collect_rules(&self.roles, user, cluster, &mut rules, &mut errors);
        if !namespace.is_empty()
            && let Some(bindings) = self.role_bindings.get(namespace)
        {
            collect_rules(
                &self.roles,
                user,
                bindings.values(),
                &mut rules,
                &mut errors,
            );
        }
        (rules, errors)
    }
}

impl PolicyUpdates for LinearAuthorizer {
    fn upsert_role(&mut self, namespace: &str, name: &str, rules: Vec<PolicyRule>) {
        self.roles.upsert_role(namespace, name, rules);
    }

    fn remove_role(&mut self, namespace: &str, name: &str) {
        self.roles.remove_role(namespace, name);
    }

    fn upsert_cluster_role(&mut self, name: &str, rules: Vec<PolicyRule>) {
        self.roles.upsert_cluster_role(name, rules);
    }

    fn remove_cluster_role(&mut self, name: &str) {
        self.roles.remove_cluster_role(name);
    }

    fn upsert_role_binding(
        &mut self,
        namespace: &str,
        name: &str,
        role_ref: RoleRef,
        subjects: Vec<Subject>,
    ) {
        let binding = Binding {
            name: name.to_string(),
            namespace: namespace.to_string(),
            role_ref,
            subjects,
        };
        self.role_bindings
            .entry(namespace.to_string())
            .or_default()
            .insert(name.to_string(), binding);
    }

    fn remove_role_binding(&mut self, namespace: &str, name: &str) {
        if let Some(bindings) = self.role_bindings.get_mut(namespace) {
            bindings.remove(name);
            if bindings.is_empty() {
                self.role_bindings.remove(namespace);
            }
        }
    }

    fn upsert_cluster_role_binding(
        &mut self,
        name: &str,
        role_ref: RoleRef,
        subjects: Vec<Subject>,
    ) {
        let binding = Binding {
            name: name.to_string(),
            namespace: String::new(),
            role_ref,
            subjects,
        };
        self.cluster_bindings.insert(name.to_string(), binding);
    }

    fn remove_cluster_role_binding(&mut self, name: &str) {
        self.cluster_bindings.remove(name);
    }
}
