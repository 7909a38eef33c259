//! Authentication: version and health are public; everything else wants a valid bearer token,
//! and a wrong token is refused everywhere (as kube-apiserver does).

use reqwest::header::AUTHORIZATION;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Api, Reply};

fn assert_unauthorized(reply: &Reply) {
    assert_eq!(reply.code, 401, "{}", reply.text());
    assert_eq!(reply.content_type(), "application/json");
    assert_eq!(
        reply.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "Unauthorized", "reason": "Unauthorized", "code": 401})
    );
}

async fn send(client: &reqwest::Client, method: Method, url: String) -> Reply {
    let response = client
        .request(method, url)
        .header("content-type", "application/json")
        .body(r#"{"metadata":{"name":"sneaky"}}"#)
        .send()
        .await
        .expect("the hub answers");
    let code = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("a body").to_vec();
    Reply {
        code,
        headers,
        body,
    }
}

#[tokio::test]
async fn version_and_health_need_no_credentials() {
    let api = Api::start();
    let anonymous = api.hub.client_with_token(None);
    let reply = send(&anonymous, Method::GET, api.url("/version?timeout=5s")).await;
    assert_eq!(reply.content_type(), "application/json");
    let version = reply.expect(200);
    assert_eq!(version["major"], "1");
    assert_eq!(version["minor"], "32");
    assert!(
        version["gitVersion"]
            .as_str()
            .is_some_and(|v| v.starts_with("v1.32.")),
        "{version}"
    );
    for field in [
        "gitCommit",
        "gitTreeState",
        "buildDate",
        "goVersion",
        "compiler",
        "platform",
    ] {
        assert!(version[field].is_string(), "{field} in {version}");
    }
    for path in ["/healthz", "/livez", "/readyz"] {
        let reply = send(&anonymous, Method::GET, api.url(path)).await;
        assert_eq!((reply.code, reply.text().as_str()), (200, "ok"), "{path}");
    }
}

#[tokio::test]
async fn everything_else_is_401_without_a_token() {
    let api = Api::start();
    let anonymous = api.hub.client_with_token(None);
    for (method, path) in [
        (Method::GET, "/api"),
        (Method::GET, "/apis"),
        (Method::GET, "/api/v1"),
        (Method::GET, "/openapi/v3"),
        (Method::GET, "/api/v1/namespaces"),
        (
            Method::GET,
            "/api/v1/namespaces/default/configmaps?watch=true",
        ),
        (Method::GET, "/no/such/path"),
        (Method::POST, "/api/v1/namespaces/default/configmaps"),
        (Method::DELETE, "/api/v1/namespaces/kube-public"),
    ] {
        let reply = send(&anonymous, method.clone(), api.url(path)).await;
        assert_unauthorized(&reply);
    }
    // Nothing was written on the anonymous' behalf.
    assert_eq!(
        api.get("/api/v1/namespaces/default/configmaps/sneaky")
            .await
            .code,
        404
    );
    assert_eq!(api.get("/api/v1/namespaces/kube-public").await.code, 200);
}

#[tokio::test]
async fn a_wrong_token_is_401_even_on_public_paths() {
    let api = Api::start();
    let wrong = api.hub.client_with_token(Some("not-the-admin-token"));
    for path in [
        "/version",
        "/healthz",
        "/livez",
        "/readyz",
        "/api",
        "/api/v1/namespaces",
    ] {
        assert_unauthorized(&send(&wrong, Method::GET, api.url(path)).await);
    }
    // An almost-right token is as wrong as any other.
    let almost = &api.hub.admin_token[..api.hub.admin_token.len() - 1];
    let wrong = api.hub.client_with_token(Some(almost));
    assert_unauthorized(&send(&wrong, Method::GET, api.url("/api")).await);
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive_and_other_schemes_are_not_credentials() {
    let api = Api::start();
    let plain = api.hub.client_with_token(None);
    let token = &api.hub.admin_token;
    let reply = plain
        .get(api.url("/api/v1/namespaces/default"))
        .header(AUTHORIZATION, format!("bearer {token}"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(reply.status(), StatusCode::OK);
    let reply = plain
        .get(api.url("/api/v1/namespaces/default"))
        .header(AUTHORIZATION, format!("Basic {token}"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
}
