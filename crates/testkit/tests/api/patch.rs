//! Patch in the three formats kubectl sends, with kube's conflict and validation semantics.

use serde_json::{Value, json};

use crate::support::{
    Api, JSON_PATCH, MERGE_PATCH, MODIFIED, STRATEGIC_PATCH, assert_failure, assert_failure_code,
    resource_version,
};

const APP: &str = "/api/v1/namespaces/default/configmaps/app";
const BOT: &str = "/api/v1/namespaces/default/serviceaccounts/bot";

async fn app(api: &Api) -> Value {
    api.post(
        "/api/v1/namespaces/default/configmaps",
        &json!({"metadata": {"name": "app"}, "data": {"a": "1", "b": "2"}}),
    )
    .await
    .expect(201)
}

async fn bot(api: &Api) -> Value {
    api.post(
        "/api/v1/namespaces/default/serviceaccounts",
        &json!({"metadata": {"name": "bot"}, "secrets": [{"name": "s1"}, {"name": "s2", "namespace": "default"}]}),
    )
    .await
    .expect(201)
}

fn secret_names(sa: &Value) -> Vec<&str> {
    sa["secrets"]
        .as_array()
        .expect("secrets")
        .iter()
        .map(|s| s["name"].as_str().expect("a name"))
        .collect()
}

#[tokio::test]
async fn merge_patch_sets_and_removes_keys() {
    let api = Api::start();
    let created = app(&api).await;
    let patched = api
        .patch(
            &format!("{APP}?fieldManager=kubectl-patch"),
            MERGE_PATCH,
            &json!({"data": {"a": null, "c": "3"}, "metadata": {"labels": {"team": "x"}}}),
        )
        .await
        .expect(200);
    assert_eq!(patched["data"], json!({"b": "2", "c": "3"}));
    assert_eq!(patched["metadata"]["labels"], json!({"team": "x"}));
    assert_eq!(patched["metadata"]["uid"], created["metadata"]["uid"]);
    assert_ne!(resource_version(&patched), resource_version(&created));
    assert_eq!(api.get(APP).await.expect(200), patched);
}

#[tokio::test]
async fn json_patch_applies_operations_in_order() {
    let api = Api::start();
    app(&api).await;
    let patched = api
        .patch(
            APP,
            JSON_PATCH,
            &json!([
                {"op": "test", "path": "/data/a", "value": "1"},
                {"op": "replace", "path": "/data/a", "value": "10"},
                {"op": "remove", "path": "/data/b"},
                {"op": "add", "path": "/metadata/labels", "value": {"team": "y"}},
            ]),
        )
        .await
        .expect(200);
    assert_eq!(patched["data"], json!({"a": "10"}));
    assert_eq!(patched["metadata"]["labels"], json!({"team": "y"}));

    // A patch that is not a list of operations is a bad request.
    let reply = api.patch(APP, JSON_PATCH, &json!({"op": "add"})).await;
    assert_failure_code(&reply, 400, "BadRequest");

    // A failed test leaves the object alone.
    let reply = api
        .patch(
            APP,
            JSON_PATCH,
            &json!([
                {"op": "replace", "path": "/data/a", "value": "lost"},
                {"op": "test", "path": "/data/a", "value": "1"},
            ]),
        )
        .await;
    let status = assert_failure_code(&reply, 422, "Invalid");
    assert_eq!(
        status["message"],
        "the server rejected our request due to an error in our request"
    );
    assert_eq!(
        status["details"]["causes"][0]["reason"],
        "UnexpectedServerResponse"
    );
    assert_eq!(api.get(APP).await.expect(200), patched);
}

#[tokio::test]
async fn strategic_merge_patch_merges_service_account_secrets_by_name() {
    let api = Api::start();
    bot(&api).await;
    // A secret the server has keeps its other fields; a new one is added.
    let patched = api
        .patch(
            BOT,
            STRATEGIC_PATCH,
            &json!({"secrets": [{"name": "s2", "fieldPath": "x"}, {"name": "s3"}]}),
        )
        .await
        .expect(200);
    let names = secret_names(&patched);
    assert_eq!(names.len(), 3, "{patched}");
    for name in ["s1", "s2", "s3"] {
        assert!(names.contains(&name), "{patched}");
    }
    let s2 = patched["secrets"]
        .as_array()
        .expect("secrets")
        .iter()
        .find(|s| s["name"] == "s2")
        .expect("s2");
    assert_eq!(
        s2,
        &json!({"name": "s2", "namespace": "default", "fieldPath": "x"})
    );

    // $patch: delete removes one by its key.
    let patched = api
        .patch(
            BOT,
            STRATEGIC_PATCH,
            &json!({"secrets": [{"$patch": "delete", "name": "s1"}]}),
        )
        .await
        .expect(200);
    assert!(!secret_names(&patched).contains(&"s1"), "{patched}");
    assert_eq!(secret_names(&patched).len(), 2);

    // The same body as a merge patch replaces the list wholesale.
    let patched = api
        .patch(BOT, MERGE_PATCH, &json!({"secrets": [{"name": "only"}]}))
        .await
        .expect(200);
    assert_eq!(secret_names(&patched), ["only"]);
}

