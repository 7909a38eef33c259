//! RBAC on every request, end to end: ServiceAccounts with tokens, granted something by roles
//! and bindings, and refused everything else with kube-apiserver's 403.

use serde_json::json;

use crate::accounts::{
    cluster_role_bindings, named_rule, role_bindings, rule, service_account_subject, token_path,
    token_request_body, url_rule, username,
};
use crate::support::{Api, Client, Watch, assert_failure, with_query};

const A_CONFIG_MAPS: &str = "/api/v1/namespaces/a/configmaps";
const B_CONFIG_MAPS: &str = "/api/v1/namespaces/b/configmaps";

/// A hub with namespaces `a` and `b`, each with ConfigMap `x`.
async fn two_namespaces() -> Api {
    let api = Api::start();
    for namespace in ["a", "b"] {
        api.namespace(namespace).await;
        api.config_map(namespace, "x", json!({})).await;
    }
    api
}

/// The 403 of `verb` on `resource` (optionally `name`d) in `namespace` ("" for the cluster
/// scope) for ServiceAccount a/bot, with kube's message and details.
#[track_caller]
fn assert_refused(
    reply: &crate::support::Reply,
    verb: &str,
    resource: &str,
    name: &str,
    namespace: &str,
) {
    let who = username("a", "bot");
    let scope = if namespace.is_empty() {
        "at the cluster scope".to_string()
    } else {
        format!("in the namespace \"{namespace}\"")
    };
    // `resource` is `plural[/subresource][.group]`.
    let (with_subresource, group) = resource.split_once('.').unwrap_or((resource, ""));
    let plural = with_subresource.split('/').next().unwrap_or_default();
    let qualified = if group.is_empty() {
        plural.to_string()
    } else {
        format!("{plural}.{group}")
    };
    let object = if name.is_empty() {
        qualified
    } else {
        format!("{qualified} \"{name}\"")
    };
    let message = format!(
        "{object} is forbidden: User \"{who}\" cannot {verb} resource \"{with_subresource}\" in API group \"{group}\" {scope}"
    );
    let status = assert_failure(reply, 403, "Forbidden", &message);
    let mut details = json!({"kind": plural});
    if !name.is_empty() {
        details["name"] = json!(name);
    }
    if !group.is_empty() {
        details["group"] = json!(group);
    }
    assert_eq!(status["details"], details, "{status}");
}

async fn bot(api: &Api) -> Client {
    api.identity("a", "bot").await
}

#[tokio::test]
async fn a_role_in_one_namespace_grants_nothing_in_another() {
    let api = two_namespaces().await;
    let reader = json!([rule(&["get", "list"], &[""], &["configmaps"])]);
    api.role("a", "reader", reader.clone()).await;
    // A Role of the same name elsewhere changes nothing: bindings are per namespace.
    api.role("b", "reader", reader).await;
    api.role_binding(
        "a",
        "readers",
        "Role",
        "reader",
        json!([service_account_subject("a", "bot")]),
    )
    .await;
    let bot = bot(&api).await;

    bot.get(&format!("{A_CONFIG_MAPS}/x")).await.expect(200);
    assert_eq!(
        crate::support::names(&bot.get(A_CONFIG_MAPS).await.expect(200)),
        ["x"]
    );
    assert_refused(
        &bot.get(&format!("{B_CONFIG_MAPS}/x")).await,
        "get",
        "configmaps",
        "x",
        "b",
    );
    assert_refused(&bot.get(B_CONFIG_MAPS).await, "list", "configmaps", "", "b");
    // The verbs granted and no others.
    assert_refused(
        &bot.delete(&format!("{A_CONFIG_MAPS}/x"), &json!({})).await,
        "delete",
        "configmaps",
        "x",
        "a",
    );
    assert_refused(
        &bot.post(A_CONFIG_MAPS, &json!({"metadata": {"name": "y"}}))
            .await,
        "create",
        "configmaps",
        "",
        "a",
    );
    // Nothing across namespaces either.
    assert_refused(
        &bot.get("/api/v1/configmaps").await,
        "list",
        "configmaps",
        "",
        "",
    );
}

