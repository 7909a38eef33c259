//! Privilege-escalation prevention, the pure parts: whether the rules a user holds cover the
//! rules they try to grant (upstream's policy comparator), and the words of the refusal.

use std::collections::{BTreeSet, HashMap};

use super::messages::{compact_string, quote_list};
use super::objects::{CLUSTER_ROLE_KIND, GROUP_NAME, PolicyRule, ROLE_KIND, RoleRef};
use super::rules::{API_GROUP_ALL, RESOURCE_ALL, RequestAttributes, VERB_ALL, url_prefix_matches};
use crate::identity::UserInfo;

/// The Forbidden text when an aggregationRule is set by someone without full authority.
pub const AGGREGATION_RULE_FORBIDDEN: &str =
    "must have cluster-admin privileges to use the aggregationRule";

/// Whether `owner_rules` cover every action `requested_rules` allow, and the atoms (one group,
/// resource, verb and name; or one URL and verb) they do not cover.
pub fn covers(
    owner_rules: &[PolicyRule],
    requested_rules: &[PolicyRule],
) -> (bool, Vec<PolicyRule>) {
    let uncovered: Vec<PolicyRule> = requested_rules
        .iter()
        .flat_map(breakdown_rule)
        .filter(|atom| !owner_rules.iter().any(|owner| rule_covers(owner, atom)))
        .collect();
    (uncovered.is_empty(), uncovered)
}

/// A rule as rules of at most one group, resource, verb and resource name each, and of one
/// non-resource URL and verb each.
pub fn breakdown_rule(rule: &PolicyRule) -> Vec<PolicyRule> {
    let mut atoms = Vec::new();
    let one = |s: &String| vec![s.clone()];
    for group in &rule.api_groups {
        for resource in &rule.resources {
            for verb in &rule.verbs {
                let atom = PolicyRule {
                    api_groups: one(group),
                    resources: one(resource),
                    verbs: one(verb),
                    ..PolicyRule::default()
                };
                if rule.resource_names.is_empty() {
                    atoms.push(atom);
                } else {
                    atoms.extend(rule.resource_names.iter().map(|name| PolicyRule {
                        resource_names: one(name),
                        ..atom.clone()
                    }));
                }
            }
        }
    }
    for url in &rule.non_resource_urls {
        for verb in &rule.verbs {
            atoms.push(PolicyRule {
                non_resource_urls: one(url),
                verbs: one(verb),
                ..PolicyRule::default()
            });
        }
    }
    atoms
}

fn has(set: &[String], item: &str) -> bool {
    set.iter().any(|s| s == item)
}

fn has_all(set: &[String], items: &[String]) -> bool {
    items.iter().all(|i| has(set, i))
}

fn resource_covers_all(owner: &[String], requested: &[String]) -> bool {
    if has(owner, RESOURCE_ALL) || has_all(owner, requested) {
        return true;
    }
    requested.iter().all(|path| {
        has(owner, path)
            || path
                .split_once('/')
                .is_some_and(|(_, sub)| has(owner, &format!("*/{sub}")))
    })
}

fn non_resource_urls_cover_all(owner: &[String], requested: &[String]) -> bool {
    requested.iter().all(|path| {
        owner
            .iter()
            .any(|o| o == path || url_prefix_matches(o, path))
    })
}

/// Whether `owner` covers `atom` (a rule from [`breakdown_rule`]).
fn rule_covers(owner: &PolicyRule, atom: &PolicyRule) -> bool {
    let verbs = has(&owner.verbs, VERB_ALL) || has_all(&owner.verbs, &atom.verbs);
    let groups =
        has(&owner.api_groups, API_GROUP_ALL) || has_all(&owner.api_groups, &atom.api_groups);
    let resources = resource_covers_all(&owner.resources, &atom.resources);
    let urls = non_resource_urls_cover_all(&owner.non_resource_urls, &atom.non_resource_urls);
    let names = if atom.resource_names.is_empty() {
        owner.resource_names.is_empty()
    } else {
        owner.resource_names.is_empty() || has_all(&owner.resource_names, &atom.resource_names)
    };
    verbs && groups && resources && names && urls
}

/// Upstream's `CompactRules`: rules of one group and one resource and nothing else but verbs
/// are merged into one rule per group and resource.
pub fn compact_rules(rules: &[PolicyRule]) -> Vec<PolicyRule> {
    let mut compacted = Vec::with_capacity(rules.len());
    let mut simple: Vec<PolicyRule> = Vec::new();
    let mut position: HashMap<(String, String), usize> = HashMap::new();
    for rule in rules {
        let is_simple = rule.resource_names.is_empty()
            && rule.non_resource_urls.is_empty()
            && rule.api_groups.len() == 1
            && rule.resources.len() == 1;
        if !is_simple {
            compacted.push(rule.clone());
            continue;
        }
        let key = (rule.api_groups[0].clone(), rule.resources[0].clone());
        match position.get(&key) {
            Some(&i) => simple[i].verbs.extend(rule.verbs.iter().cloned()),
            None => {
                position.insert(key, simple.len());
                simple.push(rule.clone());
            }
        }
    }
    compacted.extend(simple);
    compacted
}

