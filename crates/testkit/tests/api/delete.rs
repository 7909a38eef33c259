//! Delete: what the answer carries, preconditions, collections, and namespaces.

use serde_json::json;

use crate::support::{Api, assert_failure, names, resource_version};

const CONFIG_MAPS: &str = "/api/v1/namespaces/default/configmaps";
const APP: &str = "/api/v1/namespaces/default/configmaps/app";

#[tokio::test]
async fn deleting_a_config_map_answers_status_success_with_its_details() {
    let api = Api::start();
    let created = api.config_map("default", "app", json!({})).await;
    // What kubectl delete sends.
    let reply = api
        .delete(APP, &json!({"propagationPolicy": "Background"}))
        .await;
    assert_eq!(reply.content_type(), "application/json");
    assert_eq!(
        reply.expect(200),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
               "details": {"name": "app", "kind": "configmaps", "uid": created["metadata"]["uid"]}})
    );
    // kubectl's --wait check.
    let reply = api.get(APP).await;
    assert_failure(&reply, 404, "NotFound", "configmaps \"app\" not found");
    let reply = api.delete(APP, &json!({})).await;
    assert_failure(&reply, 404, "NotFound", "configmaps \"app\" not found");
}

#[tokio::test]
async fn a_delete_without_a_body_works_too() {
    let api = Api::start();
    api.config_map("default", "app", json!({})).await;
    let reply = api.send(api.request(reqwest::Method::DELETE, APP)).await;
    assert_eq!(reply.expect(200)["status"], "Success");
    assert_eq!(api.get(APP).await.code, 404);
}

#[tokio::test]
async fn deleting_a_namespace_answers_the_namespace_and_takes_its_contents_along() {
    let api = Api::start();
    let created = api.namespace("temp").await;
    api.config_map("temp", "inside", json!({})).await;
    api.post(
        "/api/v1/namespaces/temp/serviceaccounts",
        &json!({"metadata": {"name": "bot"}}),
    )
    .await
    .expect(201);
    api.config_map("default", "outside", json!({})).await;

    let reply = api
        .delete(
            "/api/v1/namespaces/temp",
            &json!({"propagationPolicy": "Background"}),
        )
        .await;
    let deleted = reply.expect(200);
    assert_eq!(deleted["kind"], "Namespace");
    assert_eq!(deleted["apiVersion"], "v1");
    assert_eq!(deleted["metadata"]["name"], "temp");
    assert_eq!(deleted["metadata"]["uid"], created["metadata"]["uid"]);

    let reply = api.get("/api/v1/namespaces/temp").await;
    assert_failure(&reply, 404, "NotFound", "namespaces \"temp\" not found");
    let reply = api.get("/api/v1/namespaces/temp/configmaps/inside").await;
    assert_failure(&reply, 404, "NotFound", "configmaps \"inside\" not found");
    assert!(
        api.names("/api/v1/namespaces/temp/configmaps")
            .await
            .is_empty()
    );
    assert!(
        api.names("/api/v1/namespaces/temp/serviceaccounts")
            .await
            .is_empty()
    );
    // Nothing outside went with it.
    assert_eq!(api.get(&format!("{CONFIG_MAPS}/outside")).await.code, 200);

    // The name is free again, and the new namespace starts empty.
    api.namespace("temp").await;
    assert!(
        api.names("/api/v1/namespaces/temp/configmaps")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn the_hubs_namespaces_cannot_be_deleted() {
    let api = Api::start();
    for name in ["default", "kube-system", "kube-public", "tokenhub"] {
        let path = format!("/api/v1/namespaces/{name}");
        let reply = api.delete(&path, &json!({})).await;
        let status = assert_failure(
            &reply,
            403,
            "Forbidden",
            &format!("namespaces \"{name}\" is forbidden: this namespace may not be deleted"),
        );
        assert_eq!(
            status["details"],
            json!({"name": name, "kind": "namespaces"})
        );
        assert_eq!(api.get(&path).await.code, 200);
    }
    // Their contents are untouched.
    assert_eq!(
        api.get("/api/v1/namespaces/tokenhub/configmaps/tokenhub-kubeconfig")
            .await
            .code,
        200
    );
}

#[tokio::test]
async fn preconditions_that_do_not_hold_are_conflicts() {
    let api = Api::start();
    let created = api.config_map("default", "app", json!({})).await;
    let uid = created["metadata"]["uid"].as_str().expect("a uid");
    let rv = resource_version(&created);

    let reply = api
        .delete(
            APP,
            &json!({"preconditions": {"uid": "00000000-0000-0000-0000-000000000000"}}),
        )
        .await;
    let status = assert_failure(
        &reply,
        409,
        "Conflict",
        &format!(
            "Operation cannot be fulfilled on configmaps \"app\": Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000000, UID in object meta: {uid}"
        ),
    );
    assert_eq!(
        status["details"],
        json!({"name": "app", "kind": "configmaps"})
    );
    let reply = api
        .delete(APP, &json!({"preconditions": {"resourceVersion": "1"}}))
        .await;
    assert_failure(
        &reply,
        409,
        "Conflict",
        &format!(
            "Operation cannot be fulfilled on configmaps \"app\": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: {rv}"
        ),
    );
    assert_eq!(api.get(APP).await.expect(200), created);

    let reply = api
        .delete(
            APP,
            &json!({"kind": "DeleteOptions", "apiVersion": "v1",
                    "preconditions": {"uid": uid, "resourceVersion": rv}}),
        )
        .await;
    assert_eq!(reply.expect(200)["status"], "Success");
    assert_eq!(api.get(APP).await.code, 404);
}

#[tokio::test]
async fn a_dry_run_delete_keeps_the_object() {
    let api = Api::start();
    let created = api.config_map("default", "app", json!({})).await;
    let reply = api.delete(&format!("{APP}?dryRun=All"), &json!({})).await;
    assert_eq!(reply.expect(200)["status"], "Success");
    let reply = api.delete(APP, &json!({"dryRun": ["All"]})).await;
    assert_eq!(reply.expect(200)["status"], "Success");
    assert_eq!(api.get(APP).await.expect(200), created);
    let reply = api
        .delete(APP, &json!({"propagationPolicy": "Sometimes"}))
        .await;
    assert_eq!(reply.code, 400, "{}", reply.text());
    assert_eq!(api.get(APP).await.code, 200);
}

#[tokio::test]
async fn delete_collection_deletes_what_the_selector_selects() {
    let api = Api::start();
    api.config_map("default", "a1", json!({"app": "a"})).await;
    api.config_map("default", "a2", json!({"app": "a"})).await;
    api.config_map("default", "b1", json!({"app": "b"})).await;
    api.config_map("kube-public", "a3", json!({"app": "a"}))
        .await;

    let reply = api
        .delete(&format!("{CONFIG_MAPS}?labelSelector=app%3Da"), &json!({}))
        .await;
    let deleted = reply.expect(200);
    assert_eq!(deleted["kind"], "ConfigMapList");
    assert_eq!(deleted["apiVersion"], "v1");
    assert_eq!(names(&deleted), ["a1", "a2"]);
    assert_eq!(api.names(CONFIG_MAPS).await, ["b1"]);
    // Only the namespace of the path.
    assert_eq!(
        api.names("/api/v1/namespaces/kube-public/configmaps").await,
        ["a3"]
    );

    // There is no collection delete across namespaces.
    let reply = api.delete("/api/v1/configmaps", &json!({})).await;
    assert_failure(
        &reply,
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
    );
    assert_eq!(
        api.names("/api/v1/namespaces/kube-public/configmaps").await,
        ["a3"]
    );
}