#[tokio::test]
async fn a_role_binding_to_a_cluster_role_grants_only_within_its_namespace() {
    let api = two_namespaces().await;
    api.cluster_role(
        "reader",
        json!([rule(&["get", "list"], &[""], &["configmaps", "namespaces"])]),
    )
    .await;
    api.role_binding(
        "a",
        "readers",
        "ClusterRole",
        "reader",
        json!([service_account_subject("a", "bot")]),
    )
    .await;
    let bot = bot(&api).await;

    bot.get(A_CONFIG_MAPS).await.expect(200);
    assert_refused(&bot.get(B_CONFIG_MAPS).await, "list", "configmaps", "", "b");
    assert_refused(
        &bot.get("/api/v1/namespaces").await,
        "list",
        "namespaces",
        "",
        "",
    );
    // A namespace is its own namespace: the binding in `a` lets the bot read `a` itself.
    bot.get("/api/v1/namespaces/a").await.expect(200);
    assert_refused(
        &bot.get("/api/v1/namespaces/b").await,
        "get",
        "namespaces",
        "b",
        "b",
    );

    // Bound cluster-wide, the same role grants everywhere.
    api.cluster_role_binding(
        "readers",
        "reader",
        json!([service_account_subject("a", "bot")]),
    )
    .await;
    bot.get(B_CONFIG_MAPS).await.expect(200);
    bot.get("/api/v1/configmaps").await.expect(200);
    bot.get("/api/v1/namespaces").await.expect(200);
}

#[tokio::test]
async fn resource_names_limit_get_but_never_list() {
    let api = two_namespaces().await;
    api.config_map("a", "allowed", json!({})).await;
    api.role(
        "a",
        "one",
        json!([named_rule(
            &["get", "list", "watch"],
            &[""],
            &["configmaps"],
            &["allowed"]
        )]),
    )
    .await;
    api.role_binding(
        "a",
        "one",
        "Role",
        "one",
        json!([service_account_subject("a", "bot")]),
    )
    .await;
    let bot = bot(&api).await;

    bot.get(&format!("{A_CONFIG_MAPS}/allowed"))
        .await
        .expect(200);
    assert_refused(
        &bot.get(&format!("{A_CONFIG_MAPS}/x")).await,
        "get",
        "configmaps",
        "x",
        "a",
    );
    assert_refused(&bot.get(A_CONFIG_MAPS).await, "list", "configmaps", "", "a");
    // A list narrowed to one name by a field selector is about that name (`kubectl get cm
    // allowed -w` watches so), as kube's RequestInfo resolves it.
    let one = with_query(A_CONFIG_MAPS, &[("fieldSelector", "metadata.name=allowed")]);
    assert_eq!(
        crate::support::names(&bot.get(&one).await.expect(200)),
        ["allowed"]
    );
    let other = with_query(A_CONFIG_MAPS, &[("fieldSelector", "metadata.name=x")]);
    assert_refused(&bot.get(&other).await, "list", "configmaps", "x", "a");
    let watch_one = with_query(
        A_CONFIG_MAPS,
        &[
            ("watch", "true"),
            ("fieldSelector", "metadata.name=allowed"),
        ],
    );
    let mut watch = Watch::open(&bot, &watch_one, "application/json").await;
    watch.expect("ADDED", "allowed").await;
    let watch_all = with_query(A_CONFIG_MAPS, &[("watch", "true")]);
    assert_refused(&bot.get(&watch_all).await, "watch", "configmaps", "", "a");
}

