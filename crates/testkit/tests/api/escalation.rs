//! Privilege escalation prevention on RBAC writes: nobody grants (in a role) or binds (in a
//! binding) what they do not hold, unless RBAC gives them `escalate` or `bind`; only full
//! authority sets an aggregationRule; system:masters is never refused.

use serde_json::{Value, json};

use crate::accounts::{
    RBAC_GROUP, cluster_role_binding_body, cluster_role_bindings, cluster_role_body, cluster_roles,
    named_rule, role_binding_body, role_bindings, role_body, roles, rule, service_account_subject,
    user_subject, username,
};
use crate::support::{Api, Client, Reply, assert_failure};

const TEAM: &str = "team";

fn held_by(name: &str) -> String {
    format!(
        r#"user "{}" (groups=["system:serviceaccounts" "system:serviceaccounts:{TEAM}" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:"#,
        username(TEAM, name)
    )
}

/// The 403 of an escalation: `resource` "`name`" is forbidden, then the rules not held.
#[track_caller]
fn assert_escalation(reply: &Reply, resource: &str, name: &str, who: &str, missing: &[&str]) {
    let message = format!(
        "{resource}.{RBAC_GROUP} \"{name}\" is forbidden: {}\n{}",
        held_by(who),
        missing.join("\n")
    );
    let status = assert_failure(reply, 403, "Forbidden", &message);
    assert_eq!(
        status["details"],
        json!({"name": name, "group": RBAC_GROUP, "kind": resource})
    );
}

/// Namespace `team`, and ServiceAccount team/`name` bound there to a Role with `rules`.
async fn author(api: &Api, name: &str, rules: Value) -> Client {
    if api.get(&format!("/api/v1/namespaces/{TEAM}")).await.code == 404 {
        api.namespace(TEAM).await;
    }
    api.role(TEAM, name, rules).await;
    api.role_binding(
        TEAM,
        name,
        "Role",
        name,
        json!([service_account_subject(TEAM, name)]),
    )
    .await;
    api.identity(TEAM, name).await
}

fn writes_roles() -> Value {
    rule(&["create", "get", "update"], &[RBAC_GROUP], &["roles"])
}

fn reads_config_maps() -> Value {
    rule(&["get", "list"], &[""], &["configmaps"])
}

