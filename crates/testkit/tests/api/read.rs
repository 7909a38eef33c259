//! Get and list as kubectl reads them: the object, the list, or a server-rendered Table.

use std::time::Duration;

use serde_json::{Value, json};
use tokenhub_core::clock::Clock;

use crate::support::{
    Api, TABLE_ACCEPT, TABLE_CONTENT_TYPE, assert_failure, cells, resource_version,
};

const CONFIG_MAPS: &str = "/api/v1/namespaces/default/configmaps";

fn column(name: &str, type_: &str, format: &str) -> (String, String, String, u64) {
    (name.into(), type_.into(), format.into(), 0)
}

fn columns(table: &Value) -> Vec<(String, String, String, u64)> {
    table["columnDefinitions"]
        .as_array()
        .expect("columnDefinitions")
        .iter()
        .map(|c| {
            assert!(c["description"].is_string(), "{c}");
            (
                c["name"].as_str().expect("name").into(),
                c["type"].as_str().expect("type").into(),
                c["format"].as_str().expect("format").into(),
                c["priority"].as_u64().expect("priority"),
            )
        })
        .collect()
}

#[tokio::test]
async fn get_with_kubectls_table_accept_answers_a_table_with_rendered_ages() {
    let (api, clock) = Api::with_manual_clock();
    let created = api
        .post(
            CONFIG_MAPS,
            &json!({"metadata": {"name": "app", "labels": {"tier": "web"}}, "data": {"a": "1", "b": "2"}}),
        )
        .await
        .expect(201);
    let reply = api
        .get_as(&format!("{CONFIG_MAPS}/app"), TABLE_ACCEPT)
        .await;
    assert_eq!(reply.content_type(), TABLE_CONTENT_TYPE);
    let table = reply.expect(200);
    assert_eq!(table["kind"], "Table");
    assert_eq!(table["apiVersion"], "meta.k8s.io/v1");
    assert_eq!(
        table["metadata"]["resourceVersion"],
        created["metadata"]["resourceVersion"]
    );
    assert_eq!(
        columns(&table),
        vec![
            column("Name", "string", "name"),
            column("Data", "integer", ""),
            column("Age", "string", "")
        ]
    );
    let rows = table["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["cells"], json!(["app", 2, "0s"]));
    // By default each row carries the object's metadata, for -A, --show-labels and -L.
    assert_eq!(
        rows[0]["object"],
        json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": created["metadata"]})
    );

    let later = clock
        .now()
        .checked_add(Duration::from_secs(5 * 60))
        .expect("a time");
    clock.set(later);
    let table = api
        .get_as(&format!("{CONFIG_MAPS}/app"), TABLE_ACCEPT)
        .await
        .expect(200);
    assert_eq!(table["rows"][0]["cells"], json!(["app", 2, "5m"]));
}

#[tokio::test]
async fn include_object_chooses_what_each_row_carries() {
    let api = Api::start();
    let created = api.config_map("default", "app", json!({})).await;
    let path = format!("{CONFIG_MAPS}/app");

    let table = api
        .get_as(&format!("{path}?includeObject=None"), TABLE_ACCEPT)
        .await
        .expect(200);
    assert!(table["rows"][0].get("object").is_none(), "{table}");
    assert_eq!(table["rows"][0]["cells"][0], "app");

    let table = api
        .get_as(&format!("{path}?includeObject=Metadata"), TABLE_ACCEPT)
        .await
        .expect(200);
    assert_eq!(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");

    // kubectl --sort-by asks for whole objects.
    let table = api
        .get_as(&format!("{CONFIG_MAPS}?includeObject=Object"), TABLE_ACCEPT)
        .await
        .expect(200);
    assert_eq!(table["rows"][0]["object"], created);

    let reply = api
        .get_as(&format!("{path}?includeObject=Everything"), TABLE_ACCEPT)
        .await;
    assert_eq!(reply.code, 400, "{}", reply.text());
}

#[tokio::test]
async fn a_listed_table_has_a_row_per_object_and_the_list_resource_version() {
    let api = Api::start();
    api.namespace("shop").await;
    api.config_map("shop", "web", json!({})).await;
    let last = api.config_map("shop", "db", json!({})).await;
    let table = api
        .get_as("/api/v1/namespaces/shop/configmaps?limit=500", TABLE_ACCEPT)
        .await
        .expect(200);
    assert_eq!(table["kind"], "Table");
    assert_eq!(
        table["metadata"]["resourceVersion"],
        resource_version(&last)
    );
    let names: Vec<&Value> = table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| &r["cells"][0])
        .collect();
    assert_eq!(names, [&json!("db"), &json!("web")]);
    assert_eq!(table["rows"][0]["object"]["metadata"]["namespace"], "shop");

    // Namespaces print their phase; service accounts their secrets.
    let table = api
        .get_as("/api/v1/namespaces/shop", TABLE_ACCEPT)
        .await
        .expect(200);
    assert_eq!(
        columns(&table),
        vec![
            column("Name", "string", "name"),
            column("Status", "string", ""),
            column("Age", "string", "")
        ]
    );
    assert_eq!(cells(&table, 0, 2), [json!("shop"), json!("Active")]);
    api.post(
        "/api/v1/namespaces/shop/serviceaccounts",
        &json!({"metadata": {"name": "bot"}, "secrets": [{"name": "a"}, {"name": "b"}]}),
    )
    .await
    .expect(201);
    let table = api
        .get_as("/api/v1/namespaces/shop/serviceaccounts/bot", TABLE_ACCEPT)
        .await
        .expect(200);
    assert_eq!(columns(&table)[1], column("Secrets", "integer", ""));
    assert_eq!(cells(&table, 0, 2), [json!("bot"), json!(2)]);
}

#[tokio::test]
async fn a_plain_accept_answers_the_object_and_the_typed_list() {
    let api = Api::start();
    let created = api.config_map("default", "app", json!({"a": "b"})).await;
    for accept in [
        "application/json",
        "application/json, */*",
        "*/*",
        PROTOBUF_OR_JSON,
    ] {
        let reply = api.get_as(&format!("{CONFIG_MAPS}/app"), accept).await;
        assert_eq!(reply.content_type(), "application/json", "{accept}");
        assert_eq!(reply.expect(200), created, "{accept}");
    }
    let reply = api.get(CONFIG_MAPS).await;
    assert_eq!(reply.content_type(), "application/json");
    let list = reply.expect(200);
    assert_eq!(list["kind"], "ConfigMapList");
    assert_eq!(list["apiVersion"], "v1");
    assert_eq!(
        list["metadata"]["resourceVersion"],
        resource_version(&created)
    );
    assert_eq!(list["items"], json!([created]));
}

const PROTOBUF_OR_JSON: &str = "application/vnd.kubernetes.protobuf,application/json";

#[tokio::test]
async fn a_missing_object_is_a_404_naming_it() {
    let api = Api::start();
    let reply = api.get(&format!("{CONFIG_MAPS}/nope")).await;
    let status = assert_failure(&reply, 404, "NotFound", "configmaps \"nope\" not found");
    assert_eq!(
        status["details"],
        json!({"name": "nope", "kind": "configmaps"})
    );
    let reply = api.get_as("/api/v1/namespaces/nope", TABLE_ACCEPT).await;
    assert_failure(&reply, 404, "NotFound", "namespaces \"nope\" not found");
    let reply = api
        .get("/api/v1/namespaces/default/serviceaccounts/nope")
        .await;
    assert_failure(
        &reply,
        404,
        "NotFound",
        "serviceaccounts \"nope\" not found",
    );
}

#[tokio::test]
async fn only_protobuf_is_not_acceptable() {
    let api = Api::start();
    api.config_map("default", "app", json!({})).await;
    for path in [format!("{CONFIG_MAPS}/app"), CONFIG_MAPS.to_string()] {
        let reply = api
            .get_as(&path, "application/vnd.kubernetes.protobuf")
            .await;
        assert_eq!(reply.code, 406, "{}", reply.text());
        assert_eq!(reply.json()["reason"], "NotAcceptable");
    }
}