/// The refusal of `ConfirmNoEscalation`: `user "alice" (groups=["g1" "system:authenticated"])
/// is attempting to grant RBAC permissions not currently held:` and one compact rule a line,
/// sorted.
pub fn escalation_message(user: &UserInfo, uncovered: &[PolicyRule]) -> String {
    escalation_message_with_errors(user, uncovered, &[])
}

/// [`escalation_message`] followed by the errors met resolving the user's own rules.
pub fn escalation_message_with_errors(
    user: &UserInfo,
    uncovered: &[PolicyRule],
    resolution_errors: &[String],
) -> String {
    let lines: BTreeSet<String> = compact_rules(uncovered)
        .iter()
        .map(compact_string)
        .collect();
    let lines: Vec<String> = lines.into_iter().collect();
    let mut message = format!(
        "user {} (groups={}) is attempting to grant RBAC permissions not currently held:\n{}",
        crate::go_fmt::quote(&user.username),
        quote_list(&user.groups),
        lines.join("\n")
    );
    if let Some(errors) = super::decision::aggregate_errors(resolution_errors) {
        message.push_str(&format!("; resolution errors: [{errors}]"));
    }
    message
}

/// What cluster-admin holds: every verb on every resource of every group, and on every path.
pub fn full_authority() -> Vec<PolicyRule> {
    vec![
        PolicyRule::resource(&["*"], &["*"], &["*"]),
        PolicyRule::non_resource(&["*"], &["*"]),
    ]
}

/// Whether `rules` cover [`full_authority`]: the condition for setting an aggregationRule.
pub fn has_full_authority(rules: &[PolicyRule]) -> bool {
    covers(rules, &full_authority()).0
}

/// The request whose authorization lets a user bind `role_ref` in a binding in
/// `binding_namespace` ("" for a ClusterRoleBinding) without holding its rules: verb `bind` on
/// the role. `None` for a kind that is neither Role nor ClusterRole.
pub fn bind_attributes(role_ref: &RoleRef, binding_namespace: &str) -> Option<RequestAttributes> {
    let resource = match role_ref.kind.as_str() {
        CLUSTER_ROLE_KIND => "clusterroles",
        ROLE_KIND => "roles",
        _ => return None,
    };
    Some(
        RequestAttributes::resource("bind", &role_ref.api_group, resource)
            .in_namespace(binding_namespace)
            .named(&role_ref.name),
    )
}