#[tokio::test]
async fn a_role_may_only_grant_what_its_author_holds() {
    let api = Api::start();
    let author = author(&api, "author", json!([writes_roles(), reads_config_maps()])).await;

    let reply = author
        .post(
            &roles(TEAM),
            &role_body(
                "deleter",
                json!([rule(&["delete"], &[""], &["configmaps"])]),
            ),
        )
        .await;
    assert_escalation(
        &reply,
        "roles",
        "deleter",
        "author",
        &[r#"{APIGroups:[""], Resources:["configmaps"], Verbs:["delete"]}"#],
    );
    // Only what is missing is listed, verbs of one resource together.
    let reply = author
        .post(
            &roles(TEAM),
            &role_body(
                "mixed",
                json!([
                    rule(&["get", "delete", "patch"], &[""], &["configmaps"]),
                    rule(&["get"], &[""], &["serviceaccounts"]),
                ]),
            ),
        )
        .await;
    assert_escalation(
        &reply,
        "roles",
        "mixed",
        "author",
        &[
            r#"{APIGroups:[""], Resources:["configmaps"], Verbs:["delete" "patch"]}"#,
            r#"{APIGroups:[""], Resources:["serviceaccounts"], Verbs:["get"]}"#,
        ],
    );
    assert_eq!(api.get(&format!("{}/deleter", roles(TEAM))).await.code, 404);

    // What it holds it may grant, narrowed or not, and change within those bounds.
    let lister = author
        .post(
            &roles(TEAM),
            &role_body("lister", json!([rule(&["list"], &[""], &["configmaps"])])),
        )
        .await
        .expect(201);
    let mut wider = lister.clone();
    wider["rules"] = json!([reads_config_maps()]);
    let wider = author
        .put(&format!("{}/lister", roles(TEAM)), &wider)
        .await
        .expect(200);
    // An update that adds a rule not held is refused like a create.
    let mut more = wider;
    more["rules"] = json!([
        reads_config_maps(),
        rule(&["delete"], &[""], &["configmaps"])
    ]);
    assert_escalation(
        &author.put(&format!("{}/lister", roles(TEAM)), &more).await,
        "roles",
        "lister",
        "author",
        &[r#"{APIGroups:[""], Resources:["configmaps"], Verbs:["delete"]}"#],
    );
}

#[tokio::test]
async fn the_escalate_verb_lets_its_holder_grant_more_than_it_holds() {
    let api = Api::start();
    let author = author(
        &api,
        "author",
        json!([
            writes_roles(),
            rule(&["escalate"], &[RBAC_GROUP], &["roles"]),
        ]),
    )
    .await;
    let created = author
        .post(
            &roles(TEAM),
            &role_body(
                "deleter",
                json!([rule(&["delete"], &[""], &["configmaps"])]),
            ),
        )
        .await
        .expect(201);
    assert_eq!(created["rules"][0]["verbs"], json!(["delete"]));
    // Escalating does not mean holding: the author still cannot delete.
    api.config_map(TEAM, "x", json!({})).await;
    assert_eq!(
        author
            .delete(
                &format!("/api/v1/namespaces/{TEAM}/configmaps/x"),
                &json!({})
            )
            .await
            .code,
        403
    );
}

#[tokio::test]
async fn escalate_limited_to_a_name_applies_to_updates_of_that_role_not_to_creates() {
    let api = Api::start();
    let author = author(
        &api,
        "author",
        json!([
            writes_roles(),
            named_rule(&["escalate"], &[RBAC_GROUP], &["roles"], &["deleter"]),
        ]),
    )
    .await;
    let deleter = role_body(
        "deleter",
        json!([rule(&["delete"], &[""], &["configmaps"])]),
    );
    // kube authorizes `escalate` with the name in the request's path: a create has none.
    assert_escalation(
        &author.post(&roles(TEAM), &deleter).await,
        "roles",
        "deleter",
        "author",
        &[r#"{APIGroups:[""], Resources:["configmaps"], Verbs:["delete"]}"#],
    );
    let created = api
        .role(
            TEAM,
            "deleter",
            json!([rule(&["get"], &[""], &["configmaps"])]),
        )
        .await;
    let mut changed = created;
    changed["rules"] = deleter["rules"].clone();
    author
        .put(&format!("{}/deleter", roles(TEAM)), &changed)
        .await
        .expect(200);
}

#[tokio::test]
async fn a_binding_may_only_grant_what_its_author_holds_unless_it_may_bind_that_role() {
    let api = Api::start();
    let binder = author(
        &api,
        "binder",
        json!([
            rule(
                &["create", "update", "get"],
                &[RBAC_GROUP],
                &["rolebindings"]
            ),
            reads_config_maps(),
        ]),
    )
    .await;
    api.cluster_role("cm-getter", json!([rule(&["get"], &[""], &["configmaps"])]))
        .await;
    api.cluster_role(
        "cm-deleter",
        json!([rule(&["delete"], &[""], &["configmaps"])]),
    )
    .await;
    api.cluster_role(
        "sa-deleter",
        json!([rule(&["delete"], &[""], &["serviceaccounts"])]),
    )
    .await;
    let subjects = json!([user_subject("alice")]);

    // Held: fine.
    binder
        .post(
            &role_bindings(TEAM),
            &role_binding_body("getters", "ClusterRole", "cm-getter", subjects.clone()),
        )
        .await
        .expect(201);
    // Not held: refused with what is missing.
    let reply = binder
        .post(
            &role_bindings(TEAM),
            &role_binding_body("deleters", "ClusterRole", "cm-deleter", subjects.clone()),
        )
        .await;
    assert_escalation(
        &reply,
        "rolebindings",
        "deleters",
        "binder",
        &[r#"{APIGroups:[""], Resources:["configmaps"], Verbs:["delete"]}"#],
    );
    // A role that does not exist cannot be bound by one who may not bind it.
    let reply = binder
        .post(
            &role_bindings(TEAM),
            &role_binding_body("ghosts", "Role", "ghost", subjects.clone()),
        )
        .await;
    assert_failure(
        &reply,
        403,
        "Forbidden",
        r#"rolebindings.rbac.authorization.k8s.io "ghosts" is forbidden: roles.rbac.authorization.k8s.io "ghost" not found"#,
    );

    // `bind` on that one ClusterRole (by name) lets it bind that role, and only that one.
    api.cluster_role(
        "bind-cm-deleter",
        json!([named_rule(
            &["bind"],
            &[RBAC_GROUP],
            &["clusterroles"],
            &["cm-deleter"]
        )]),
    )
    .await;
    api.role_binding(
        TEAM,
        "binder-may-bind",
        "ClusterRole",
        "bind-cm-deleter",
        json!([service_account_subject(TEAM, "binder")]),
    )
    .await;
    binder
        .post(
            &role_bindings(TEAM),
            &role_binding_body("deleters", "ClusterRole", "cm-deleter", subjects.clone()),
        )
        .await
        .expect(201);
    let reply = binder
        .post(
            &role_bindings(TEAM),
            &role_binding_body("sa-deleters", "ClusterRole", "sa-deleter", subjects),
        )
        .await;
    assert_escalation(
        &reply,
        "rolebindings",
        "sa-deleters",
        "binder",
        &[r#"{APIGroups:[""], Resources:["serviceaccounts"], Verbs:["delete"]}"#],
    );

    // A ClusterRoleBinding grants everywhere: only rules held cluster-wide count.
    api.cluster_role(
        "crb-writer",
        json!([rule(&["create"], &[RBAC_GROUP], &["clusterrolebindings"])]),
    )
    .await;
    api.cluster_role_binding(
        "binder-crb",
        "crb-writer",
        json!([service_account_subject(TEAM, "binder")]),
    )
    .await;
    let reply = binder
        .post(
            &cluster_role_bindings(),
            &cluster_role_binding_body("getters", "cm-getter", json!([user_subject("alice")])),
        )
        .await;
    assert_escalation(
        &reply,
        "clusterrolebindings",
        "getters",
        "binder",
        &[r#"{APIGroups:[""], Resources:["configmaps"], Verbs:["get"]}"#],
    );

    // Changing who a binding grants to is binding too.
    let theirs = api
        .role_binding(
            TEAM,
            "theirs",
            "ClusterRole",
            "sa-deleter",
            json!([user_subject("bob")]),
        )
        .await;
    let mut widened = theirs;
    widened["subjects"] = json!([user_subject("bob"), user_subject("mallory")]);
    assert_escalation(
        &binder
            .put(&format!("{}/theirs", role_bindings(TEAM)), &widened)
            .await,
        "rolebindings",
        "theirs",
        "binder",
        &[r#"{APIGroups:[""], Resources:["serviceaccounts"], Verbs:["delete"]}"#],
    );
}

#[tokio::test]
async fn a_namespace_admin_cannot_bind_itself_to_cluster_admin() {
    let api = Api::start();
    api.namespace(TEAM).await;
    api.role_binding(
        TEAM,
        "team-admin",
        "ClusterRole",
        "admin",
        json!([service_account_subject(TEAM, "lead")]),
    )
    .await;
    // `admin` aggregates asynchronously (from `edit`, which aggregates `view`): wait until it
    // holds the rules of every level.
    api.wait_for_cluster_role("admin", |role| {
        let rules = role["rules"].to_string();
        ["rolebindings", "impersonate", "watch"]
            .iter()
            .all(|marker| rules.contains(marker))
    })
    .await;
    let lead = api.identity(TEAM, "lead").await;
    let me = json!([service_account_subject(TEAM, "lead")]);

    let reply = lead
        .post(
            &role_bindings(TEAM),
            &role_binding_body("power", "ClusterRole", "cluster-admin", me.clone()),
        )
        .await;
    assert_escalation(
        &reply,
        "rolebindings",
        "power",
        "lead",
        &[
            r#"{APIGroups:["*"], Resources:["*"], Verbs:["*"]}"#,
            r#"{NonResourceURLs:["*"], Verbs:["*"]}"#,
        ],
    );
    // A ClusterRoleBinding it may not even create.
    let reply = lead
        .post(
            &cluster_role_bindings(),
            &cluster_role_binding_body("power", "cluster-admin", me.clone()),
        )
        .await;
    assert_failure(
        &reply,
        403,
        "Forbidden",
        &format!(
            r#"clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "{}" cannot create resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope"#,
            username(TEAM, "lead")
        ),
    );
    // What admin holds in its namespace it may hand on there.
    lead.post(
        &role_bindings(TEAM),
        &role_binding_body(
            "helpers",
            "ClusterRole",
            "edit",
            json!([user_subject("bob")]),
        ),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn an_aggregation_rule_needs_full_authority_or_escalate() {
    let api = Api::start();
    api.namespace(TEAM).await;
    api.cluster_role(
        "cluster-author",
        json!([rule(
            &["create", "get", "update"],
            &[RBAC_GROUP],
            &["clusterroles"]
        )]),
    )
    .await;
    api.cluster_role_binding(
        "cluster-author",
        "cluster-author",
        json!([service_account_subject(TEAM, "author")]),
    )
    .await;
    let author = api.identity(TEAM, "author").await;
    let aggregating = |name: &str| {
        let mut role = cluster_role_body(name, json!([]));
        role["aggregationRule"] =
            json!({"clusterRoleSelectors": [{"matchLabels": {"example.com/aggregate": "true"}}]});
        role
    };

    let refused = |name: &str| {
        format!(
            r#"clusterroles.rbac.authorization.k8s.io "{name}" is forbidden: must have cluster-admin privileges to use the aggregationRule"#
        )
    };
    let status = assert_failure(
        &author.post(&cluster_roles(), &aggregating("agg")).await,
        403,
        "Forbidden",
        &refused("agg"),
    );
    assert_eq!(
        status["details"],
        json!({"name": "agg", "group": RBAC_GROUP, "kind": "clusterroles"})
    );
    // A plain ClusterRole with rules it holds is fine.
    author
        .post(
            &cluster_roles(),
            &cluster_role_body(
                "plain",
                json!([rule(&["get"], &[RBAC_GROUP], &["clusterroles"])]),
            ),
        )
        .await
        .expect(201);
    // Changing a role that aggregates needs full authority too, whatever the change.
    api.post(&cluster_roles(), &aggregating("theirs"))
        .await
        .expect(201);
    let mut theirs = api
        .get(&format!("{}/theirs", cluster_roles()))
        .await
        .expect(200);
    theirs["metadata"]["labels"] = json!({"team": "x"});
    assert_failure(
        &author
            .put(&format!("{}/theirs", cluster_roles()), &theirs)
            .await,
        403,
        "Forbidden",
        &refused("theirs"),
    );

    // `escalate` on clusterroles lifts every check, as upstream.
    api.cluster_role(
        "cluster-escalator",
        json!([rule(&["escalate"], &[RBAC_GROUP], &["clusterroles"])]),
    )
    .await;
    api.cluster_role_binding(
        "cluster-escalator",
        "cluster-escalator",
        json!([service_account_subject(TEAM, "author")]),
    )
    .await;
    author
        .post(&cluster_roles(), &aggregating("agg"))
        .await
        .expect(201);
}

#[tokio::test]
async fn system_masters_are_never_refused() {
    let api = Api::start();
    api.namespace(TEAM).await;
    api.role(TEAM, "anything", json!([rule(&["*"], &["*"], &["*"])]))
        .await;
    api.role_binding(
        TEAM,
        "anything",
        "ClusterRole",
        "cluster-admin",
        json!([user_subject("alice")]),
    )
    .await;
    api.role_binding(
        TEAM,
        "ghost",
        "Role",
        "ghost",
        json!([user_subject("alice")]),
    )
    .await;
    let mut aggregating = cluster_role_body("agg", json!([]));
    aggregating["aggregationRule"] =
        json!({"clusterRoleSelectors": [{"matchLabels": {"example.com/aggregate": "true"}}]});
    api.post(&cluster_roles(), &aggregating).await.expect(201);
    api.cluster_role_binding("power", "cluster-admin", json!([user_subject("alice")]))
        .await;
}
