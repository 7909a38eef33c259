//! OpenAPI v3: the root, and per group-version documents under content-hash URLs, with what
//! kubectl looks for before it sends `fieldValidation=Strict` and what `kubectl explain` reads.

use serde_json::{Value, json};

use crate::support::{Api, assert_failure};

/// The serverRelativeURL of `api/v1` in the root document.
async fn core_document_url(api: &Api) -> String {
    let reply = api
        .get_as("/openapi/v3?timeout=32s", "application/json, */*")
        .await;
    assert_eq!(reply.content_type(), "application/json");
    let root = reply.expect(200);
    root["paths"]["api/v1"]["serverRelativeURL"]
        .as_str()
        .unwrap_or_else(|| panic!("api/v1 is not in the root: {root}"))
        .to_string()
}

fn gvk(group: &str, kind: &str) -> Value {
    json!({"group": group, "version": "v1", "kind": kind})
}

fn has_query_parameter(operation: &Value, name: &str) -> bool {
    operation["parameters"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["name"] == name && p["in"] == "query"))
}

#[tokio::test]
async fn the_root_lists_api_v1_under_a_content_hash_url() {
    let api = Api::start();
    let url = core_document_url(&api).await;
    let hash = url
        .strip_prefix("/openapi/v3/api/v1?hash=")
        .unwrap_or_else(|| panic!("{url}"));
    assert!(
        hash.len() >= 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{url}"
    );
    // The same hub always names the same document the same way.
    assert_eq!(core_document_url(&api).await, url);
}

#[tokio::test]
async fn the_core_document_declares_field_validation_on_every_patch() {
    let api = Api::start();
    let url = core_document_url(&api).await;
    let reply = api.get(&format!("{url}&timeout=32s")).await;
    assert_eq!(reply.content_type(), "application/json");
    // The URL carries the content hash, so the answer may be cached for good.
    assert!(
        reply.header("cache-control").contains("immutable"),
        "{:?}",
        reply.headers
    );
    let doc = reply.expect(200);
    assert_eq!(doc["openapi"], "3.0.0");

    let config_map = &doc["paths"]["/api/v1/namespaces/{namespace}/configmaps/{name}"]["patch"];
    assert_eq!(
        config_map["x-kubernetes-group-version-kind"],
        gvk("", "ConfigMap")
    );
    assert_eq!(config_map["x-kubernetes-action"], "patch");
    assert!(
        has_query_parameter(config_map, "fieldValidation"),
        "{config_map}"
    );
    assert!(has_query_parameter(config_map, "dryRun"), "{config_map}");
    let namespace = &doc["paths"]["/api/v1/namespaces/{name}"]["patch"];
    assert_eq!(
        namespace["x-kubernetes-group-version-kind"],
        gvk("", "Namespace")
    );
    let service_account =
        &doc["paths"]["/api/v1/namespaces/{namespace}/serviceaccounts/{name}"]["patch"];
    assert_eq!(
        service_account["x-kubernetes-group-version-kind"],
        gvk("", "ServiceAccount")
    );

    let mut patches = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if let Some(patch) = item.get("patch") {
            patches += 1;
            assert!(has_query_parameter(patch, "fieldValidation"), "{path}");
            assert!(
                patch["x-kubernetes-group-version-kind"].is_object(),
                "{path}"
            );
        }
    }
    assert_eq!(patches, 3, "one PATCH per kind");
}

#[tokio::test]
async fn component_schemas_carry_their_kind_for_explain() {
    let api = Api::start();
    let url = core_document_url(&api).await;
    let doc = api.get(&url).await.expect(200);
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let schema_of = |kind: &str| {
        schemas
            .values()
            .find(|s| {
                s["x-kubernetes-group-version-kind"]
                    == json!([{"group": "", "kind": kind, "version": "v1"}])
            })
            .unwrap_or_else(|| panic!("no schema carries the GVK of {kind}"))
    };
    let config_map = schema_of("ConfigMap");
    for field in [
        "apiVersion",
        "kind",
        "metadata",
        "data",
        "binaryData",
        "immutable",
    ] {
        assert!(config_map["properties"].get(field).is_some(), "{field}");
    }
    assert!(
        schema_of("ServiceAccount")["properties"]
            .get("secrets")
            .is_some()
    );
    assert!(schema_of("Namespace")["properties"].get("status").is_some());
    assert!(
        schema_of("ConfigMapList")["properties"]
            .get("items")
            .is_some()
    );
}

#[tokio::test]
async fn unknown_documents_and_openapi_v2_are_404() {
    let api = Api::start();
    for path in [
        "/openapi/v3/apis/nope.example.com/v1",
        "/openapi/v3/api/v2",
        "/openapi/v2",
    ] {
        let reply = api.get_as(path, "application/json").await;
        assert_failure(
            &reply,
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    }
}