/// The request whose authorization lets a user write a role (`resource` is `roles` or
/// `clusterroles`) with rules they do not hold: verb `escalate` on it.
pub fn escalate_attributes(resource: &str, namespace: &str, name: &str) -> RequestAttributes {
    RequestAttributes::resource("escalate", GROUP_NAME, resource)
        .in_namespace(namespace)
        .named(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(verbs: &[&str], groups: &[&str], resources: &[&str]) -> PolicyRule {
        PolicyRule::resource(verbs, groups, resources)
    }

    #[test]
    fn coverage_follows_the_policy_comparator() {
        let url = |verbs: &[&str], urls: &[&str]| PolicyRule::non_resource(verbs, urls);
        let cases: Vec<(&str, Vec<PolicyRule>, Vec<PolicyRule>, bool)> = vec![
            (
                "exact",
                vec![r(&["get", "list"], &[""], &["pods"])],
                vec![r(&["get"], &[""], &["pods"])],
                true,
            ),
            (
                "missing verb",
                vec![r(&["get"], &[""], &["pods"])],
                vec![r(&["get", "delete"], &[""], &["pods"])],
                false,
            ),
            (
                "star verb",
                vec![r(&["*"], &[""], &["pods"])],
                vec![r(&["delete"], &[""], &["pods"])],
                true,
            ),
            (
                "star group",
                vec![r(&["get"], &["*"], &["pods"])],
                vec![r(&["get"], &["apps"], &["pods"])],
                true,
            ),
            (
                "star resource covers subresources",
                vec![r(&["get"], &[""], &["*"])],
                vec![r(&["get"], &[""], &["pods/log"])],
                true,
            ),
            (
                "*/sub covers resource/sub",
                vec![r(&["get"], &[""], &["*/log"])],
                vec![r(&["get"], &[""], &["pods/log"])],
                true,
            ),
            (
                "*/sub does not cover the resource",
                vec![r(&["get"], &[""], &["*/log"])],
                vec![r(&["get"], &[""], &["pods"])],
                false,
            ),
            (
                "resource does not cover subresource",
                vec![r(&["create"], &[""], &["serviceaccounts"])],
                vec![r(&["create"], &[""], &["serviceaccounts/token"])],
                false,
            ),
            (
                "owner without names covers names",
                vec![r(&["get"], &[""], &["pods"])],
                vec![r(&["get"], &[""], &["pods"]).with_names(&["a"])],
                true,
            ),
            (
                "owner names superset",
                vec![r(&["get"], &[""], &["pods"]).with_names(&["a", "b"])],
                vec![r(&["get"], &[""], &["pods"]).with_names(&["b"])],
                true,
            ),
            (
                "owner names do not cover all names",
                vec![r(&["get"], &[""], &["pods"]).with_names(&["a"])],
                vec![r(&["get"], &[""], &["pods"])],
                false,
            ),
            (
                "owner names miss one",
                vec![r(&["get"], &[""], &["pods"]).with_names(&["a"])],
                vec![r(&["get"], &[""], &["pods"]).with_names(&["a", "c"])],
                false,
            ),
            (
                "url exact",
                vec![url(&["get"], &["/healthz"])],
                vec![url(&["get"], &["/healthz"])],
                true,
            ),
            (
                "url prefix",
                vec![url(&["get"], &["/api/*"])],
                vec![url(&["get"], &["/api/v1", "/api/*"])],
                true,
            ),
            (
                "url prefix does not cover parent",
                vec![url(&["get"], &["/api/*"])],
                vec![url(&["get"], &["/api"])],
                false,
            ),
            (
                "url star",
                vec![url(&["*"], &["*"])],
                vec![url(&["post"], &["/x"])],
                true,
            ),
            (
                "resource rule does not cover urls",
                vec![r(&["*"], &["*"], &["*"])],
                vec![url(&["get"], &["/healthz"])],
                false,
            ),
            (
                "several owners, one per atom",
                vec![
                    r(&["get"], &[""], &["pods"]),
                    r(&["list"], &[""], &["pods"]),
                ],
                vec![r(&["get", "list"], &[""], &["pods"])],
                true,
            ),
            ("nothing requested", vec![], vec![], true),
        ];
        for (what, owner, requested, want) in cases {
            assert_eq!(covers(&owner, &requested).0, want, "{what}");
        }
    }

    #[test]
    fn uncovered_atoms_are_reported() {
        let (ok, missing) = covers(
            &[r(&["get"], &["tokenhub.io"], &["tokens"])],
            &[r(&["get", "delete", "update"], &["tokenhub.io"], &["tokens"]).with_names(&["a"])],
        );
        assert!(!ok);
        assert_eq!(
            missing,
            vec![
                r(&["delete"], &["tokenhub.io"], &["tokens"]).with_names(&["a"]),
                r(&["update"], &["tokenhub.io"], &["tokens"]).with_names(&["a"]),
            ]
        );
    }

    #[test]
    fn escalation_message_is_upstreams() {
        let alice = UserInfo {
            username: "alice".into(),
            groups: vec!["g1".into(), "system:authenticated".into()],
            ..Default::default()
        };
        let (_, missing) = covers(
            &[],
            &[
                r(&["delete", "get"], &["tokenhub.io"], &["tokens"]),
                PolicyRule::non_resource(&["get"], &["/healthz"]),
                r(&["get"], &[""], &["configmaps"]).with_names(&["x"]),
            ],
        );
        assert_eq!(
            escalation_message(&alice, &missing),
            "user \"alice\" (groups=[\"g1\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n\
             {APIGroups:[\"\"], Resources:[\"configmaps\"], ResourceNames:[\"x\"], Verbs:[\"get\"]}\n\
             {APIGroups:[\"tokenhub.io\"], Resources:[\"tokens\"], Verbs:[\"delete\" \"get\"]}\n\
             {NonResourceURLs:[\"/healthz\"], Verbs:[\"get\"]}"
        );
        let nobody = UserInfo::default();
        assert_eq!(
            escalation_message_with_errors(
                &nobody,
                &[r(&["delete"], &["tokenhub.io"], &["tokens"])],
                &["clusterrole.rbac.authorization.k8s.io \"x\" not found".into()]
            ),
            "user \"\" (groups=[]) is attempting to grant RBAC permissions not currently held:\n\
             {APIGroups:[\"tokenhub.io\"], Resources:[\"tokens\"], Verbs:[\"delete\"]}; \
             resolution errors: [clusterrole.rbac.authorization.k8s.io \"x\" not found]"
        );
    }

    #[test]
    fn full_authority_needs_resources_and_urls() {
        assert!(has_full_authority(&full_authority()));
        assert!(!has_full_authority(&[r(&["*"], &["*"], &["*"])]));
        assert!(!has_full_authority(&[
            r(&["get", "list"], &["*"], &["*"]),
            PolicyRule::non_resource(&["*"], &["*"]),
        ]));
    }

    #[test]
    fn bind_and_escalate_requests() {
        let attrs = bind_attributes(&RoleRef::cluster_role("view"), "ns").expect("kind");
        assert_eq!(
            attrs,
            RequestAttributes::resource("bind", GROUP_NAME, "clusterroles")
                .in_namespace("ns")
                .named("view")
        );
        assert_eq!(
            bind_attributes(&RoleRef::role("r"), "ns").map(|a| a.resource),
            Some("roles".to_string())
        );
        let odd = RoleRef {
            kind: "X".into(),
            ..RoleRef::role("r")
        };
        assert_eq!(bind_attributes(&odd, "ns"), None);
        assert_eq!(escalate_attributes("roles", "ns", "r").verb, "escalate");
    }
}
