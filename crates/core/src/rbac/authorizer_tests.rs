//! Table-driven tests of authorization through both authorizers: each case is checked against
//! its expected decision on the index and on the linear scan.

use serde_json::json;

use super::*;
use crate::identity::UserInfo;

fn user(name: &str, groups: &[&str]) -> UserInfo {
    UserInfo {
        username: name.into(),
        groups: groups.iter().map(|g| (*g).to_string()).collect(),
        ..Default::default()
    }
}

/// The same policy in both authorizers.
struct Both {
    index: AuthorizerIndex,
    linear: LinearAuthorizer,
}

impl Both {
    fn new() -> Both {
        Both {
            index: AuthorizerIndex::new(),
            linear: LinearAuthorizer::new(),
        }
    }

    fn apply(&mut self, f: impl Fn(&mut dyn PolicyUpdates)) {
        f(&mut self.index);
        f(&mut self.linear);
    }

    fn decide(&self, u: &UserInfo, attrs: &RequestAttributes) -> Decision {
        let d = self.index.authorize(u, attrs);
        assert_eq!(
            d,
            self.linear.authorize(u, attrs),
            "index and linear scan differ"
        );
        d
    }

    fn rules(&self, u: &UserInfo, ns: &str) -> (Vec<PolicyRule>, Vec<String>) {
        let r = self.index.rules_for(u, ns);
        assert_eq!(r, self.linear.rules_for(u, ns), "rules differ");
        r
    }
}

fn allow(reason: &str) -> Decision {
    Decision::Allow {
        reason: reason.into(),
    }
}

fn no_opinion(reason: &str) -> Decision {
    Decision::NoOpinion {
        reason: reason.into(),
    }
}

fn policy() -> Both {
    let mut p = Both::new();
    p.apply(|p| {
        p.upsert_cluster_role(
            "token-reader",
            vec![PolicyRule::resource(
                &["get", "list"],
                &["tokenhub.io"],
                &["tokens"],
            )],
        );
        p.upsert_cluster_role(
            "cm-editor",
            vec![PolicyRule::resource(&["*"], &[""], &["configmaps"])],
        );
        p.upsert_cluster_role(
            "health",
            vec![PolicyRule::non_resource(
                &["get"],
                &["/healthz", "/readyz*"],
            )],
        );
        p.upsert_cluster_role(
            "sa-tokens",
            vec![PolicyRule::resource(
                &["create"],
                &[""],
                &["serviceaccounts/token"],
            )],
        );
        p.upsert_role(
            "ns1",
            "cm-reader",
            vec![PolicyRule::resource(&["get"], &[""], &["configmaps"])],
        );
        p.upsert_cluster_role_binding(
            "readers",
            RoleRef::cluster_role("token-reader"),
            vec![Subject::user("alice"), Subject::group("readers")],
        );
        p.upsert_cluster_role_binding(
            "health",
            RoleRef::cluster_role("health"),
            vec![Subject::group("system:authenticated")],
        );
        p.upsert_cluster_role_binding(
            "ci-tokens",
            RoleRef::cluster_role("sa-tokens"),
            vec![Subject::service_account("ci", "deployer")],
        );
        p.upsert_role_binding(
            "ns1",
            "bob-cm",
            RoleRef::cluster_role("cm-editor"),
            vec![Subject::user("bob")],
        );
        p.upsert_role_binding(
            "ns1",
            "bot-cm",
            RoleRef::role("cm-reader"),
            vec![Subject::service_account("", "bot")],
        );
        p.upsert_role_binding(
            "ns1",
            "health-in-ns",
            RoleRef::cluster_role("health"),
            vec![Subject::user("carol")],
        );
    });
    p
}

