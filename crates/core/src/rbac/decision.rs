//! What both authorizers share: the bindings and roles they hold, how one binding is evaluated,
//! and the decision with upstream's reason text.

use std::collections::HashMap;
use std::sync::Arc;

use super::objects::{
    CLUSTER_ROLE_KIND, PolicyRule, ROLE_KIND, RoleRef, SERVICE_ACCOUNT_KIND, Subject,
};
use super::rules::{RequestAttributes, rule_allows};
use super::subjects::first_applicable;
use crate::go_fmt;
use crate::identity::UserInfo;

/// An authorization decision. RBAC has no deny: what it does not allow, it has no opinion on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "z"`.
    Allow { reason: String },
    /// The reason is empty, or `RBAC: ` and the errors met resolving roles.
    NoOpinion { reason: String },
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow { .. })
    }

    pub fn reason(&self) -> &str {
        match self {
            Decision::Allow { reason } | Decision::NoOpinion { reason } => reason,
        }
    }

    /// No rule allowed the request; `errors` are the role resolution errors met on the way.
    pub(crate) fn no_opinion(errors: &[String]) -> Decision {
        let reason = aggregate_errors(errors)
            .map(|e| format!("RBAC: {e}"))
            .unwrap_or_default();
        Decision::NoOpinion { reason }
    }
}

/// Go's `utilerrors.NewAggregate(errs).Error()`: one message as is, several deduplicated in
/// `[a, b]`; `None` without errors.
pub fn aggregate_errors(errors: &[String]) -> Option<String> {
    let mut unique: Vec<&str> = Vec::with_capacity(errors.len());
    for e in errors {
        if !unique.contains(&e.as_str()) {
            unique.push(e);
        }
    }
    match unique.as_slice() {
        [] => None,
        [one] => Some((*one).to_string()),
        many => Some(format!("[{}]", many.join(", "))),
    }
}

/// A RoleBinding (`namespace` set) or ClusterRoleBinding (`namespace` empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Binding {
    pub(crate) name: String,
    pub(crate) namespace: String,
    pub(crate) role_ref: RoleRef,
    pub(crate) subjects: Vec<Subject>,
}

impl Binding {
    /// Upstream's source describer, with the subject that matched: `ClusterRoleBinding "x" of
    /// ClusterRole "y" to User "z"`, `RoleBinding "x/ns" of Role "y" to ServiceAccount "sa/ns"`.
    /// Built in one buffer: it is on the path of every allowed request.
    fn describe(&self, subject: &Subject) -> String {
        let mut out = String::with_capacity(96);
        out.push_str("RBAC: allowed by ");
        if self.namespace.is_empty() {
            out.push_str("ClusterRoleBinding ");
            push_quoted(&mut out, &[&self.name]);
        } else {
            out.push_str("RoleBinding ");
            push_quoted(&mut out, &[&self.name, "/", &self.namespace]);
        }
        out.push_str(" of ");
        out.push_str(&self.role_ref.kind);
        out.push(' ');
        push_quoted(&mut out, &[&self.role_ref.name]);
        out.push_str(" to ");
        out.push_str(&subject.kind);
        out.push(' ');
        if subject.kind == SERVICE_ACCOUNT_KIND {
            let namespace = if subject.namespace.is_empty() {
                &self.namespace
            } else {
                &subject.namespace
            };
            push_quoted(&mut out, &[&subject.name, "/", namespace]);
        } else {
            push_quoted(&mut out, &[&subject.name]);
        }
        out
    }
}

/// Appends the Go-quoted concatenation of `parts`, without allocating when nothing needs
/// escaping.
fn push_quoted(out: &mut String, parts: &[&str]) {
    let plain = parts.iter().all(|p| {
        p.bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    });
    if plain {
        out.push('"');
        parts.iter().for_each(|p| out.push_str(p));
        out.push('"');
    } else {
        out.push_str(&go_fmt::quote(&parts.concat()));
    }
}

/// Roles and ClusterRoles by name, with the lookup errors upstream's listers give.
#[derive(Clone, Debug, Default)]
pub(crate) struct RoleStore {
    cluster_roles: HashMap<String, Arc<[PolicyRule]>>,
    roles: HashMap<String, HashMap<String, Arc<[PolicyRule]>>>,
}

impl RoleStore {
    pub(crate) fn upsert_role(&mut self, namespace: &str, name: &str, rules: Vec<PolicyRule>) {
        self.roles
            .entry(namespace.to_string())
            .or_default()
            .insert(name.to_string(), rules.into());
    }

    pub(crate) fn remove_role(&mut self, namespace: &str, name: &str) {
        if let Some(roles) = self.roles.get_mut(namespace) {
            roles.remove(name);
            if roles.is_empty() {
                self.roles.remove(namespace);
            }
        }
    }

    pub(crate) fn upsert_cluster_role(&mut self, name: &str, rules: Vec<PolicyRule>) {
        self.cluster_roles.insert(name.to_string(), rules.into());
    }

    pub(crate) fn remove_cluster_role(&mut self, name: &str) {
        self.cluster_roles.remove(name);
    }