#[tokio::test]
async fn strategic_merge_patch_on_config_map_data_merges_like_kubectl_edit() {
    let api = Api::start();
    app(&api).await;
    let patched = api
        .patch(
            &format!("{APP}?fieldManager=kubectl-edit&fieldValidation=Strict"),
            STRATEGIC_PATCH,
            &json!({"data": {"b": "20", "c": "3"}}),
        )
        .await
        .expect(200);
    assert_eq!(patched["data"], json!({"a": "1", "b": "20", "c": "3"}));
}

#[tokio::test]
async fn a_patch_naming_a_stale_resource_version_conflicts() {
    let api = Api::start();
    let created = app(&api).await;
    let stale = resource_version(&created);
    let current = api
        .patch(APP, MERGE_PATCH, &json!({"data": {"a": "changed"}}))
        .await
        .expect(200);
    let reply = api
        .patch(
            APP,
            MERGE_PATCH,
            &json!({"metadata": {"resourceVersion": stale}, "data": {"a": "mine"}}),
        )
        .await;
    let status = assert_failure(
        &reply,
        409,
        "Conflict",
        &format!("Operation cannot be fulfilled on configmaps \"app\": {MODIFIED}"),
    );
    assert_eq!(
        status["details"],
        json!({"name": "app", "kind": "configmaps"})
    );
    assert_eq!(api.get(APP).await.expect(200), current);

    // The current version applies.
    let patched = api
        .patch(
            APP,
            MERGE_PATCH,
            &json!({"metadata": {"resourceVersion": resource_version(&current)}, "data": {"a": "mine"}}),
        )
        .await
        .expect(200);
    assert_eq!(patched["data"]["a"], "mine");
}

#[tokio::test]
async fn patches_are_validated_like_updates() {
    let api = Api::start();
    app(&api).await;
    let reply = api
        .patch(
            &format!("{APP}?fieldValidation=Strict"),
            MERGE_PATCH,
            &json!({"spec": {"x": 1}}),
        )
        .await;
    let status = assert_failure_code(&reply, 400, "BadRequest");
    assert!(
        status["message"]
            .as_str()
            .is_some_and(|m| m.ends_with("strict decoding error: unknown field \"spec\"")),
        "{status}"
    );
    let reply = api
        .patch(
            &format!("{APP}?fieldValidation=Warn"),
            MERGE_PATCH,
            &json!({"spec": {"x": 1}, "data": {"d": "4"}}),
        )
        .await;
    let patched = reply.expect(200);
    assert_eq!(
        reply.all_headers("warning"),
        vec![r#"299 - "unknown field \"spec\"""#]
    );
    assert!(patched.get("spec").is_none());
    assert_eq!(patched["data"]["d"], "4");

    let reply = api
        .patch(APP, MERGE_PATCH, &json!({"metadata": {"name": "renamed"}}))
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "the name of the object (renamed) does not match the name on the URL (app)",
    );
    let reply = api
        .patch(APP, MERGE_PATCH, &json!({"data": {"bad key": "x"}}))
        .await;
    let status = assert_failure_code(&reply, 422, "Invalid");
    assert_eq!(status["details"]["causes"][0]["field"], "data[bad key]");
}

#[tokio::test]
async fn patching_what_is_not_there_or_with_an_unknown_type_fails() {
    let api = Api::start();
    app(&api).await;
    let reply = api
        .patch(
            "/api/v1/namespaces/default/configmaps/nope",
            MERGE_PATCH,
            &json!({"data": {}}),
        )
        .await;
    assert_failure(&reply, 404, "NotFound", "configmaps \"nope\" not found");
    let reply = api
        .patch(APP, "application/json", &json!({"data": {}}))
        .await;
    assert_failure(
        &reply,
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json",
    );
    let reply = api
        .send(
            api.request(reqwest::Method::PATCH, APP)
                .header("content-type", MERGE_PATCH)
                .body("{not json"),
        )
        .await;
    assert_failure_code(&reply, 400, "BadRequest");
}
