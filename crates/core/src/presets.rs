//! The ClusterRoles and ClusterRoleBindings every hub has, restored at every start.
//!
//! `cluster-admin`, `admin`, `edit` and `view` keep their upstream meanings over the hub's
//! resources (admin, edit and view aggregate the `aggregate-to-*` roles, as upstream, so other
//! roles can extend them by label); `hub-admin` and `hub-guest` are the dashboard's roles, in
//! place of Karpor's `karpor-admin` and `karpor-guest`; the `system:*` roles let every
//! authenticated identity discover the API and ask who it is and what it may do, and let
//! anyone read the version, health and OIDC discovery documents.

use serde_json::{Value, json};
use tokenhub_api::registry::ALL_VERBS;

/// Opting out: a preset carrying this annotation with "false" is left as its owner changed it.
pub const AUTOUPDATE_ANNOTATION: &str = "rbac.authorization.kubernetes.io/autoupdate";
/// Marks the objects the hub manages itself.
pub const BOOTSTRAP_LABEL: &str = "kubernetes.io/bootstrapping";

const RBAC: &str = "rbac.authorization.k8s.io";
const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "delete", "deletecollection", "patch", "update"];
/// The hub's own API groups (its kinds arrive with later issues; the roles already name them).
const HUB_GROUPS: &[&str] = &["tokenhub.io", "ext.cattle.io"];

fn rule(verbs: &[&str], groups: &[&str], resources: &[&str]) -> Value {
    json!({"verbs": verbs, "apiGroups": groups, "resources": resources})
}

fn urls(verbs: &[&str], urls: &[&str]) -> Value {
    json!({"verbs": verbs, "nonResourceURLs": urls})
}

fn cluster_role(name: &str, extra_labels: &[(&str, &str)], rules: Vec<Value>) -> Value {
    let mut labels = serde_json::Map::new();
    labels.insert(BOOTSTRAP_LABEL.into(), "rbac-defaults".into());
    for (k, v) in extra_labels {
        labels.insert((*k).into(), (*v).into());
    }
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name, "labels": labels, "annotations": {AUTOUPDATE_ANNOTATION: "true"}},
        "rules": rules,
    })
}

fn aggregating(name: &str, extra_labels: &[(&str, &str)], selector_label: &str) -> Value {
    let mut role = cluster_role(name, extra_labels, vec![]);
    if let Some(map) = role.as_object_mut() {
        map.insert(
            "aggregationRule".into(),
            json!({"clusterRoleSelectors": [{"matchLabels": {selector_label: "true"}}]}),
        );
    }
    role
}

const TO_ADMIN: &str = "rbac.authorization.k8s.io/aggregate-to-admin";
const TO_EDIT: &str = "rbac.authorization.k8s.io/aggregate-to-edit";
const TO_VIEW: &str = "rbac.authorization.k8s.io/aggregate-to-view";

/// Every preset ClusterRole.
pub fn cluster_roles() -> Vec<Value> {
    let namespaced_core = ["configmaps", "serviceaccounts"];
    vec![
        cluster_role(
            "cluster-admin",
            &[],
            vec![rule(&["*"], &["*"], &["*"]), urls(&["*"], &["*"])],
        ),
        aggregating("admin", &[], TO_ADMIN),
        aggregating("edit", &[(TO_ADMIN, "true")], TO_EDIT),
        aggregating("view", &[(TO_EDIT, "true")], TO_VIEW),
        cluster_role(
            "system:aggregate-to-admin",
            &[(TO_ADMIN, "true")],
            vec![
                rule(ALL_VERBS, &[RBAC], &["roles", "rolebindings"]),
                rule(
                    &["create"],
                    &["authorization.k8s.io"],
                    &["localsubjectaccessreviews"],
                ),
            ],
        ),
        cluster_role(
            "system:aggregate-to-edit",
            &[(TO_EDIT, "true")],
            vec![
                rule(WRITE, &[""], &namespaced_core),
                rule(&["create"], &[""], &["serviceaccounts/token"]),
                rule(&["impersonate"], &[""], &["serviceaccounts"]),
            ],
        ),
        cluster_role(
            "system:aggregate-to-view",
            &[(TO_VIEW, "true")],
            vec![rule(
                READ,
                &[""],
                &["configmaps", "serviceaccounts", "namespaces"],
            )],
        ),
        cluster_role(
            "hub-admin",
            &[],
            vec![
                rule(&["*"], HUB_GROUPS, &["*"]),
                rule(
                    &["*"],
                    &[""],
                    &[
                        "namespaces",
                        "configmaps",
                        "serviceaccounts",
                        "serviceaccounts/token",
                    ],
                ),
                // Every RBAC verb but `bind` and `escalate`: hub-admin manages roles and bindings
                // within what it holds itself, and cannot make anyone (itself included) a
                // cluster-admin.
                rule(ALL_VERBS, &[RBAC], &["*"]),
                rule(
                    &["create"],
                    &["authorization.k8s.io"],
                    &[
                        "selfsubjectaccessreviews",
                        "selfsubjectrulesreviews",
                        "subjectaccessreviews",
                        "localsubjectaccessreviews",
                    ],
                ),
                rule(
                    &["create"],
                    &["authentication.k8s.io"],
                    &["selfsubjectreviews", "tokenreviews"],
                ),
            ],
        ),
        cluster_role(
            "hub-guest",
            &[],
            vec![
                rule(READ, HUB_GROUPS, &["*"]),
                rule(
                    READ,
                    &[""],
                    &["namespaces", "configmaps", "serviceaccounts"],
                ),
                rule(READ, &[RBAC], &["*"]),
            ],
        ),
        cluster_role(
            "tokenhub:token-owner",
            &[],
            vec![
                // Every user manages their own Tokens; the server limits each to their own.
                rule(
                    &[
                        "create", "delete", "get", "list", "patch", "update", "watch",
                    ],
                    HUB_GROUPS,
                    &["tokens"],
                ),
                // Users change their own password (the server checks whose it is).
                rule(&["create"], &["tokenhub.io"], &["users/password"]),
            ],
        ),
        cluster_role(
            "tokenhub:login",
            &[],
            vec![rule(&["create"], &["tokenhub.io"], &["loginrequests"])],
        ),
        cluster_role(
            "system:basic-user",
            &[],
            vec![
                rule(
                    &["create"],
                    &["authorization.k8s.io"],
                    &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                ),
                rule(
                    &["create"],
                    &["authentication.k8s.io"],
                    &["selfsubjectreviews"],
                ),
            ],
        ),
        cluster_role(
            "system:discovery",
            &[],
            vec![urls(
                &["get"],
                &[
                    "/api",
                    "/api/*",
                    "/apis",
                    "/apis/*",
                    "/healthz",
                    "/livez",
                    "/openapi",
                    "/openapi/*",
                    "/readyz",
                    "/version",
                    "/version/",
                ],
            )],
        ),
        cluster_role(
            "system:public-info-viewer",
            &[],
            vec![urls(
                &["get"],
                &["/healthz", "/livez", "/readyz", "/version", "/version/"],
            )],
        ),
        cluster_role(
            "system:service-account-issuer-discovery",
            &[],
            vec![urls(
                &["get"],
                &[
                    "/.well-known/openid-configuration",
                    "/.well-known/openid-configuration/",
                    "/openid/v1/jwks",
                    "/openid/v1/jwks/",
                ],
            )],
        ),
    ]
}