#[test]
fn bindings_grant_where_upstream_grants() {
    let p = policy();
    let alice = user("alice", &["system:authenticated"]);
    let bob = user("bob", &["system:authenticated"]);
    let carol = user("carol", &[]);
    let reader = user("zed", &["readers"]);
    let bot = user("system:serviceaccount:ns1:bot", &["system:serviceaccounts"]);
    let other_bot = user("system:serviceaccount:ns2:bot", &[]);
    let deployer = user("system:serviceaccount:ci:deployer", &[]);
    let anonymous = UserInfo::anonymous();
    let tokens = RequestAttributes::resource("list", "tokenhub.io", "tokens");
    let cm =
        |verb: &str, ns: &str| RequestAttributes::resource(verb, "", "configmaps").in_namespace(ns);
    let cases: Vec<(&str, &UserInfo, RequestAttributes, Decision)> = vec![
        (
            "ClusterRoleBinding at the cluster scope",
            &alice,
            tokens.clone(),
            allow(
                r#"RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "token-reader" to User "alice""#,
            ),
        ),
        (
            "ClusterRoleBinding in any namespace",
            &alice,
            tokens.clone().in_namespace("ns9"),
            allow(
                r#"RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "token-reader" to User "alice""#,
            ),
        ),
        (
            "group subject",
            &reader,
            tokens.clone(),
            allow(
                r#"RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "token-reader" to Group "readers""#,
            ),
        ),
        (
            "verb not in the role",
            &alice,
            RequestAttributes::resource("delete", "tokenhub.io", "tokens"),
            no_opinion(""),
        ),
        (
            "RoleBinding to a ClusterRole, in its namespace",
            &bob,
            cm("delete", "ns1"),
            allow(
                r#"RBAC: allowed by RoleBinding "bob-cm/ns1" of ClusterRole "cm-editor" to User "bob""#,
            ),
        ),
        (
            "RoleBinding to a ClusterRole, other namespace",
            &bob,
            cm("delete", "ns2"),
            no_opinion(""),
        ),
        (
            "RoleBinding to a ClusterRole, cluster scope",
            &bob,
            RequestAttributes::resource("list", "", "configmaps"),
            no_opinion(""),
        ),
        (
            "RoleBinding to a Role, SA defaulted to the binding's namespace",
            &bot,
            cm("get", "ns1"),
            allow(
                r#"RBAC: allowed by RoleBinding "bot-cm/ns1" of Role "cm-reader" to ServiceAccount "bot/ns1""#,
            ),
        ),
        (
            "SA of another namespace",
            &other_bot,
            cm("get", "ns1"),
            no_opinion(""),
        ),
        (
            "SA in a ClusterRoleBinding",
            &deployer,
            RequestAttributes::resource("create", "", "serviceaccounts")
                .in_namespace("x")
                .named("s")
                .subresource("token"),
            allow(
                r#"RBAC: allowed by ClusterRoleBinding "ci-tokens" of ClusterRole "sa-tokens" to ServiceAccount "deployer/ci""#,
            ),
        ),
        (
            "subresource rule does not grant the resource",
            &deployer,
            RequestAttributes::resource("create", "", "serviceaccounts").in_namespace("x"),
            no_opinion(""),
        ),
        (
            "non-resource URL via ClusterRoleBinding",
            &alice,
            RequestAttributes::non_resource("get", "/readyz/etcd"),
            allow(
                r#"RBAC: allowed by ClusterRoleBinding "health" of ClusterRole "health" to Group "system:authenticated""#,
            ),
        ),
        (
            "non-resource URL never via RoleBinding",
            &carol,
            RequestAttributes::non_resource("get", "/healthz"),
            no_opinion(""),
        ),
        (
            "non-resource URL never via RoleBinding, even with a namespace",
            &carol,
            RequestAttributes::non_resource("get", "/healthz").in_namespace("ns1"),
            no_opinion(""),
        ),
        ("anonymous", &anonymous, tokens.clone(), no_opinion("")),
    ];
    for (what, u, attrs, want) in cases {
        assert_eq!(p.decide(u, &attrs), want, "{what}");
    }
}

