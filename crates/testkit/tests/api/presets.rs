//! The preset ClusterRoles and ClusterRoleBindings every hub has, reconciled at every start:
//! a changed preset is restored, a deleted one recreated, unless its owner opted out with
//! `rbac.authorization.kubernetes.io/autoupdate: "false"`.

use serde_json::{Value, json};

use crate::accounts::{
    RBAC_GROUP, cluster_role_bindings, cluster_roles, group_subject, rule, service_account_subject,
    user_subject,
};
use crate::support::{Api, assert_failure, assert_failure_code};

const AUTOUPDATE: &str = "rbac.authorization.kubernetes.io/autoupdate";

const PRESET_ROLES: &[&str] = &[
    "cluster-admin",
    "admin",
    "edit",
    "view",
    "hub-admin",
    "hub-guest",
    "system:basic-user",
    "system:discovery",
    "system:public-info-viewer",
    "system:service-account-issuer-discovery",
    "system:aggregate-to-admin",
    "system:aggregate-to-edit",
    "system:aggregate-to-view",
];

fn role_path(name: &str) -> String {
    format!("{}/{name}", cluster_roles())
}

fn binding_path(name: &str) -> String {
    format!("{}/{name}", cluster_role_bindings())
}

#[tokio::test]
async fn every_preset_role_exists_marked_as_the_hubs_own() {
    let api = Api::start();
    for name in PRESET_ROLES {
        let role = api.get(&role_path(name)).await.expect(200);
        assert_eq!(
            role["metadata"]["labels"]["kubernetes.io/bootstrapping"], "rbac-defaults",
            "{role}"
        );
        assert_eq!(
            role["metadata"]["annotations"][AUTOUPDATE], "true",
            "{role}"
        );
    }
    let cluster_admin = api.get(&role_path("cluster-admin")).await.expect(200);
    assert_eq!(
        cluster_admin["rules"],
        json!([rule(&["*"], &["*"], &["*"]), {"verbs": ["*"], "nonResourceURLs": ["*"]}])
    );
    for (name, label) in [
        ("admin", "rbac.authorization.k8s.io/aggregate-to-admin"),
        ("edit", "rbac.authorization.k8s.io/aggregate-to-edit"),
        ("view", "rbac.authorization.k8s.io/aggregate-to-view"),
    ] {
        let role = api.get(&role_path(name)).await.expect(200);
        assert_eq!(
            role["aggregationRule"],
            json!({"clusterRoleSelectors": [{"matchLabels": {label: "true"}}]}),
            "{role}"
        );
    }
    // The aggregation chain: view is part of edit, edit of admin.
    let labels = |name: &str| {
        let api = &api;
        let name = name.to_string();
        async move { api.get(&role_path(&name)).await.expect(200)["metadata"]["labels"].clone() }
    };
    assert_eq!(
        labels("view").await[format!("{RBAC_GROUP}/aggregate-to-edit")],
        "true"
    );
    assert_eq!(
        labels("edit").await[format!("{RBAC_GROUP}/aggregate-to-admin")],
        "true"
    );
    let discovery = api
        .get(&role_path("system:service-account-issuer-discovery"))
        .await
        .expect(200);
    let urls = discovery["rules"][0]["nonResourceURLs"].to_string();
    assert!(
        urls.contains("/.well-known/openid-configuration") && urls.contains("/openid/v1/jwks"),
        "{discovery}"
    );
}

#[tokio::test]
async fn every_preset_binding_exists_with_its_subjects() {
    let api = Api::start();
    for (name, role, groups) in [
        ("cluster-admin", "cluster-admin", &["system:masters"][..]),
        (
            "system:basic-user",
            "system:basic-user",
            &["system:authenticated"][..],
        ),
        (
            "system:discovery",
            "system:discovery",
            &["system:authenticated"][..],
        ),
        (
            "tokenhub:token-owner",
            "tokenhub:token-owner",
            &["system:authenticated"][..],
        ),
        (
            "tokenhub:login",
            "tokenhub:login",
            &["system:authenticated", "system:unauthenticated"][..],
        ),
        (
            "system:public-info-viewer",
            "system:public-info-viewer",
            &["system:authenticated", "system:unauthenticated"][..],
        ),
        (
            "system:service-account-issuer-discovery",
            "system:service-account-issuer-discovery",
            &[
                "system:serviceaccounts",
                "system:authenticated",
                "system:unauthenticated",
            ][..],
        ),
    ] {
        let binding = api.get(&binding_path(name)).await.expect(200);
        assert_eq!(
            binding["roleRef"],
            json!({"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": role})
        );
        let subjects: Vec<Value> = groups.iter().map(|g| group_subject(g)).collect();
        assert_eq!(binding["subjects"], json!(subjects), "{name}");
        assert_eq!(binding["metadata"]["annotations"][AUTOUPDATE], "true");
    }
}

