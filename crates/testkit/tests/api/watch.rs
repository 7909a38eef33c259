//! Watch: newline-delimited JSON events, from now or from a resourceVersion, filtered by
//! selectors, as Tables, bounded by timeoutSeconds.

use std::time::Duration;

use serde_json::json;

use crate::support::{
    Api, MERGE_PATCH, TABLE_ACCEPT, TABLE_CONTENT_TYPE, Watch, assert_failure, cells,
    resource_version,
};

const WATCHED: &str = "/api/v1/namespaces/w/configmaps";

async fn watched() -> Api {
    let api = Api::start();
    api.namespace("w").await;
    api
}

fn path(name: &str) -> String {
    format!("{WATCHED}/{name}")
}

async fn label(api: &Api, name: &str, app: &str) {
    api.patch(
        &path(name),
        MERGE_PATCH,
        &json!({"metadata": {"labels": {"app": app}}}),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn a_watch_from_now_sends_what_exists_then_every_change() {
    let api = watched().await;
    let first = api.config_map("w", "first", json!({})).await;
    let mut watch = Watch::open(&api, &format!("{WATCHED}?watch=true"), "application/json").await;
    assert_eq!(watch.content_type, "application/json");
    assert_eq!(watch.expect("ADDED", "first").await, first);

    let second = api.config_map("w", "second", json!({})).await;
    assert_eq!(watch.expect("ADDED", "second").await, second);
    let patched = api
        .patch(
            &path("second"),
            MERGE_PATCH,
            &json!({"data": {"more": "x"}}),
        )
        .await
        .expect(200);
    assert_eq!(watch.expect("MODIFIED", "second").await, patched);
    api.delete(&path("second"), &json!({})).await.expect(200);
    let deleted = watch.expect("DELETED", "second").await;
    assert_eq!(deleted["data"], patched["data"]);
    // The deletion has a version of its own, after the last write.
    assert!(
        resource_version(&deleted).parse::<u64>().expect("a number")
            > resource_version(&patched).parse::<u64>().expect("a number")
    );
    // Changes elsewhere are not this watch's business.
    api.config_map("default", "elsewhere", json!({})).await;
    api.config_map("w", "third", json!({})).await;
    watch.expect("ADDED", "third").await;
}

#[tokio::test]
async fn resource_version_zero_also_starts_with_the_current_state() {
    let api = watched().await;
    api.config_map("w", "a", json!({})).await;
    api.config_map("w", "b", json!({})).await;
    let mut watch = Watch::open(
        &api,
        &format!("{WATCHED}?watch=true&resourceVersion=0"),
        "application/json",
    )
    .await;
    watch.expect("ADDED", "a").await;
    watch.expect("ADDED", "b").await;
    api.config_map("w", "c", json!({})).await;
    watch.expect("ADDED", "c").await;
}

#[tokio::test]
async fn a_watch_from_a_resource_version_sends_only_later_events() {
    let api = watched().await;
    api.config_map("w", "before", json!({})).await;
    let rv = resource_version(&api.get(WATCHED).await.expect(200));
    api.config_map("w", "after", json!({})).await;
    let mut watch = Watch::open(
        &api,
        &format!("{WATCHED}?watch=true&resourceVersion={rv}&allowWatchBookmarks=true"),
        "application/json",
    )
    .await;
    // The write after the list, though it happened before the watch began.
    watch.expect("ADDED", "after").await;
    api.patch(&path("before"), MERGE_PATCH, &json!({"data": {"k": "v"}}))
        .await
        .expect(200);
    let modified = watch.expect("MODIFIED", "before").await;
    assert_eq!(modified["data"]["k"], "v");
}

#[tokio::test]
async fn with_a_label_selector_objects_enter_as_added_and_leave_as_deleted() {
    let api = watched().await;
    let mut watch = Watch::open(
        &api,
        &format!("{WATCHED}?watch=true&labelSelector=app%3Dweb"),
        "application/json",
    )
    .await;
    api.config_map("w", "x", json!({"app": "db"})).await;
    label(&api, "x", "web").await;
    let entered = watch.expect("ADDED", "x").await;
    assert_eq!(entered["metadata"]["labels"], json!({"app": "web"}));
    api.patch(&path("x"), MERGE_PATCH, &json!({"data": {"k": "v"}}))
        .await
        .expect(200);
    watch.expect("MODIFIED", "x").await;
    label(&api, "x", "db").await;
    let left = watch.expect("DELETED", "x").await;
    // The object as it is now, which no longer matches.
    assert_eq!(left["metadata"]["labels"], json!({"app": "db"}));
    // Changes to objects that never match are not sent.
    api.patch(&path("x"), MERGE_PATCH, &json!({"data": {"k": "w"}}))
        .await
        .expect(200);
    api.config_map("w", "y", json!({"app": "web"})).await;
    watch.expect("ADDED", "y").await;
}

#[tokio::test]
async fn a_field_selector_watch_follows_one_object_as_kubectl_get_w_does() {
    let api = watched().await;
    api.config_map("w", "x", json!({})).await;
    api.config_map("w", "other", json!({})).await;
    let mut watch = Watch::open(
        &api,
        &format!("{WATCHED}?fieldSelector=metadata.name%3Dx&resourceVersion=0&watch=true"),
        "application/json",
    )
    .await;
    watch.expect("ADDED", "x").await;
    api.patch(&path("other"), MERGE_PATCH, &json!({"data": {"k": "v"}}))
        .await
        .expect(200);
    api.patch(&path("x"), MERGE_PATCH, &json!({"data": {"k": "v"}}))
        .await
        .expect(200);
    watch.expect("MODIFIED", "x").await;
    api.delete(&path("x"), &json!({})).await.expect(200);
    watch.expect("DELETED", "x").await;
}

#[tokio::test]
async fn with_the_table_accept_every_event_carries_a_table() {
    let api = watched().await;
    api.config_map("w", "first", json!({})).await;
    let list = api.get_as(WATCHED, TABLE_ACCEPT).await.expect(200);
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .expect("an rv")
        .to_string();
    // kubectl get -w: the list, then a watch from its resourceVersion.
    let mut watch = Watch::open(
        &api,
        &format!("{WATCHED}?resourceVersion={rv}&watch=true"),
        TABLE_ACCEPT,
    )
    .await;
    assert_eq!(watch.content_type, TABLE_CONTENT_TYPE);
    let created = api.config_map("w", "second", json!({})).await;
    let event = watch.next().await.expect("an event");
    assert_eq!(event["type"], "ADDED");
    let table = &event["object"];
    assert_eq!(table["kind"], "Table");
    assert_eq!(table["apiVersion"], "meta.k8s.io/v1");
    assert_eq!(
        table["metadata"]["resourceVersion"],
        resource_version(&created)
    );
    assert_eq!(table["columnDefinitions"][0]["format"], "name");
    let rows = table["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(cells(table, 0, 2), [json!("second"), json!(1)]);
    assert_eq!(rows[0]["object"]["kind"], "PartialObjectMetadata");
    assert_eq!(rows[0]["object"]["metadata"]["name"], "second");

    api.delete(&path("second"), &json!({})).await.expect(200);
    let event = watch.next().await.expect("an event");
    assert_eq!(event["type"], "DELETED");
    assert_eq!(event["object"]["kind"], "Table");
    assert_eq!(event["object"]["rows"][0]["cells"][0], "second");
    // Columns are declared once per stream.
    assert_eq!(event["object"]["columnDefinitions"], json!([]));
}

#[tokio::test]
async fn timeout_seconds_ends_the_stream() {
    let api = watched().await;
    api.config_map("w", "a", json!({})).await;
    let mut watch = Watch::open(
        &api,
        &format!("{WATCHED}?watch=true&timeoutSeconds=1"),
        "application/json",
    )
    .await;
    watch.expect("ADDED", "a").await;
    assert!(watch.next().await.is_none(), "the stream ends by itself");
}

#[tokio::test]
async fn bookmarks_carry_the_resource_version_reached() {
    let api =
        Api::start_with(|options| options.limits.bookmark_interval = Duration::from_millis(200));
    api.namespace("w").await;
    let created = api.config_map("w", "a", json!({})).await;
    let mut watch = Watch::open(
        &api,
        &format!("{WATCHED}?watch=true&allowWatchBookmarks=true"),
        "application/json",
    )
    .await;
    watch.expect("ADDED", "a").await;
    let event = watch.next().await.expect("a bookmark");
    assert_eq!(event["type"], "BOOKMARK", "{event}");
    assert_eq!(event["object"]["kind"], "ConfigMap");
    assert_eq!(event["object"]["apiVersion"], "v1");
    assert_eq!(
        event["object"]["metadata"]["resourceVersion"],
        resource_version(&created)
    );
}

#[tokio::test]
async fn deleting_a_namespace_shows_its_objects_deleted() {
    let api = watched().await;
    api.config_map("w", "inside", json!({})).await;
    let mut watch = Watch::open(&api, &format!("{WATCHED}?watch=true"), "application/json").await;
    watch.expect("ADDED", "inside").await;
    api.delete("/api/v1/namespaces/w", &json!({}))
        .await
        .expect(200);
    watch.expect("DELETED", "inside").await;
}

#[tokio::test]
async fn a_watch_across_namespaces_and_of_a_cluster_scoped_kind() {
    let api = watched().await;
    let rv = resource_version(&api.get("/api/v1/configmaps").await.expect(200));
    let mut configmaps = Watch::open(
        &api,
        &format!("/api/v1/configmaps?watch=true&resourceVersion={rv}"),
        "application/json",
    )
    .await;
    let mut namespaces = Watch::open(
        &api,
        &format!("/api/v1/namespaces?watch=true&resourceVersion={rv}"),
        "application/json",
    )
    .await;
    api.config_map("w", "one", json!({})).await;
    api.config_map("default", "two", json!({})).await;
    api.namespace("three").await;
    configmaps.expect("ADDED", "one").await;
    configmaps.expect("ADDED", "two").await;
    namespaces.expect("ADDED", "three").await;
}

#[tokio::test]
async fn a_watch_that_cannot_start_is_a_status_not_a_stream() {
    let api = watched().await;
    let reply = api
        .get(&format!("{WATCHED}?watch=true&fieldSelector=spec.x%3Dy"))
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "field label not supported: spec.x",
    );
    let reply = api.get("/api/v1/widgets?watch=true").await;
    assert_failure(
        &reply,
        404,
        "NotFound",
        "the server could not find the requested resource",
    );
    let reply = api
        .get_as(
            &format!("{WATCHED}?watch=true"),
            "application/vnd.kubernetes.protobuf",
        )
        .await;
    assert_eq!(reply.code, 406, "{}", reply.text());
}