#[test]
fn missing_roles_are_resolution_errors() {
    let mut p = policy();
    let alice = user("alice", &["g"]);
    p.apply(|p| {
        p.upsert_cluster_role_binding(
            "dangling",
            RoleRef::cluster_role("gone"),
            vec![Subject::user("alice")],
        );
        p.upsert_role_binding(
            "ns1",
            "dangling-role",
            RoleRef::role("gone"),
            vec![Subject::group("g")],
        );
        p.upsert_role_binding(
            "ns1",
            "odd",
            RoleRef {
                kind: "Thing".into(),
                ..RoleRef::role("x")
            },
            vec![Subject::user("alice")],
        );
    });
    // An allowing binding wins over errors met elsewhere.
    assert!(
        p.decide(
            &alice,
            &RequestAttributes::resource("get", "tokenhub.io", "tokens")
        )
        .is_allowed()
    );
    assert_eq!(
        p.decide(&alice, &RequestAttributes::resource("delete", "", "pods")),
        no_opinion(r#"RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found"#)
    );
    assert_eq!(
        p.decide(
            &alice,
            &RequestAttributes::resource("delete", "", "pods").in_namespace("ns1")
        ),
        no_opinion(
            r#"RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "gone" not found, unsupported role reference kind: "Thing"]"#
        )
    );
    let (rules, errors) = p.rules(&alice, "ns1");
    assert_eq!(rules.len(), 1);
    assert_eq!(errors.len(), 3);
}

#[test]
fn removing_bindings_and_roles_revokes() {
    let mut p = policy();
    let bob = user("bob", &[]);
    let alice = user("alice", &[]);
    let del = RequestAttributes::resource("delete", "", "configmaps").in_namespace("ns1");
    let list = RequestAttributes::resource("list", "tokenhub.io", "tokens");
    assert!(p.decide(&bob, &del).is_allowed());
    p.apply(|p| p.remove_role_binding("ns1", "bob-cm"));
    assert_eq!(p.decide(&bob, &del), no_opinion(""));

    assert!(p.decide(&alice, &list).is_allowed());
    p.apply(|p| p.remove_cluster_role("token-reader"));
    assert_eq!(
        p.decide(&alice, &list),
        no_opinion(r#"RBAC: clusterrole.rbac.authorization.k8s.io "token-reader" not found"#)
    );
    p.apply(|p| {
        p.upsert_cluster_role(
            "token-reader",
            vec![PolicyRule::resource(
                &["list"],
                &["tokenhub.io"],
                &["tokens"],
            )],
        )
    });
    assert!(p.decide(&alice, &list).is_allowed());
    // Replacing the subjects of a binding revokes the old ones and grants the new.
    p.apply(|p| {
        p.upsert_cluster_role_binding(
            "readers",
            RoleRef::cluster_role("token-reader"),
            vec![Subject::user("bob")],
        )
    });
    assert_eq!(p.decide(&alice, &list), no_opinion(""));
    assert!(p.decide(&bob, &list).is_allowed());
    p.apply(|p| p.remove_cluster_role_binding("readers"));
    assert_eq!(p.decide(&bob, &list), no_opinion(""));
    // Removing a Role revokes what its RoleBindings granted.
    let bot = user("system:serviceaccount:ns1:bot", &[]);
    let get = RequestAttributes::resource("get", "", "configmaps").in_namespace("ns1");
    assert!(p.decide(&bot, &get).is_allowed());
    p.apply(|p| p.remove_role("ns1", "cm-reader"));
    assert!(!p.decide(&bot, &get).is_allowed());
    // Removing what is not there is harmless.
    p.apply(|p| {
        p.remove_role_binding("nowhere", "x");
        p.remove_cluster_role_binding("x");
        p.remove_role("nowhere", "x");
    });
}

#[test]
fn rules_for_is_cluster_rules_plus_the_namespaces() {
    let p = policy();
    let bob = user("bob", &["system:authenticated"]);
    let health = PolicyRule::non_resource(&["get"], &["/healthz", "/readyz*"]);
    let cm = PolicyRule::resource(&["*"], &[""], &["configmaps"]);
    assert_eq!(p.rules(&bob, ""), (vec![health.clone()], vec![]));
    assert_eq!(p.rules(&bob, "ns1"), (vec![health.clone(), cm], vec![]));
    assert_eq!(p.rules(&bob, "ns2"), (vec![health], vec![]));
}

#[test]
fn objects_are_read_from_their_json() {
    let mut p = Both::new();
    let role = json!({"metadata": {"name": "r", "namespace": "ns"},
        "rules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"]}]});
    let binding = json!({"metadata": {"name": "b", "namespace": "ns"},
        "roleRef": {"apiGroup": GROUP_NAME, "kind": "Role", "name": "r"},
        "subjects": [{"kind": "User", "apiGroup": GROUP_NAME, "name": "u"}]});
    p.apply(|p| {
        p.upsert_object(RbacKind::Role, &role).expect("role");
        p.upsert_object(RbacKind::RoleBinding, &binding)
            .expect("binding");
    });
    let get = RequestAttributes::resource("get", "", "configmaps").in_namespace("ns");
    assert_eq!(
        p.decide(&user("u", &[]), &get),
        allow(r#"RBAC: allowed by RoleBinding "b/ns" of Role "r" to User "u""#)
    );
    assert!(
        p.index
            .upsert_object(RbacKind::ClusterRole, &json!({"rules": 1}))
            .is_err()
    );
    p.apply(|p| p.remove_object(RbacKind::RoleBinding, "ns", "b"));
    assert!(!p.decide(&user("u", &[]), &get).is_allowed());
    assert_eq!(p.index.binding_count(), 0);
    assert_eq!(
        RbacKind::from_kind("ClusterRoleBinding"),
        Some(RbacKind::ClusterRoleBinding)
    );
    assert_eq!(RbacKind::from_kind("Pod"), None);
}

#[test]
fn the_first_applicable_subject_is_the_one_reported() {
    let mut p = Both::new();
    p.apply(|p| {
        p.upsert_cluster_role("all", vec![PolicyRule::resource(&["*"], &["*"], &["*"])]);
        p.upsert_cluster_role_binding(
            "b",
            RoleRef::cluster_role("all"),
            vec![
                Subject::group("g2"),
                Subject::user("u"),
                Subject::group("g1"),
            ],
        );
        p.upsert_cluster_role_binding(
            "a",
            RoleRef::cluster_role("all"),
            vec![Subject::group("g1")],
        );
    });
    // Reached through the user key, reported by the first subject that names the user;
    // of two allowing bindings the first by name is reported.
    assert_eq!(
        p.decide(
            &user("u", &["g2"]),
            &RequestAttributes::resource("get", "", "pods")
        ),
        allow(r#"RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "all" to Group "g2""#)
    );
    assert_eq!(
        p.decide(
            &user("u", &["g1"]),
            &RequestAttributes::resource("get", "", "pods")
        ),
        allow(r#"RBAC: allowed by ClusterRoleBinding "a" of ClusterRole "all" to Group "g1""#)
    );
}
