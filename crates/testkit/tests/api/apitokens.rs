//! APITokens (issue 5): an ID and a secret shown once, a role bound by a ClusterRoleBinding the
//! token owns, regenerate and delete that kill the old secret at once, expiry, lastUsedAt
//! written behind, and nobody minting a token stronger than themselves.

use std::time::Duration;

use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::accounts::{cluster_role_binding_body, cluster_role_bindings, service_account_subject};
use crate::support::{Api, assert_failure_code};
use tokenhub_core::clock::Clock;

const API_TOKENS: &str = "/apis/tokenhub.io/v1/apitokens";

fn body(display_name: &str, role: &str) -> Value {
    json!({"apiVersion": "tokenhub.io/v1", "kind": "APIToken", "spec": {"displayName": display_name, "role": role}})
}

fn whoami() -> Value {
    json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
}

#[tokio::test]
async fn a_user_token_views_writes_nothing_and_is_service_account_named() {
    let api = Api::start();
    let created = api.post(API_TOKENS, &json!({"apiVersion": "tokenhub.io/v1", "kind": "APIToken", "metadata": {"name": "mine"}, "spec": {"displayName": "ci", "role": "User"}})).await.expect(201);
    let id = created["metadata"]["name"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 22, "the hub makes the ID: {id}");
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    let secret = created["status"]["secret"].as_str().unwrap();
    let bearer = created["status"]["bearerToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        bearer.starts_with(&format!("tha_{id}_{secret}")),
        "{bearer}"
    );
    assert_eq!(
        created["status"]["username"],
        format!("service-account-{}", id.to_lowercase())
    );
    assert_eq!(created["status"]["createdBy"], "admin");

    // The secret is never shown again.
    let read = api.get(&format!("{API_TOKENS}/{id}")).await.expect(200);
    assert!(
        read["status"].get("secret").is_none() && read["status"].get("bearerToken").is_none(),
        "{read}"
    );
    let listed = api.get(API_TOKENS).await.expect(200);
    assert!(!listed.to_string().contains(secret));

    // Its role: a ClusterRoleBinding to view that the token owns.
    let binding = api
        .get(&format!(
            "{}/apitoken-{}",
            cluster_role_bindings(),
            id.to_lowercase()
        ))
        .await
        .expect(200);
    assert_eq!(binding["roleRef"]["name"], "view");
    assert_eq!(
        binding["metadata"]["ownerReferences"][0]["uid"],
        created["metadata"]["uid"]
    );
    // Made in the token's own transaction, with the metadata any object has.
    assert_eq!(
        binding["metadata"]["creationTimestamp"],
        created["metadata"]["creationTimestamp"]
    );
    assert_eq!(binding["metadata"]["uid"].as_str().map(str::len), Some(36));
    assert_ne!(binding["metadata"]["uid"], created["metadata"]["uid"]);

    let token = api.with_token(&bearer);
    let me = token
        .post(
            "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            &whoami(),
        )
        .await
        .expect(201);
    assert_eq!(
        me["status"]["userInfo"]["username"],
        format!("service-account-{}", id.to_lowercase())
    );
    assert_eq!(
        me["status"]["userInfo"]["groups"],
        json!(["tokenhub:apitokens", "system:authenticated"])
    );
    token
        .get("/api/v1/namespaces/default/configmaps")
        .await
        .expect(200);
    let refused = token
        .post(
            "/api/v1/namespaces/default/configmaps",
            &json!({"metadata": {"name": "x"}}),
        )
        .await;
    assert_failure_code(&refused, 403, "Forbidden");

    // A RoleBinding to that user grants more, as to any user.
    api.post(
        "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
        &json!({
            "metadata": {"name": "ci-edit"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": format!("service-account-{}", id.to_lowercase())}],
        }),
    )
    .await
    .expect(201);
    token
        .post(
            "/api/v1/namespaces/default/configmaps",
            &json!({"metadata": {"name": "x"}}),
        )
        .await
        .expect(201);
    assert_failure_code(
        &token
            .post(
                "/api/v1/namespaces/kube-public/configmaps",
                &json!({"metadata": {"name": "x"}}),
            )
            .await,
        403,
        "Forbidden",
    );
}

#[tokio::test]
async fn regenerate_and_delete_kill_the_old_secret_at_once() {
    let (api, clock) = Api::with_manual_clock();
    let seconds = |t: jiff::Timestamp| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let created = api.post(API_TOKENS, &body("ci", "User")).await.expect(201);
    assert_eq!(
        created["status"]["secretRegeneratedAt"],
        seconds(clock.now())
    );
    let id = created["metadata"]["name"].as_str().unwrap().to_string();
    let old = created["status"]["bearerToken"]
        .as_str()
        .unwrap()
        .to_string();
    api.with_token(&old)
        .get("/api/v1/namespaces")
        .await
        .expect(200);

    clock.advance(SignedDuration::from_hours(1));
    let regenerated = api
        .post(&format!("{API_TOKENS}/{id}/regenerate"), &json!({}))
        .await
        .expect(201);
    assert_eq!(regenerated["metadata"]["name"], id.as_str());
    let regenerated_at = seconds(clock.now());
    assert_eq!(regenerated["status"]["secretRegeneratedAt"], regenerated_at);
    let read = api.get(&format!("{API_TOKENS}/{id}")).await.expect(200);
    assert_eq!(read["status"]["secretRegeneratedAt"], regenerated_at);
    assert!(read["status"].get("secret").is_none(), "{read}");
    let new = regenerated["status"]["bearerToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new, old);
    assert_failure_code(
        &api.with_token(&old).get("/api/v1/namespaces").await,
        401,
        "Unauthorized",
    );
    api.with_token(&new)
        .get("/api/v1/namespaces")
        .await
        .expect(200);

    let binding = format!("{}/apitoken-{}", cluster_role_bindings(), id.to_lowercase());
    api.get(&binding).await.expect(200);
    api.delete(&format!("{API_TOKENS}/{id}"), &json!({}))
        .await
        .expect(200);
    assert_failure_code(
        &api.with_token(&new).get("/api/v1/namespaces").await,
        401,
        "Unauthorized",
    );
    // Its role went with it, in the same write.
    assert_failure_code(&api.get(&binding).await, 404, "NotFound");
    assert_failure_code(
        &api.post(&format!("{API_TOKENS}/{id}/regenerate"), &json!({}))
            .await,
        404,
        "NotFound",
    );
}

#[tokio::test]
async fn a_typo_an_unknown_id_and_an_expired_token_are_refused() {
    let (api, clock) = Api::with_manual_clock();
    let expires = tokenhub_core::clock::Clock::now(&*clock) + SignedDuration::from_hours(1);
    let mut request = body("short-lived", "User");
    request["spec"]["expiresAt"] = json!(expires.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
    let created = api.post(API_TOKENS, &request).await.expect(201);
    let bearer = created["status"]["bearerToken"]
        .as_str()
        .unwrap()
        .to_string();
    api.with_token(&bearer)
        .get("/api/v1/namespaces")
        .await
        .expect(200);

    let mut typo = bearer.clone().into_bytes();
    let last = typo.len() - 8;
    typo[last] = if typo[last] == b'a' { b'b' } else { b'a' };
    let typo = String::from_utf8(typo).unwrap();
    assert_failure_code(
        &api.with_token(&typo).get("/api/v1/namespaces").await,
        401,
        "Unauthorized",
    );

    clock.advance(SignedDuration::from_hours(2));
    assert_failure_code(
        &api.with_token(&bearer).get("/api/v1/namespaces").await,
        401,
        "Unauthorized",
    );
}

#[tokio::test]
async fn nobody_mints_a_token_stronger_than_themselves() {
    let api = Api::start();
    // hub-admin manages API tokens, but is not cluster-admin.
    let boss = api.identity("default", "boss").await;
    api.cluster_role_binding(
        "boss",
        "hub-admin",
        json!([service_account_subject("default", "boss")]),
    )
    .await;
    boss.post(API_TOKENS, &body("viewer", "User"))
        .await
        .expect(201);
    let refused = boss.post(API_TOKENS, &body("root", "Administrator")).await;
    let status = assert_failure_code(&refused, 403, "Forbidden");
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .contains("is attempting to grant RBAC permissions not currently held"),
        "{status}"
    );

    // hub-guest and edit may not create API tokens at all.
    for (name, role) in [("guest", "hub-guest"), ("editor", "edit")] {
        let who = api.identity("default", name).await;
        api.post(
            &cluster_role_bindings(),
            &cluster_role_binding_body(
                name,
                role,
                json!([service_account_subject("default", name)]),
            ),
        )
        .await
        .expect(201);
        assert_failure_code(
            &who.post(API_TOKENS, &body("x", "User")).await,
            403,
            "Forbidden",
        );
    }

    // An Administrator token made by cluster-admin can do what cluster-admin can.
    let root = api
        .post(API_TOKENS, &body("root", "Administrator"))
        .await
        .expect(201);
    let root = api.with_token(root["status"]["bearerToken"].as_str().unwrap());
    root.post(
        "/api/v1/namespaces",
        &json!({"metadata": {"name": "made-by-root"}}),
    )
    .await
    .expect(201);
    root.post(API_TOKENS, &body("child", "Administrator"))
        .await
        .expect(201);
}

#[tokio::test]
async fn only_the_display_name_and_description_change() {
    let api = Api::start();
    let created = api.post(API_TOKENS, &body("ci", "User")).await.expect(201);
    let id = created["metadata"]["name"].as_str().unwrap().to_string();
    let patched = api
        .patch(
            &format!("{API_TOKENS}/{id}"),
            "application/merge-patch+json",
            &json!({"spec": {"displayName": "ci-2", "description": "nightly"}}),
        )
        .await
        .expect(200);
    assert_eq!(patched["spec"]["displayName"], "ci-2");
    let refused = api
        .patch(
            &format!("{API_TOKENS}/{id}"),
            "application/merge-patch+json",
            &json!({"spec": {"role": "Administrator"}}),
        )
        .await;
    assert_failure_code(&refused, 422, "Invalid");
    let missing = api
        .post(
            API_TOKENS,
            &json!({"apiVersion": "tokenhub.io/v1", "kind": "APIToken", "spec": {"role": "Root"}}),
        )
        .await;
    let status = assert_failure_code(&missing, 422, "Invalid");
    let fields: Vec<&str> = status["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"spec.displayName") && fields.contains(&"spec.role"),
        "{status}"
    );
}

#[tokio::test]
async fn last_used_at_is_written_behind_at_most_once_a_minute() {
    let (api, clock) =
        Api::with_manual_clock_and(|o| o.last_used_flush = Duration::from_millis(20));
    let created = api.post(API_TOKENS, &body("ci", "User")).await.expect(201);
    assert!(created["status"].get("lastUsedAt").is_none(), "{created}");
    let id = created["metadata"]["name"].as_str().unwrap().to_string();
    let machine = api.with_token(created["status"]["bearerToken"].as_str().unwrap());
    let modified_with_last_use = |e: &Value| {
        e["type"] == "MODIFIED"
            && e["object"]["metadata"]["name"] == id.as_str()
            && e["object"]["status"]["lastUsedAt"].is_string()
    };
    let seconds = |t: jiff::Timestamp| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();

    let since = created["metadata"]["resourceVersion"].as_str().unwrap();
    let first_use = clock.now();
    machine.get("/api/v1/namespaces").await.expect(200);
    let event = api
        .wait_for_event(API_TOKENS, since, modified_with_last_use)
        .await;
    assert_eq!(event["object"]["status"]["lastUsedAt"], seconds(first_use));
    let since = event["object"]["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();

    // Again within the minute: nothing written; after it, the newer time.
    clock.advance(SignedDuration::from_secs(30));
    machine.get("/api/v1/namespaces").await.expect(200);
    clock.advance(SignedDuration::from_secs(31));
    let later_use = clock.now();
    machine.get("/api/v1/namespaces").await.expect(200);
    let event = api
        .wait_for_event(API_TOKENS, &since, modified_with_last_use)
        .await;
    assert_eq!(
        event["object"]["status"]["lastUsedAt"],
        seconds(later_use),
        "the use 30 s after the first was not written: {event}"
    );
}
