//! The authorizer the hub runs: bindings filed by subject (username, group) and by namespace,
//! so a decision looks only at the bindings that name the user, one of its groups, or (for
//! RoleBindings) its ServiceAccount in the request's namespace. Its cost does not grow with the
//! number of bindings that name other subjects. Its decisions, reasons included, are those of
//! [`LinearAuthorizer`](super::LinearAuthorizer) to the letter.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::decision::{Binding, Decision, RoleStore, collect_rules, first_allowing};
use super::objects::{PolicyRule, RoleRef, Subject};
use super::policy::PolicyUpdates;
use super::rules::RequestAttributes;
use super::subjects::{SubjectKey, subject_key};
use crate::identity::UserInfo;

type ByName = BTreeMap<String, Arc<Binding>>;

/// The bindings of one scope (the cluster, or one namespace) by the subjects they name.
#[derive(Clone, Debug, Default)]
struct SubjectIndex {
    by_user: HashMap<String, ByName>,
    by_group: HashMap<String, ByName>,
}

impl SubjectIndex {
    fn keys(binding: &Binding) -> BTreeSet<SubjectKey> {
        binding
            .subjects
            .iter()
            .filter_map(|s| subject_key(s, &binding.namespace))
            .collect()
    }

    fn list(&mut self, key: SubjectKey) -> (&mut HashMap<String, ByName>, String) {
        match key {
            SubjectKey::User(name) => (&mut self.by_user, name),
            SubjectKey::Group(name) => (&mut self.by_group, name),
        }
    }

    fn insert(&mut self, binding: &Arc<Binding>) {
        for key in SubjectIndex::keys(binding) {
            let (map, name) = self.list(key);
            map.entry(name)
                .or_default()
                .insert(binding.name.clone(), Arc::clone(binding));
        }
    }

    fn remove(&mut self, binding: &Binding) {
        for key in SubjectIndex::keys(binding) {
            let (map, name) = self.list(key);
            if let Some(bindings) = map.get_mut(&name) {
                bindings.remove(&binding.name);
                if bindings.is_empty() {
                    map.remove(&name);
                }
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.by_user.is_empty() && self.by_group.is_empty()
    }

    /// The bindings that may name `user`, each once, by name: the order the linear scan
    /// reports in.
    fn candidates<'a>(&'a self, user: &UserInfo) -> Vec<&'a Binding> {
        let lists: Vec<&ByName> = self
            .by_user
            .get(&user.username)
            .into_iter()
            .chain(user.groups.iter().filter_map(|g| self.by_group.get(g)))
            .collect();
        match lists.as_slice() {
            [] => Vec::new(),
            [only] => only.values().map(|b| &**b).collect(),
            many => {
                let mut all: Vec<&Binding> = many
                    .iter()
                    .flat_map(|list| list.values().map(|b| &**b))
                    .collect();
                all.sort_unstable_by(|a, b| a.name.cmp(&b.name));
                all.dedup_by(|a, b| a.name == b.name);
                all
            }
        }
    }
}

/// RBAC objects indexed for decisions whose cost is independent of the number of bindings.
#[derive(Clone, Debug, Default)]
pub struct AuthorizerIndex {
    roles: RoleStore,
    cluster_bindings: HashMap<String, Arc<Binding>>,
    role_bindings: HashMap<String, HashMap<String, Arc<Binding>>>,
    cluster_subjects: SubjectIndex,
    namespace_subjects: HashMap<String, SubjectIndex>,
}

impl AuthorizerIndex {
    pub fn new() -> AuthorizerIndex {
        AuthorizerIndex::default()
    }

    /// ClusterRoleBindings apply everywhere; the RoleBindings of the request's namespace
    /// within it; the first rule that allows the request decides.
    pub fn authorize(&self, user: &UserInfo, attrs: &RequestAttributes) -> Decision {
        let mut errors = Vec::new();
        let cluster = self.cluster_subjects.candidates(user);
        if let Some(reason) = first_allowing(&self.roles, user, attrs, cluster, &mut errors) {
            return Decision::Allow { reason };
        }
        let namespace = attrs.binding_namespace();
        if !namespace.is_empty()
            && let Some(index) = self.namespace_subjects.get(namespace)
        {
            let bindings = index.candidates(user);
            if let Some(reason) = first_allowing(&self.roles, user, attrs, bindings, &mut errors) {
                return Decision::Allow { reason };
            }
        }
        Decision::no_opinion(&errors)
    }

    /// Every rule `user` holds in `namespace` (ClusterRoleBindings, then the namespace's
    /// RoleBindings; only the former for ""), and the errors met resolving roles: what
    /// SelfSubjectRulesReview lists and escalation checks compare against.
    pub fn rules_for(&self, user: &UserInfo, namespace: &str) -> (Vec<PolicyRule>, Vec<String>) {
        let (mut rules, mut errors) = (Vec::new(), Vec::new());
        let cluster = self.cluster_subjects.candidates(user);
        collect_rules(&self.roles, user, cluster, &mut rules, &mut errors);
        if !namespace.is_empty()
            && let Some(index) = self.namespace_subjects.get(namespace)
        {
            let bindings = index.candidates(user);
            collect_rules(&self.roles, user, bindings, &mut rules, &mut errors);
        }
        (rules, errors)
    }

