//! Impersonation headers (`kubectl --as`, `--as-group`, `--as-uid`): the caller acts as another
//! identity when RBAC grants it the `impersonate` verb on each part of that identity.

use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::accounts::{named_rule, rule, service_account_subject, user_subject, username};
use crate::support::{Api, Client, Reply, assert_failure, assert_failure_code};

const WHOAMI: &str = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

/// A SelfSubjectReview sent by `client` with the impersonation `headers`.
async fn whoami_as(client: &Client, headers: &[(&str, &str)]) -> Reply {
    let mut request = client
        .request(Method::POST, WHOAMI)
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/json")
        .body(
            json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
                .to_string(),
        );
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    client.send(request).await
}

fn user_info(reply: &Reply) -> Value {
    reply.expect(201)["status"]["userInfo"].clone()
}

/// GET `path` as `client` with the impersonation `headers`.
async fn get_as(client: &Client, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = client
        .request(Method::GET, path)
        .header(ACCEPT, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    client.send(request).await
}

#[tokio::test]
async fn the_admin_acts_as_the_impersonated_user_and_groups() {
    let api = Api::start();
    let info = user_info(
        &whoami_as(
            &api,
            &[
                ("Impersonate-User", "bob"),
                ("Impersonate-Group", "devs"),
                ("Impersonate-Group", "ops"),
            ],
        )
        .await,
    );
    assert_eq!(
        info,
        json!({"username": "bob", "groups": ["devs", "ops", "system:authenticated"]})
    );

    // A uid and extras are carried over; extra keys are percent-decoded and lower-cased.
    let info = user_info(
        &whoami_as(
            &api,
            &[
                ("Impersonate-User", "bob"),
                ("Impersonate-Uid", "1234"),
                ("Impersonate-Extra-Scopes", "view"),
                ("Impersonate-Extra-Scopes", "edit"),
                ("Impersonate-Extra-Example.com%2FTeam", "red"),
            ],
        )
        .await,
    );
    assert_eq!(info["username"], "bob");
    assert_eq!(info["uid"], "1234");
    assert_eq!(info["groups"], json!(["system:authenticated"]));
    assert_eq!(
        info["extra"],
        json!({"scopes": ["view", "edit"], "example.com/team": ["red"]})
    );

    // bob may do nothing, and the refusal names bob.
    assert_failure(
        &get_as(
            &api,
            "/api/v1/namespaces/default/configmaps",
            &[("Impersonate-User", "bob")],
        )
        .await,
        403,
        "Forbidden",
        r#"configmaps is forbidden: User "bob" cannot list resource "configmaps" in API group "" in the namespace "default""#,
    );
    // Impersonating a member of system:masters is being one.
    get_as(
        &api,
        "/api/v1/namespaces/default/configmaps",
        &[
            ("Impersonate-User", "bob"),
            ("Impersonate-Group", "system:masters"),
        ],
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn impersonating_service_accounts_and_anonymous_completes_their_groups_as_kube_does() {
    let api = Api::start();
    let bot = username("default", "bot");
    let info = user_info(&whoami_as(&api, &[("Impersonate-User", &bot)]).await);
    assert_eq!(
        info,
        json!({"username": bot, "groups": crate::accounts::groups("default")})
    );
    // Groups given: only those, plus system:authenticated.
    let info = user_info(
        &whoami_as(
            &api,
            &[("Impersonate-User", &bot), ("Impersonate-Group", "devs")],
        )
        .await,
    );
    assert_eq!(info["groups"], json!(["devs", "system:authenticated"]));
    // Anonymous is unauthenticated; an identity said to be unauthenticated is not made
    // authenticated. (Anonymous may ask who it is only when bound to.)
    api.cluster_role_binding(
        "anonymous-whoami",
        "system:basic-user",
        json!([crate::accounts::group_subject("system:unauthenticated")]),
    )
    .await;
    let info = user_info(&whoami_as(&api, &[("Impersonate-User", "system:anonymous")]).await);
    assert_eq!(
        info,
        json!({"username": "system:anonymous", "groups": ["system:unauthenticated"]})
    );
    let info = user_info(
        &whoami_as(
            &api,
            &[
                ("Impersonate-User", "carol"),
                ("Impersonate-Group", "system:unauthenticated"),
            ],
        )
        .await,
    );
    assert_eq!(info["groups"], json!(["system:unauthenticated"]));
}

#[tokio::test]
async fn a_service_account_without_the_impersonate_verb_is_refused() {
    let api = Api::start();
    let bot = api.identity("default", "bot").await;
    let reply = whoami_as(&bot, &[("Impersonate-User", "bob")]).await;
    let status = assert_failure(
        &reply,
        403,
        "Forbidden",
        &format!(
            r#"users "bob" is forbidden: User "{}" cannot impersonate resource "users" in API group "" at the cluster scope"#,
            username("default", "bot")
        ),
    );
    assert_eq!(status["details"], json!({"name": "bob", "kind": "users"}));
    // Without impersonation the same request works: every identity may ask who it is.
    let info = user_info(&whoami_as(&bot, &[]).await);
    assert_eq!(info["username"], username("default", "bot"));
}

#[tokio::test]
async fn groups_a_uid_or_extras_without_a_user_are_a_bad_request() {
    let api = Api::start();
    for header in [
        ("Impersonate-Group", "devs"),
        ("Impersonate-Uid", "1234"),
        ("Impersonate-Extra-Scopes", "view"),
    ] {
        let status = assert_failure_code(&whoami_as(&api, &[header]).await, 400, "BadRequest");
        assert!(
            status["message"]
                .as_str()
                .is_some_and(|m| m.contains("without impersonating a user")),
            "{status}"
        );
    }
}

#[tokio::test]
async fn the_impersonate_verb_is_granted_per_user_group_uid_and_service_account() {
    let api = Api::start();
    api.namespace("other").await;
    api.cluster_role(
        "impersonate-bob",
        json!([named_rule(&["impersonate"], &[""], &["users"], &["bob"])]),
    )
    .await;
    api.cluster_role_binding(
        "sudo-bob",
        "impersonate-bob",
        json!([service_account_subject("default", "sudo")]),
    )
    .await;
    // bob himself may read ConfigMaps in default; the ServiceAccount may not.
    api.role_binding(
        "default",
        "bob-views",
        "ClusterRole",
        "view",
        json!([user_subject("bob")]),
    )
    .await;
    let sudo = api.identity("default", "sudo").await;
    let who = username("default", "sudo");
    let configmaps = "/api/v1/namespaces/default/configmaps";

    assert_eq!(get_as(&sudo, configmaps, &[]).await.code, 403);
    get_as(&sudo, configmaps, &[("Impersonate-User", "bob")])
        .await
        .expect(200);
    let info = user_info(&whoami_as(&sudo, &[("Impersonate-User", "bob")]).await);
    assert_eq!(
        info,
        json!({"username": "bob", "groups": ["system:authenticated"]})
    );
    assert_failure(
        &whoami_as(&sudo, &[("Impersonate-User", "carol")]).await,
        403,
        "Forbidden",
        &format!(
            r#"users "carol" is forbidden: User "{who}" cannot impersonate resource "users" in API group "" at the cluster scope"#
        ),
    );
    // Each group and the uid need their own grant.
    assert_failure(
        &whoami_as(
            &sudo,
            &[("Impersonate-User", "bob"), ("Impersonate-Group", "devs")],
        )
        .await,
        403,
        "Forbidden",
        &format!(
            r#"groups "devs" is forbidden: User "{who}" cannot impersonate resource "groups" in API group "" at the cluster scope"#
        ),
    );
    assert_failure(
        &whoami_as(
            &sudo,
            &[("Impersonate-User", "bob"), ("Impersonate-Uid", "1234")],
        )
        .await,
        403,
        "Forbidden",
        &format!(
            r#"uids.authentication.k8s.io "1234" is forbidden: User "{who}" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope"#
        ),
    );
    api.cluster_role(
        "impersonate-devs",
        json!([
            named_rule(&["impersonate"], &[""], &["groups"], &["devs"]),
            rule(&["impersonate"], &["authentication.k8s.io"], &["uids"]),
        ]),
    )
    .await;
    api.cluster_role_binding(
        "sudo-devs",
        "impersonate-devs",
        json!([service_account_subject("default", "sudo")]),
    )
    .await;
    let info = user_info(
        &whoami_as(
            &sudo,
            &[
                ("Impersonate-User", "bob"),
                ("Impersonate-Group", "devs"),
                ("Impersonate-Uid", "1234"),
            ],
        )
        .await,
    );
    assert_eq!(
        info,
        json!({"username": "bob", "uid": "1234", "groups": ["devs", "system:authenticated"]})
    );

    // ServiceAccounts are impersonated as `serviceaccounts` in their namespace.
    api.role(
        "default",
        "impersonate-accounts",
        json!([rule(&["impersonate"], &[""], &["serviceaccounts"])]),
    )
    .await;
    api.role_binding(
        "default",
        "sudo-accounts",
        "Role",
        "impersonate-accounts",
        json!([service_account_subject("default", "sudo")]),
    )
    .await;
    let target = username("default", "target");
    let info = user_info(&whoami_as(&sudo, &[("Impersonate-User", &target)]).await);
    assert_eq!(info["username"], target.as_str());
    assert_failure(
        &whoami_as(&sudo, &[("Impersonate-User", &username("other", "target"))]).await,
        403,
        "Forbidden",
        &format!(
            r#"serviceaccounts "target" is forbidden: User "{who}" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "other""#
        ),
    );
}