    pub(crate) fn cluster_role(&self, name: &str) -> Option<&[PolicyRule]> {
        self.cluster_roles.get(name).map(|rules| &rules[..])
    }

    pub(crate) fn role(&self, namespace: &str, name: &str) -> Option<&[PolicyRule]> {
        self.roles.get(namespace)?.get(name).map(|rules| &rules[..])
    }

    /// The rules `role_ref` grants to a binding in `binding_namespace` ("" for a
    /// ClusterRoleBinding, where a Role can never be found).
    pub(crate) fn resolve(
        &self,
        role_ref: &RoleRef,
        binding_namespace: &str,
    ) -> Result<&[PolicyRule], String> {
        let found = match role_ref.kind.as_str() {
            ROLE_KIND => self.role(binding_namespace, &role_ref.name),
            CLUSTER_ROLE_KIND => self.cluster_role(&role_ref.name),
            other => {
                return Err(format!(
                    "unsupported role reference kind: {}",
                    go_fmt::quote(other)
                ));
            }
        };
        found.ok_or_else(|| {
            format!(
                "{}.rbac.authorization.k8s.io {} not found",
                role_ref.kind.to_ascii_lowercase(),
                go_fmt::quote(&role_ref.name)
            )
        })
    }
}

/// Evaluates `bindings` in order and returns the reason of the first that allows the request;
/// resolution errors of the others go to `errors`.
pub(crate) fn first_allowing<'a>(
    roles: &RoleStore,
    user: &UserInfo,
    attrs: &RequestAttributes,
    bindings: impl IntoIterator<Item = &'a Binding>,
    errors: &mut Vec<String>,
) -> Option<String> {
    for binding in bindings {
        let Some(i) = first_applicable(user, &binding.subjects, &binding.namespace) else {
            continue;
        };
        match roles.resolve(&binding.role_ref, &binding.namespace) {
            Ok(rules) => {
                if rules.iter().any(|rule| rule_allows(attrs, rule)) {
                    return Some(binding.describe(&binding.subjects[i]));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    None
}

/// Appends the rules every binding in `bindings` that names `user` grants.
pub(crate) fn collect_rules<'a>(
    roles: &RoleStore,
    user: &UserInfo,
    bindings: impl IntoIterator<Item = &'a Binding>,
    rules: &mut Vec<PolicyRule>,
    errors: &mut Vec<String>,
) {
    for binding in bindings {
        if first_applicable(user, &binding.subjects, &binding.namespace).is_none() {
            continue;
        }
        match roles.resolve(&binding.role_ref, &binding.namespace) {
            Ok(granted) => rules.extend_from_slice(granted),
            Err(e) => errors.push(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_like_go() {
        assert_eq!(aggregate_errors(&[]), None);
        let a = "a".to_string();
        let b = "b".to_string();
        assert_eq!(
            aggregate_errors(&[a.clone(), a.clone()]).as_deref(),
            Some("a")
        );
        assert_eq!(
            aggregate_errors(&[a.clone(), b, a]).as_deref(),
            Some("[a, b]")
        );
        assert_eq!(Decision::no_opinion(&[]).reason(), "");
    }

    #[test]
    fn describes_bindings_as_upstream_and_quotes_as_go() {
        let b = Binding {
            name: "b".into(),
            namespace: "ns".into(),
            role_ref: RoleRef::role("r"),
            subjects: vec![],
        };
        assert_eq!(
            b.describe(&Subject::service_account("", "bot")),
            r#"RBAC: allowed by RoleBinding "b/ns" of Role "r" to ServiceAccount "bot/ns""#
        );
        let odd = Binding {
            name: "q\"\u{e9}\n".into(),
            namespace: String::new(),
            role_ref: RoleRef::cluster_role("c"),
            subjects: vec![],
        };
        assert_eq!(
            odd.describe(&Subject::user("\\")),
            r#"RBAC: allowed by ClusterRoleBinding "q\"é\n" of ClusterRole "c" to User "\\""#
        );
    }

    #[test]
    fn lookup_errors_are_upstream_words() {
        let mut roles = RoleStore::default();
        roles.upsert_role("ns", "r", vec![]);
        assert!(roles.resolve(&RoleRef::role("r"), "ns").is_ok());
        assert_eq!(
            roles.resolve(&RoleRef::role("r"), "other").err().as_deref(),
            Some(r#"role.rbac.authorization.k8s.io "r" not found"#)
        );
        assert_eq!(
            roles
                .resolve(&RoleRef::cluster_role("c"), "")
                .err()
                .as_deref(),
            Some(r#"clusterrole.rbac.authorization.k8s.io "c" not found"#)
        );
        let odd = RoleRef {
            kind: "Thing".into(),
            ..RoleRef::role("r")
        };
        assert_eq!(
            roles.resolve(&odd, "ns").err().as_deref(),
            Some(r#"unsupported role reference kind: "Thing""#)
        );
        roles.remove_role("ns", "r");
        assert!(roles.resolve(&RoleRef::role("r"), "ns").is_err());
    }
}