    /// The rules of ClusterRole `name`, if it exists (for the `bind` escalation check).
    pub fn cluster_role_rules(&self, name: &str) -> Option<&[PolicyRule]> {
        self.roles.cluster_role(name)
    }

    /// The rules of Role `name` in `namespace`, if it exists.
    pub fn role_rules(&self, namespace: &str, name: &str) -> Option<&[PolicyRule]> {
        self.roles.role(namespace, name)
    }

    /// How many RoleBindings and ClusterRoleBindings the index holds.
    pub fn binding_count(&self) -> usize {
        self.cluster_bindings.len() + self.role_bindings.values().map(HashMap::len).sum::<usize>()
    }
}

/// Incremental updates, one object at a time (also through [`PolicyUpdates`]).
impl AuthorizerIndex {
    pub fn upsert_role(&mut self, namespace: &str, name: &str, rules: Vec<PolicyRule>) {
        self.roles.upsert_role(namespace, name, rules);
    }

    pub fn remove_role(&mut self, namespace: &str, name: &str) {
        self.roles.remove_role(namespace, name);
    }

    pub fn upsert_cluster_role(&mut self, name: &str, rules: Vec<PolicyRule>) {
        self.roles.upsert_cluster_role(name, rules);
    }

    pub fn remove_cluster_role(&mut self, name: &str) {
        self.roles.remove_cluster_role(name);
    }

    pub fn upsert_role_binding(
        &mut self,
        namespace: &str,
        name: &str,
        role_ref: RoleRef,
        subjects: Vec<Subject>,
    ) {
        self.remove_role_binding(namespace, name);
        let binding = Arc::new(Binding {
            name: name.to_string(),
            namespace: namespace.to_string(),
            role_ref,
            subjects,
        });
        self.namespace_subjects
            .entry(namespace.to_string())
            .or_default()
            .insert(&binding);
        self.role_bindings
            .entry(namespace.to_string())
            .or_default()
            .insert(name.to_string(), binding);
    }

    pub fn remove_role_binding(&mut self, namespace: &str, name: &str) {
        let Some(bindings) = self.role_bindings.get_mut(namespace) else {
            return;
        };
        let Some(old) = bindings.remove(name) else {
            return;
        };
        if bindings.is_empty() {
            self.role_bindings.remove(namespace);
        }
        if let Some(index) = self.namespace_subjects.get_mut(namespace) {
            index.remove(&old);
            if index.is_empty() {
                self.namespace_subjects.remove(namespace);
            }
        }
    }

    pub fn upsert_cluster_role_binding(
        &mut self,
        name: &str,
        role_ref: RoleRef,
        subjects: Vec<Subject>,
    ) {
        self.remove_cluster_role_binding(name);
        let binding = Arc::new(Binding {
            name: name.to_string(),
            namespace: String::new(),
            role_ref,
            subjects,
        });
        self.cluster_subjects.insert(&binding);
        self.cluster_bindings.insert(name.to_string(), binding);
    }

    pub fn remove_cluster_role_binding(&mut self, name: &str) {
        if let Some(old) = self.cluster_bindings.remove(name) {
            self.cluster_subjects.remove(&old);
        }
    }
}

impl PolicyUpdates for AuthorizerIndex {
    fn upsert_role(&mut self, namespace: &str, name: &str, rules: Vec<PolicyRule>) {
        AuthorizerIndex::upsert_role(self, namespace, name, rules);
    }

    fn remove_role(&mut self, namespace: &str, name: &str) {
        AuthorizerIndex::remove_role(self, namespace, name);
    }

    fn upsert_cluster_role(&mut self, name: &str, rules: Vec<PolicyRule>) {
        AuthorizerIndex::upsert_cluster_role(self, name, rules);
    }

    fn remove_cluster_role(&mut self, name: &str) {
        AuthorizerIndex::remove_cluster_role(self, name);
    }

    fn upsert_role_binding(
        &mut self,
        namespace: &str,
        name: &str,
        role_ref: RoleRef,
        subjects: Vec<Subject>,
    ) {
        AuthorizerIndex::upsert_role_binding(self, namespace, name, role_ref, subjects);
    }

    fn remove_role_binding(&mut self, namespace: &str, name: &str) {
        AuthorizerIndex::remove_role_binding(self, namespace, name);
    }

    fn upsert_cluster_role_binding(
        &mut self,
        name: &str,
        role_ref: RoleRef,
        subjects: Vec<Subject>,
    ) {
        AuthorizerIndex::upsert_cluster_role_binding(self, name, role_ref, subjects);
    }

    fn remove_cluster_role_binding(&mut self, name: &str) {
        AuthorizerIndex::remove_cluster_role_binding(self, name);
    }
}
