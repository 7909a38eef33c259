//! Namespaced and cluster-scoped kinds: which paths exist, and what a missing namespace means.

use serde_json::json;

use crate::support::{Api, assert_failure, names};

const NOT_ALLOWED: &str = "the server does not allow this method on the requested resource";
const NO_ROUTE: &str = "the server could not find the requested resource";

#[tokio::test]
async fn creating_in_a_missing_namespace_is_a_404_naming_the_namespace() {
    let api = Api::start();
    let reply = api
        .post(
            "/api/v1/namespaces/nowhere/configmaps",
            &json!({"metadata": {"name": "x"}}),
        )
        .await;
    let status = assert_failure(&reply, 404, "NotFound", "namespaces \"nowhere\" not found");
    assert_eq!(
        status["details"],
        json!({"name": "nowhere", "kind": "namespaces"})
    );
    // Creating the namespace makes the same request work.
    api.namespace("nowhere").await;
    let created = api
        .post(
            "/api/v1/namespaces/nowhere/configmaps",
            &json!({"metadata": {"name": "x"}}),
        )
        .await
        .expect(201);
    assert_eq!(created["metadata"]["namespace"], "nowhere");
}

#[tokio::test]
async fn the_all_namespaces_path_of_a_namespaced_kind_only_reads() {
    let api = Api::start();
    api.config_map("default", "mine", json!({})).await;
    let body = json!({"metadata": {"name": "x", "namespace": "default"}});
    let reply = api.post("/api/v1/configmaps", &body).await;
    assert_failure(&reply, 405, "MethodNotAllowed", NOT_ALLOWED);
    assert_eq!(
        api.get("/api/v1/namespaces/default/configmaps/x")
            .await
            .code,
        404
    );

    // Objects are only addressed in their namespace.
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let reply = api
            .write(method.clone(), "/api/v1/configmaps/mine", &body)
            .await;
        assert_failure(&reply, 404, "NotFound", NO_ROUTE);
    }

    // Listing across namespaces works, ordered by namespace then name.
    let all = api.get("/api/v1/configmaps").await.expect(200);
    let found: Vec<(String, String)> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["metadata"]["namespace"].as_str().expect("ns").to_string(),
                i["metadata"]["name"].as_str().expect("name").to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("default".to_string(), "mine".to_string()),
            ("tokenhub".to_string(), "tokenhub-kubeconfig".to_string())
        ]
    );
}

#[tokio::test]
async fn a_cluster_scoped_kind_has_no_namespaced_path() {
    let api = Api::start();
    let reply = api.get("/api/v1/namespaces/default/namespaces").await;
    assert_failure(&reply, 404, "NotFound", NO_ROUTE);
    let reply = api
        .post(
            "/api/v1/namespaces/default/namespaces",
            &json!({"metadata": {"name": "inner"}}),
        )
        .await;
    assert_failure(&reply, 404, "NotFound", NO_ROUTE);
    assert_eq!(api.get("/api/v1/namespaces/inner").await.code, 404);

    // A namespace in the body of a cluster-scoped object means nothing.
    let created = api
        .post(
            "/api/v1/namespaces",
            &json!({"metadata": {"name": "outer", "namespace": "default"}}),
        )
        .await
        .expect(201);
    assert!(created["metadata"].get("namespace").is_none(), "{created}");
    assert_eq!(created["status"], json!({"phase": "Active"}));
    assert!(names(&api.get("/api/v1/namespaces").await.expect(200)).contains(&"outer".to_string()));
}

#[tokio::test]
async fn verbs_a_kind_does_not_have_and_methods_a_path_does_not_take_are_405() {
    let api = Api::start();
    api.config_map("default", "app", json!({})).await;
    // Namespaces have no deletecollection.
    let reply = api.delete("/api/v1/namespaces", &json!({})).await;
    assert_failure(&reply, 405, "MethodNotAllowed", NOT_ALLOWED);
    // PUT and PATCH name an object.
    let reply = api
        .put(
            "/api/v1/namespaces/default/configmaps",
            &json!({"metadata": {"name": "app"}}),
        )
        .await;
    assert_failure(&reply, 405, "MethodNotAllowed", NOT_ALLOWED);
    let reply = api
        .patch(
            "/api/v1/namespaces/default/configmaps",
            crate::support::MERGE_PATCH,
            &json!({"data": {}}),
        )
        .await;
    assert_failure(&reply, 405, "MethodNotAllowed", NOT_ALLOWED);
    // A method the API does not speak at all.
    let reply = api
        .send(api.request(
            reqwest::Method::OPTIONS,
            "/api/v1/namespaces/default/configmaps",
        ))
        .await;
    assert_eq!(reply.code, 405, "{}", reply.text());
}
