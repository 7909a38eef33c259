//! Requests without a credential: `system:anonymous` in `system:unauthenticated` may read what
//! the preset bindings let it read (version, health, the OIDC documents) and gets 401 for the
//! rest, unless someone binds it to more.

use serde_json::json;

use crate::accounts::{cluster_role_bindings, group_subject, rule};
use crate::support::{Api, Reply};

#[track_caller]
fn assert_unauthorized(reply: &Reply, path: &str) {
    assert_eq!(reply.code, 401, "{path}: {}", reply.text());
    assert_eq!(reply.content_type(), "application/json", "{path}");
    assert_eq!(
        reply.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "Unauthorized", "reason": "Unauthorized", "code": 401}),
        "{path}"
    );
}

#[tokio::test]
async fn anonymous_may_read_version_health_and_the_oidc_documents() {
    let api = Api::start();
    let anonymous = api.anonymous();
    for path in ["/version", "/healthz", "/livez", "/readyz"] {
        let reply = anonymous.get(path).await;
        assert_eq!(reply.code, 200, "{path}: {}", reply.text());
    }
    let configuration = anonymous
        .get("/.well-known/openid-configuration")
        .await
        .expect(200);
    assert_eq!(configuration["issuer"], api.hub.url.as_str());
    let jwks = anonymous.get("/openid/v1/jwks").await;
    assert_eq!(jwks.content_type(), "application/jwk-set+json");
    assert!(
        jwks.expect(200)["keys"]
            .as_array()
            .is_some_and(|k| !k.is_empty())
    );
}

#[tokio::test]
async fn anonymous_gets_401_for_everything_else() {
    let api = Api::start();
    let anonymous = api.anonymous();
    for path in [
        "/api",
        "/apis",
        "/api/v1",
        "/apis/rbac.authorization.k8s.io/v1",
        "/openapi/v3",
        "/api/v1/namespaces",
        "/api/v1/namespaces/default/serviceaccounts",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
    ] {
        assert_unauthorized(&anonymous.get(path).await, path);
    }
    // Not even who it is, or what it may do.
    let review = json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"});
    let path = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    assert_unauthorized(&anonymous.post(path, &review).await, path);
}

#[tokio::test]
async fn explicitly_bound_anonymous_access_works_and_ends_with_its_binding() {
    let api = Api::start();
    let anonymous = api.anonymous();
    assert_unauthorized(
        &anonymous.get("/api/v1/namespaces").await,
        "/api/v1/namespaces",
    );
    api.cluster_role(
        "namespace-lister",
        json!([rule(&["list"], &[""], &["namespaces"])]),
    )
    .await;
    api.cluster_role_binding(
        "anonymous-namespaces",
        "namespace-lister",
        json!([group_subject("system:unauthenticated")]),
    )
    .await;

    let list = anonymous.get("/api/v1/namespaces").await.expect(200);
    assert!(
        crate::support::names(&list).contains(&"default".to_string()),
        "{list}"
    );
    // Only what was bound: not a get, not another resource.
    for path in [
        "/api/v1/namespaces/default",
        "/api/v1/namespaces/default/configmaps",
    ] {
        assert_unauthorized(&anonymous.get(path).await, path);
    }

    api.delete(
        &format!("{}/anonymous-namespaces", cluster_role_bindings()),
        &json!({}),
    )
    .await
    .expect(200);
    assert_unauthorized(
        &anonymous.get("/api/v1/namespaces").await,
        "/api/v1/namespaces",
    );
}

#[tokio::test]
async fn anonymous_public_paths_follow_their_binding_too() {
    let api = Api::start();
    let anonymous = api.anonymous();
    // The public-info binding is what lets anonymous read the version.
    api.delete(
        &format!("{}/system:public-info-viewer", cluster_role_bindings()),
        &json!({}),
    )
    .await
    .expect(200);
    assert_unauthorized(&anonymous.get("/version").await, "/version");
    assert_unauthorized(&anonymous.get("/healthz").await, "/healthz");
    // The OIDC documents have a binding of their own.
    anonymous
        .get("/.well-known/openid-configuration")
        .await
        .expect(200);
    // Authenticated identities still read the version through system:discovery.
    let bot = api.identity("default", "bot").await;
    bot.get("/version").await.expect(200);
}