#[tokio::test]
async fn service_accounts_and_their_token_subresource_are_granted_separately() {
    let api = two_namespaces().await;
    api.service_account("a", "target").await;
    api.role(
        "a",
        "accounts",
        json!([rule(
            &["get", "list", "create"],
            &[""],
            &["serviceaccounts"]
        )]),
    )
    .await;
    api.role_binding(
        "a",
        "accounts",
        "Role",
        "accounts",
        json!([service_account_subject("a", "bot")]),
    )
    .await;
    let bot = bot(&api).await;
    let token_request = token_request_body(json!({}));

    bot.get("/api/v1/namespaces/a/serviceaccounts/target")
        .await
        .expect(200);
    assert_refused(
        &bot.post(&token_path("a", "target"), &token_request).await,
        "create",
        "serviceaccounts/token",
        "target",
        "a",
    );

    // Only the subresource: tokens, but not the accounts themselves.
    api.role(
        "a",
        "tokens",
        json!([rule(&["create"], &[""], &["serviceaccounts/token"])]),
    )
    .await;
    api.role_binding(
        "a",
        "minter",
        "Role",
        "tokens",
        json!([service_account_subject("a", "minter")]),
    )
    .await;
    let minter = api.identity("a", "minter").await;
    let issued = minter
        .post(&token_path("a", "target"), &token_request)
        .await
        .expect(201);
    assert!(issued["status"]["token"].as_str().is_some(), "{issued}");
    let refused = minter
        .get("/api/v1/namespaces/a/serviceaccounts/target")
        .await;
    let status = assert_failure(
        &refused,
        403,
        "Forbidden",
        &format!(
            "serviceaccounts \"target\" is forbidden: User \"{}\" cannot get resource \"serviceaccounts\" in API group \"\" in the namespace \"a\"",
            username("a", "minter")
        ),
    );
    assert_eq!(
        status["details"],
        json!({"name": "target", "kind": "serviceaccounts"})
    );

    // `*/token` names the subresource of every resource.
    api.role(
        "a",
        "any-token",
        json!([rule(&["create"], &[""], &["*/token"])]),
    )
    .await;
    api.role_binding(
        "a",
        "any-token",
        "Role",
        "any-token",
        json!([service_account_subject("a", "bot")]),
    )
    .await;
    bot.post(&token_path("a", "target"), &token_request)
        .await
        .expect(201);
}

#[tokio::test]
async fn non_resource_urls_are_granted_by_a_cluster_role_bound_cluster_wide() {
    let api = two_namespaces().await;
    // Every authenticated identity may read discovery and OpenAPI through system:discovery;
    // without that binding the bot may not.
    api.delete(
        &format!("{}/system:discovery", cluster_role_bindings()),
        &json!({}),
    )
    .await
    .expect(200);
    let bot = bot(&api).await;
    let who = username("a", "bot");
    let refused = |path: &str| format!("forbidden: User \"{who}\" cannot get path \"{path}\"");
    let status = assert_failure(
        &bot.get("/openapi/v3").await,
        403,
        "Forbidden",
        &refused("/openapi/v3"),
    );
    assert!(status.get("details").is_none(), "{status}");
    assert_failure(&bot.get("/apis").await, 403, "Forbidden", &refused("/apis"));

    api.cluster_role(
        "openapi-reader",
        json!([url_rule(&["get"], &["/openapi/*"])]),
    )
    .await;
    // Bound in a namespace, URL rules grant nothing.
    api.role_binding(
        "a",
        "openapi",
        "ClusterRole",
        "openapi-reader",
        json!([service_account_subject("a", "bot")]),
    )
    .await;
    assert_failure(
        &bot.get("/openapi/v3").await,
        403,
        "Forbidden",
        &refused("/openapi/v3"),
    );

    api.cluster_role_binding(
        "openapi",
        "openapi-reader",
        json!([service_account_subject("a", "bot")]),
    )
    .await;
    bot.get("/openapi/v3").await.expect(200);
    bot.get("/openapi/v3/api/v1").await.expect(200);
    // `/openapi/*` is a prefix of what follows `/openapi/`, not `/openapi` itself, and
    // nothing else.
    assert_failure(
        &bot.get("/openapi").await,
        403,
        "Forbidden",
        &refused("/openapi"),
    );
    assert_failure(&bot.get("/apis").await, 403, "Forbidden", &refused("/apis"));
}

#[tokio::test]
async fn revoking_a_binding_takes_effect_on_the_very_next_request() {
    let api = two_namespaces().await;
    api.role(
        "a",
        "reader",
        json!([rule(&["get"], &[""], &["configmaps"])]),
    )
    .await;
    let bot = bot(&api).await;
    let path = format!("{A_CONFIG_MAPS}/x");
    assert_refused(&bot.get(&path).await, "get", "configmaps", "x", "a");

    for round in 0..3 {
        api.role_binding(
            "a",
            "readers",
            "Role",
            "reader",
            json!([service_account_subject("a", "bot")]),
        )
        .await;
        bot.get(&path).await.expect(200);
        api.delete(&format!("{}/readers", role_bindings("a")), &json!({}))
            .await
            .expect(200);
        let reply = bot.get(&path).await;
        assert_eq!(reply.code, 403, "round {round}: {}", reply.text());
    }

    // Removing the bot from the subjects revokes as well.
    let binding = api
        .role_binding(
            "a",
            "readers",
            "Role",
            "reader",
            json!([
                service_account_subject("a", "bot"),
                service_account_subject("a", "other")
            ]),
        )
        .await;
    bot.get(&path).await.expect(200);
    let mut fewer = binding;
    fewer["subjects"] = json!([service_account_subject("a", "other")]);
    api.put(&format!("{}/readers", role_bindings("a")), &fewer)
        .await
        .expect(200);
    assert_refused(&bot.get(&path).await, "get", "configmaps", "x", "a");
}

