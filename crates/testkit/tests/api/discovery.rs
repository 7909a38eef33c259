//! Discovery: aggregated (what kubectl asks for first) and legacy documents.

use serde_json::{Value, json};

use crate::support::{AGGREGATED_ACCEPT, AGGREGATED_CONTENT_TYPE, Api, assert_failure};

fn resource<'a>(version: &'a Value, plural: &str) -> &'a Value {
    version["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["resource"] == plural)
        .unwrap_or_else(|| panic!("{plural} is not discovered: {version}"))
}

#[tokio::test]
async fn aggregated_core_discovery_has_kubectls_content_type_and_the_v2_shape() {
    let api = Api::start();
    let reply = api.get_as("/api?timeout=32s", AGGREGATED_ACCEPT).await;
    let body = reply.expect(200);
    assert_eq!(reply.content_type(), AGGREGATED_CONTENT_TYPE);
    assert_eq!(body["kind"], "APIGroupDiscoveryList");
    assert_eq!(body["apiVersion"], "apidiscovery.k8s.io/v2");
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{body}");
    // The core group has no name.
    assert!(
        items[0]["metadata"].get("name").is_none_or(|n| n == ""),
        "{body}"
    );
    let versions = items[0]["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 1);
    let v1 = &versions[0];
    assert_eq!(v1["version"], "v1");
    assert_eq!(v1["freshness"], "Current");
    assert_eq!(
        resource(v1, "serviceaccounts"),
        &json!({
            "resource": "serviceaccounts",
            "responseKind": {"group": "", "version": "v1", "kind": "ServiceAccount"},
            "scope": "Namespaced",
            "singularResource": "serviceaccount",
            "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            "shortNames": ["sa"],
            "subresources": [{
                "subresource": "token",
                "responseKind": {"group": "authentication.k8s.io", "version": "v1", "kind": "TokenRequest"},
                "verbs": ["create"],
            }],
        })
    );
    let namespaces = resource(v1, "namespaces");
    assert_eq!(namespaces["scope"], "Cluster");
    assert_eq!(namespaces["shortNames"], json!(["ns"]));
    assert_eq!(
        namespaces["verbs"],
        json!([
            "create", "delete", "get", "list", "patch", "update", "watch"
        ])
    );
    let config_maps = resource(v1, "configmaps");
    assert_eq!(config_maps["scope"], "Namespaced");
    assert_eq!(config_maps["singularResource"], "configmap");
    assert_eq!(
        config_maps["responseKind"],
        json!({"group": "", "version": "v1", "kind": "ConfigMap"})
    );
}

#[tokio::test]
async fn aggregated_group_discovery_lists_only_named_groups() {
    let api = Api::start();
    let reply = api.get_as("/apis?timeout=32s", AGGREGATED_ACCEPT).await;
    let body = reply.expect(200);
    assert_eq!(reply.content_type(), AGGREGATED_CONTENT_TYPE);
    assert_eq!(body["kind"], "APIGroupDiscoveryList");
    assert_eq!(body["apiVersion"], "apidiscovery.k8s.io/v2");
    for group in body["items"].as_array().expect("items") {
        let name = group["metadata"]["name"].as_str().expect("a group name");
        assert!(!name.is_empty(), "{body}");
        for version in group["versions"].as_array().expect("versions") {
            assert_eq!(version["freshness"], "Current");
            for r in version["resources"].as_array().expect("resources") {
                assert_eq!(r["responseKind"]["group"], name, "{r}");
                assert_eq!(r["responseKind"]["version"], version["version"], "{r}");
            }
        }
    }
}

#[tokio::test]
async fn spaces_in_the_accept_parameters_still_ask_for_aggregated_discovery() {
    let api = Api::start();
    let reply = api
        .get_as(
            "/api",
            "application/json; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList",
        )
        .await;
    assert_eq!(reply.expect(200)["kind"], "APIGroupDiscoveryList");
    assert_eq!(reply.content_type(), AGGREGATED_CONTENT_TYPE);
}

#[tokio::test]
async fn a_plain_accept_gets_the_legacy_documents() {
    let api = Api::start();
    let reply = api
        .get_as("/api?timeout=32s", "application/json, */*")
        .await;
    assert_eq!(reply.content_type(), "application/json");
    assert_eq!(
        reply.expect(200),
        json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": api.hub.address.to_string()}],
        })
    );
    // kubectl ≤ 1.29 asks for the v2beta1 document only; the hub serves v2, so it falls back.
    let reply = api
        .get_as(
            "/api",
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
        )
        .await;
    assert_eq!(reply.expect(200)["kind"], "APIVersions");

    let reply = api.get_as("/apis", "application/json, */*").await;
    assert_eq!(reply.content_type(), "application/json");
    let body = reply.expect(200);
    assert_eq!(body["kind"], "APIGroupList");
    assert_eq!(body["apiVersion"], "v1");
    for group in body["groups"].as_array().expect("groups") {
        let name = group["name"].as_str().expect("a name");
        let first = &group["versions"][0];
        assert_eq!(group["preferredVersion"], *first, "{group}");
        assert_eq!(
            first["groupVersion"],
            format!("{name}/{}", first["version"].as_str().expect("a version"))
        );
    }
}

#[tokio::test]
async fn api_v1_lists_its_resources_with_the_token_subresource() {
    let api = Api::start();
    let reply = api
        .get_as("/api/v1?timeout=32s", "application/json, */*")
        .await;
    assert_eq!(reply.content_type(), "application/json");
    let body = reply.expect(200);
    assert_eq!(body["kind"], "APIResourceList");
    assert_eq!(body["apiVersion"], "v1");
    assert_eq!(body["groupVersion"], "v1");
    let resources = body["resources"].as_array().expect("resources");
    let find = |name: &str| {
        resources
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{name} is not listed: {body}"))
    };
    assert_eq!(
        find("serviceaccounts/token"),
        &json!({
            "name": "serviceaccounts/token",
            "singularName": "",
            "namespaced": true,
            "group": "authentication.k8s.io",
            "version": "v1",
            "kind": "TokenRequest",
            "verbs": ["create"],
        })
    );
    assert_eq!(
        find("serviceaccounts"),
        &json!({
            "name": "serviceaccounts",
            "singularName": "serviceaccount",
            "namespaced": true,
            "kind": "ServiceAccount",
            "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            "shortNames": ["sa"],
        })
    );
    assert_eq!(find("namespaces")["namespaced"], false);
    assert_eq!(find("configmaps")["shortNames"], json!(["cm"]));
}

#[tokio::test]
async fn unknown_group_versions_are_a_404_status() {
    let api = Api::start();
    for path in [
        "/api/v2",
        "/apis/nope.example.com",
        "/apis/nope.example.com/v1",
        "/apis/nope.example.com/v1/widgets",
        "/api/v1/widgets",
        "/api/v1/namespaces/default/widgets",
    ] {
        let reply = api.get_as(path, "application/json, */*").await;
        assert_failure(
            &reply,
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    }
}
