//! Aggregated ClusterRoles: `view`, `edit` and `admin` (and any ClusterRole with an
//! aggregationRule) hold the rules of the ClusterRoles their selectors match, kept current as
//! those change. The hub writes them asynchronously, so the tests watch for the result.

use serde_json::{Value, json};

use crate::accounts::{
    RBAC, RBAC_GROUP, cluster_role_body, cluster_roles, rule, rules_of, service_account_subject,
};
use crate::support::{Api, MERGE_PATCH};

const TO_VIEW: &str = "rbac.authorization.k8s.io/aggregate-to-view";

fn holds(role: &Value, wanted: &Value) -> bool {
    rules_of(role).contains(wanted)
}

fn holds_all(role: &Value, wanted: &[Value]) -> bool {
    wanted.iter().all(|rule| holds(role, rule))
}

/// A ClusterRole with `labels` and `rules`.
async fn labelled(api: &Api, name: &str, labels: Value, rules: Value) -> Value {
    let mut body = cluster_role_body(name, rules);
    body["metadata"]["labels"] = labels;
    api.post(&cluster_roles(), &body).await.expect(201)
}

#[tokio::test]
async fn view_edit_and_admin_hold_what_they_aggregate_down_the_chain() {
    let api = Api::start();
    let to_view = rules_of(
        &api.get(&format!("{}/system:aggregate-to-view", cluster_roles()))
            .await
            .expect(200),
    );
    let to_edit = rules_of(
        &api.get(&format!("{}/system:aggregate-to-edit", cluster_roles()))
            .await
            .expect(200),
    );
    let to_admin = rules_of(
        &api.get(&format!("{}/system:aggregate-to-admin", cluster_roles()))
            .await
            .expect(200),
    );
    assert!(!to_view.is_empty() && !to_edit.is_empty() && !to_admin.is_empty());

    let view = api
        .wait_for_cluster_role("view", |role| holds_all(role, &to_view))
        .await;
    let edit_should_hold: Vec<Value> = rules_of(&view).into_iter().chain(to_edit).collect();
    let edit = api
        .wait_for_cluster_role("edit", |role| holds_all(role, &edit_should_hold))
        .await;
    let admin_should_hold: Vec<Value> = rules_of(&edit).into_iter().chain(to_admin).collect();
    api.wait_for_cluster_role("admin", |role| holds_all(role, &admin_should_hold))
        .await;
    // Nothing else: view is exactly what it aggregates.
    assert_eq!(rules_of(&view), to_view);
}

#[tokio::test]
async fn a_labelled_cluster_role_extends_view_and_through_it_edit_and_admin_until_deleted() {
    let api = Api::start();
    api.namespace("team").await;
    api.role_binding(
        "team",
        "viewers",
        "ClusterRole",
        "view",
        json!([service_account_subject("team", "bot")]),
    )
    .await;
    let bot = api.identity("team", "bot").await;
    let bindings = format!("{RBAC}/namespaces/team/rolebindings");
    // Make sure `view` has its own rules before the test changes anything.
    api.wait_for_cluster_role("view", |role| !rules_of(role).is_empty())
        .await;
    assert_eq!(bot.get(&bindings).await.code, 403);

    let read_bindings = rule(&["get", "list", "watch"], &[RBAC_GROUP], &["rolebindings"]);
    labelled(
        &api,
        "binding-viewer",
        json!({TO_VIEW: "true"}),
        json!([read_bindings]),
    )
    .await;
    for name in ["view", "edit", "admin"] {
        api.wait_for_cluster_role(name, |role| holds(role, &read_bindings))
            .await;
    }
    // And what view holds, those bound to view may do.
    bot.get(&bindings).await.expect(200);

    // A change of the labelled role's rules follows.
    let list_only = rule(&["list"], &[RBAC_GROUP], &["rolebindings"]);
    api.patch(
        &format!("{}/binding-viewer", cluster_roles()),
        MERGE_PATCH,
        &json!({"rules": [list_only]}),
    )
    .await
    .expect(200);
    let view = api
        .wait_for_cluster_role("view", |role| {
            holds(role, &list_only) && !holds(role, &read_bindings)
        })
        .await;
    assert!(!rules_of(&view).is_empty());

    // Deleted, its rules leave view, edit and admin; the bot loses them.
    api.delete(&format!("{}/binding-viewer", cluster_roles()), &json!({}))
        .await
        .expect(200);
    for name in ["view", "edit", "admin"] {
        api.wait_for_cluster_role(name, |role| !holds(role, &list_only))
            .await;
    }
    assert_eq!(bot.get(&bindings).await.code, 403);
}

#[tokio::test]
async fn removing_the_label_removes_the_rules() {
    let api = Api::start();
    let marker = rule(&["get"], &["example.com"], &["widgets"]);
    labelled(&api, "widgets", json!({TO_VIEW: "true"}), json!([marker])).await;
    api.wait_for_cluster_role("view", |role| holds(role, &marker))
        .await;
    api.patch(
        &format!("{}/widgets", cluster_roles()),
        MERGE_PATCH,
        &json!({"metadata": {"labels": {TO_VIEW: null}}}),
    )
    .await
    .expect(200);
    api.wait_for_cluster_role("view", |role| !holds(role, &marker))
        .await;
}

#[tokio::test]
async fn the_rules_of_an_aggregated_role_are_the_aggregations_not_its_writers() {
    let api = Api::start();
    let view = api
        .wait_for_cluster_role("view", |role| !rules_of(role).is_empty())
        .await;
    let aggregated = rules_of(&view);
    let mut overwritten = view.clone();
    overwritten["rules"] = json!([rule(&["*"], &["*"], &["*"])]);
    api.put(&format!("{}/view", cluster_roles()), &overwritten)
        .await
        .expect(200);
    let restored = api
        .wait_for_cluster_role("view", |role| rules_of(role) == aggregated)
        .await;
    assert!(!holds(&restored, &rule(&["*"], &["*"], &["*"])));
}

#[tokio::test]
async fn any_cluster_role_may_aggregate_by_its_own_labels() {
    let api = Api::start();
    let label = "example.com/aggregate-to-monitoring";
    let mut monitoring = cluster_role_body("monitoring", json!([]));
    monitoring["aggregationRule"] =
        json!({"clusterRoleSelectors": [{"matchLabels": {label: "true"}}]});
    api.post(&cluster_roles(), &monitoring).await.expect(201);

    let metrics = json!({"verbs": ["get"], "nonResourceURLs": ["/metrics"]});
    let configmaps = rule(&["list"], &[""], &["configmaps"]);
    labelled(&api, "metrics", json!({label: "true"}), json!([metrics])).await;
    labelled(
        &api,
        "configmaps",
        json!({label: "true"}),
        json!([configmaps]),
    )
    .await;
    labelled(
        &api,
        "unrelated",
        json!({label: "false"}),
        json!([rule(&["*"], &["*"], &["*"])]),
    )
    .await;
    let aggregated = api
        .wait_for_cluster_role("monitoring", |role| {
            holds(role, &metrics) && holds(role, &configmaps)
        })
        .await;
    // By role name: configmaps before metrics; nothing of the unrelated role.
    assert_eq!(rules_of(&aggregated), [configmaps, metrics]);
}