#[tokio::test]
async fn a_binding_to_a_missing_role_grants_nothing_and_says_why() {
    let api = two_namespaces().await;
    api.role_binding(
        "a",
        "dangling",
        "Role",
        "reader",
        json!([service_account_subject("a", "bot")]),
    )
    .await;
    let bot = bot(&api).await;
    // kube appends the authorizer's reason to the refusal.
    assert_failure(
        &bot.get(&format!("{A_CONFIG_MAPS}/x")).await,
        403,
        "Forbidden",
        &format!(
            "configmaps \"x\" is forbidden: User \"{}\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"a\": RBAC: role.rbac.authorization.k8s.io \"reader\" not found",
            username("a", "bot")
        ),
    );
    // Once the role exists, the binding grants it at once.
    api.role(
        "a",
        "reader",
        json!([rule(&["get"], &[""], &["configmaps"])]),
    )
    .await;
    bot.get(&format!("{A_CONFIG_MAPS}/x")).await.expect(200);
    // And once it is gone again, nothing.
    api.delete(
        &format!("{}/reader", crate::accounts::roles("a")),
        &json!({}),
    )
    .await
    .expect(200);
    assert_eq!(bot.get(&format!("{A_CONFIG_MAPS}/x")).await.code, 403);
}

#[tokio::test]
async fn subjects_name_service_accounts_of_any_namespace_and_groups_of_them() {
    let api = two_namespaces().await;
    api.cluster_role("reader", json!([rule(&["get"], &[""], &["configmaps"])]))
        .await;
    // A binding in `b` for the ServiceAccount of `a`.
    api.role_binding(
        "b",
        "visitor",
        "ClusterRole",
        "reader",
        json!([service_account_subject("a", "bot")]),
    )
    .await;
    let bot = bot(&api).await;
    bot.get(&format!("{B_CONFIG_MAPS}/x")).await.expect(200);
    assert_refused(
        &bot.get(&format!("{A_CONFIG_MAPS}/x")).await,
        "get",
        "configmaps",
        "x",
        "a",
    );
    // A subject without a namespace in a RoleBinding is of the binding's namespace: `b/bot`.
    api.role_binding(
        "a",
        "local",
        "ClusterRole",
        "reader",
        json!([{"kind": "ServiceAccount", "name": "bot", "namespace": "b"}]),
    )
    .await;
    assert_eq!(bot.get(&format!("{A_CONFIG_MAPS}/x")).await.code, 403);
    // Every ServiceAccount of `a`, as a group.
    api.role_binding(
        "a",
        "all-of-a",
        "ClusterRole",
        "reader",
        json!([crate::accounts::group_subject("system:serviceaccounts:a")]),
    )
    .await;
    bot.get(&format!("{A_CONFIG_MAPS}/x")).await.expect(200);
    let other = api.identity("a", "other").await;
    other.get(&format!("{A_CONFIG_MAPS}/x")).await.expect(200);
}

#[tokio::test]
async fn wildcards_grant_every_verb_group_and_resource() {
    let api = two_namespaces().await;
    api.role("a", "all", json!([rule(&["*"], &["*"], &["*"])]))
        .await;
    api.role_binding(
        "a",
        "all",
        "Role",
        "all",
        json!([service_account_subject("a", "bot")]),
    )
    .await;
    let bot = bot(&api).await;
    bot.post(A_CONFIG_MAPS, &json!({"metadata": {"name": "new"}}))
        .await
        .expect(201);
    bot.delete(&format!("{A_CONFIG_MAPS}/new"), &json!({}))
        .await
        .expect(200);
    bot.get("/apis/rbac.authorization.k8s.io/v1/namespaces/a/roles")
        .await
        .expect(200);
    // Still only in its namespace.
    assert_refused(&bot.get(B_CONFIG_MAPS).await, "list", "configmaps", "", "b");
    assert_refused(
        &bot.get("/apis/rbac.authorization.k8s.io/v1/clusterroles")
            .await,
        "list",
        "clusterroles.rbac.authorization.k8s.io",
        "",
        "",
    );
}