fn binding(name: &str, role: &str, groups: &[&str]) -> Value {
    let subjects: Vec<Value> = groups
        .iter()
        .map(|g| json!({"kind": "Group", "apiGroup": RBAC, "name": g}))
        .collect();
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {
            "name": name,
            "labels": {BOOTSTRAP_LABEL: "rbac-defaults"},
            "annotations": {AUTOUPDATE_ANNOTATION: "true"},
        },
        "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": role},
        "subjects": subjects,
    })
}

/// Every preset ClusterRoleBinding.
pub fn cluster_role_bindings() -> Vec<Value> {
    vec![
        binding("cluster-admin", "cluster-admin", &["system:masters"]),
        binding(
            "system:basic-user",
            "system:basic-user",
            &["system:authenticated"],
        ),
        binding(
            "system:discovery",
            "system:discovery",
            &["system:authenticated"],
        ),
        // Every user manages their own Tokens; anyone may try to log in.
        binding(
            "tokenhub:token-owner",
            "tokenhub:token-owner",
            &["system:authenticated"],
        ),
        binding(
            "tokenhub:login",
            "tokenhub:login",
            &["system:authenticated", "system:unauthenticated"],
        ),
        binding(
            "system:public-info-viewer",
            "system:public-info-viewer",
            &["system:authenticated", "system:unauthenticated"],
        ),
        binding(
            "system:service-account-issuer-discovery",
            "system:service-account-issuer-discovery",
            &[
                "system:serviceaccounts",
                "system:authenticated",
                "system:unauthenticated",
            ],
        ),
    ]
}

/// Whether the owner of a preset opted out of its restoration.
pub fn opted_out(object: &Value) -> bool {
    object
        .pointer(&format!(
            "/metadata/annotations/{}",
            AUTOUPDATE_ANNOTATION.replace('/', "~1")
        ))
        .and_then(Value::as_str)
        == Some("false")
}

/// Whether a stored preset still says what the preset says (what restoration compares).
pub fn matches(stored: &Value, preset: &Value) -> bool {
    ["rules", "aggregationRule", "roleRef", "subjects"]
        .iter()
        .all(|field| {
            // Aggregated rules are the hub's to compute; only the selectors must match.
            (*field == "rules" && preset.get("aggregationRule").is_some())
                || stored.get(*field) == preset.get(*field)
        })
        && preset
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .is_none_or(|labels| {
                labels.iter().all(|(k, v)| {
                    stored.pointer("/metadata/labels").and_then(|l| l.get(k)) == Some(v)
                })
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_have_unique_names_and_bind_existing_roles() {
        let roles = cluster_roles();
        let names: Vec<&str> = roles
            .iter()
            .filter_map(|r| r.pointer("/metadata/name")?.as_str())
            .collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        for b in cluster_role_bindings() {
            let role = b.pointer("/roleRef/name").and_then(Value::as_str).unwrap();
            assert!(names.contains(&role), "{role}");
        }
    }

    #[test]
    fn opting_out_and_drift_are_detected() {
        let preset = &cluster_roles()[0];
        assert!(matches(preset, preset));
        let mut drifted = preset.clone();
        drifted["rules"] = json!([]);
        assert!(!matches(&drifted, preset));
        assert!(!opted_out(&drifted));
        drifted["metadata"]["annotations"][AUTOUPDATE_ANNOTATION] = json!("false");
        assert!(opted_out(&drifted));
        let admin = cluster_roles()
            .into_iter()
            .find(|r| r["metadata"]["name"] == "admin")
            .unwrap();
        let mut aggregated = admin.clone();
        aggregated["rules"] = json!([{"verbs": ["get"], "apiGroups": [""], "resources": ["x"]}]);
        assert!(
            matches(&aggregated, &admin),
            "aggregated rules are not drift"
        );
    }
}