#[tokio::test]
async fn hub_guest_reads_and_hub_admin_manages_accounts_tokens_and_bindings() {
    let api = Api::start();
    for (name, role) in [("guest", "hub-guest"), ("boss", "hub-admin")] {
        api.service_account("default", name).await;
        api.cluster_role_binding(
            name,
            role,
            json!([service_account_subject("default", name)]),
        )
        .await;
    }
    let guest = api.with_token(&api.token("default", "guest").await);
    let boss = api.with_token(&api.token("default", "boss").await);

    for path in [
        "/api/v1/namespaces/default/serviceaccounts",
        "/api/v1/namespaces",
        "/api/v1/namespaces/tokenhub/configmaps",
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
    ] {
        guest.get(path).await.expect(200);
    }
    let account =
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "new"}});
    assert_failure(
        &guest
            .post("/api/v1/namespaces/default/serviceaccounts", &account)
            .await,
        403,
        "Forbidden",
        r#"serviceaccounts is forbidden: User "system:serviceaccount:default:guest" cannot create resource "serviceaccounts" in API group "" in the namespace "default""#,
    );
    assert_eq!(
        guest
            .post(
                &crate::accounts::token_path("default", "guest"),
                &crate::accounts::token_request_body(json!({}))
            )
            .await
            .code,
        403
    );
    assert_eq!(
        guest.delete(&binding_path("guest"), &json!({})).await.code,
        403
    );

    boss.post("/api/v1/namespaces/default/serviceaccounts", &account)
        .await
        .expect(201);
    boss.post(
        &crate::accounts::token_path("default", "new"),
        &crate::accounts::token_request_body(json!({})),
    )
    .await
    .expect(201);
    boss.post(
        &cluster_role_bindings(),
        &crate::accounts::cluster_role_binding_body(
            "new-guest",
            "hub-guest",
            json!([service_account_subject("default", "new")]),
        ),
    )
    .await
    .expect(201);
    boss.delete(&binding_path("new-guest"), &json!({}))
        .await
        .expect(200);
    // hub-admin manages bindings within what it holds: it cannot make anyone cluster-admin.
    let promoted = boss
        .post(
            &cluster_role_bindings(),
            &crate::accounts::cluster_role_binding_body(
                "boss-admin",
                "cluster-admin",
                json!([service_account_subject("default", "boss")]),
            ),
        )
        .await;
    let status = assert_failure_code(&promoted, 403, "Forbidden");
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .contains("is attempting to grant RBAC permissions not currently held"),
        "{status}"
    );
    boss.delete("/api/v1/namespaces/default/serviceaccounts/new", &json!({}))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_changed_preset_is_restored_at_the_next_start_keeping_its_owners_labels() {
    let api = Api::start();
    let original = api.get(&role_path("hub-guest")).await.expect(200);
    let mut changed = original.clone();
    changed["rules"] = json!([rule(&["*"], &[""], &["configmaps"])]);
    changed["metadata"]["labels"]["example.com/owner"] = json!("me");
    api.put(&role_path("hub-guest"), &changed).await.expect(200);
    // A preset binding widened to someone else is put back too.
    let mut binding = api.get(&binding_path("cluster-admin")).await.expect(200);
    binding["subjects"] = json!([group_subject("system:masters"), user_subject("mallory")]);
    api.put(&binding_path("cluster-admin"), &binding)
        .await
        .expect(200);

    let api = api.restart_with(|_| {});
    let restored = api.get(&role_path("hub-guest")).await.expect(200);
    assert_eq!(restored["rules"], original["rules"]);
    assert_eq!(restored["metadata"]["uid"], original["metadata"]["uid"]);
    assert_eq!(restored["metadata"]["labels"]["example.com/owner"], "me");
    let binding = api.get(&binding_path("cluster-admin")).await.expect(200);
    assert_eq!(
        binding["subjects"],
        json!([group_subject("system:masters")])
    );

    // An unchanged preset is left alone: a further start writes nothing.
    let api = api.restart_with(|_| {});
    let again = api.get(&role_path("hub-guest")).await.expect(200);
    assert_eq!(
        again["metadata"]["resourceVersion"],
        restored["metadata"]["resourceVersion"]
    );
}

#[tokio::test]
async fn a_preset_whose_owner_opted_out_is_kept_as_changed() {
    let api = Api::start();
    let mut changed = api.get(&role_path("hub-guest")).await.expect(200);
    changed["rules"] = json!([rule(&["get"], &[""], &["configmaps"])]);
    changed["metadata"]["annotations"][AUTOUPDATE] = json!("false");
    let kept = api.put(&role_path("hub-guest"), &changed).await.expect(200);

    let api = api.restart_with(|_| {});
    let after = api.get(&role_path("hub-guest")).await.expect(200);
    assert_eq!(after["rules"], kept["rules"]);
    assert_eq!(after["metadata"]["annotations"][AUTOUPDATE], "false");
    assert_eq!(
        after["metadata"]["resourceVersion"],
        kept["metadata"]["resourceVersion"]
    );
}

#[tokio::test]
async fn a_deleted_preset_is_recreated_at_the_next_start() {
    let api = Api::start();
    api.delete(&role_path("view"), &json!({})).await.expect(200);
    api.delete(&binding_path("system:basic-user"), &json!({}))
        .await
        .expect(200);
    assert_eq!(api.get(&role_path("view")).await.code, 404);
    // Without the binding, a ServiceAccount may not ask who it is.
    api.service_account("default", "bot").await;
    let token = api.token("default", "bot").await;
    let whoami = json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"});
    let path = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    assert_eq!(api.with_token(&token).post(path, &whoami).await.code, 403);

    let api = api.restart_with(|_| {});
    let view = api
        .wait_for_cluster_role("view", |role| !crate::accounts::rules_of(role).is_empty())
        .await;
    assert!(view["aggregationRule"].is_object(), "{view}");
    assert!(
        crate::accounts::rules_of(&view).contains(&rule(
            &["get", "list", "watch"],
            &[""],
            &["configmaps", "serviceaccounts", "namespaces"]
        )),
        "{view}"
    );
    api.get(&binding_path("system:basic-user"))
        .await
        .expect(200);
    // (The restarted hub has another URL, hence another issuer: a new token.)
    let token = api.token("default", "bot").await;
    api.with_token(&token).post(path, &whoami).await.expect(201);
}
