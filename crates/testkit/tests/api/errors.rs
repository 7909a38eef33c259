//! Bodies the hub cannot take: malformed, mistyped, invalid, of an unknown media type; and
//! answers it cannot give.

use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::json;

use crate::support::{Api, Reply, assert_failure, assert_failure_code};

const CONFIG_MAPS: &str = "/api/v1/namespaces/default/configmaps";

async fn post_raw(api: &Api, content_type: &str, body: &'static str) -> Reply {
    api.send(
        api.request(Method::POST, CONFIG_MAPS)
            .header(CONTENT_TYPE, content_type)
            .header(ACCEPT, "application/json")
            .body(body),
    )
    .await
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let api = Api::start();
    for body in [
        r#"{"metadata": {"name": "x""#,
        "not json",
        r#"["a list"]"#,
        "null",
    ] {
        let reply = post_raw(&api, "application/json", body).await;
        assert_failure_code(&reply, 400, "BadRequest");
    }
    assert!(api.names(CONFIG_MAPS).await.is_empty());
}

#[tokio::test]
async fn yaml_bodies_are_accepted() {
    let api = Api::start();
    let reply = post_raw(
        &api,
        "application/yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n  labels:\n    a: b\ndata:\n  config: |\n    hello: world\n",
    )
    .await;
    assert_eq!(reply.content_type(), "application/json");
    let created = reply.expect(201);
    assert_eq!(created["data"], json!({"config": "hello: world\n"}));
    assert_eq!(created["metadata"]["labels"], json!({"a": "b"}));
    // YAML numbers are numbers: the same type check as JSON.
    let reply = post_raw(
        &api,
        "application/yaml",
        "metadata:\n  name: typed\ndata:\n  a: 1\n",
    )
    .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string",
    );
    let reply = post_raw(&api, "application/yaml", "metadata: [unclosed\n").await;
    assert_failure_code(&reply, 400, "BadRequest");
}

#[tokio::test]
async fn an_unknown_content_type_is_415() {
    let api = Api::start();
    let reply = post_raw(&api, "text/plain", r#"{"metadata":{"name":"x"}}"#).await;
    assert_failure(
        &reply,
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
    );
    assert_eq!(api.get(&format!("{CONFIG_MAPS}/x")).await.code, 404);
}

#[tokio::test]
async fn a_wrong_field_type_is_refused_with_the_go_message() {
    let api = Api::start();
    let reply = api
        .post(
            CONFIG_MAPS,
            &json!({"metadata": {"name": "typed"}, "data": {"a": 1}}),
        )
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string",
    );
    let reply = api
        .post(
            CONFIG_MAPS,
            &json!({"metadata": {"name": "typed", "labels": {"a": true}}}),
        )
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string",
    );
    let reply = api
        .post(
            CONFIG_MAPS,
            &json!({"metadata": {"name": "typed"}, "immutable": "yes"}),
        )
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool",
    );
    assert_eq!(api.get(&format!("{CONFIG_MAPS}/typed")).await.code, 404);
}

#[tokio::test]
async fn an_invalid_name_is_422_with_a_cause_per_field() {
    let api = Api::start();
    let reply = api
        .post(CONFIG_MAPS, &json!({"metadata": {"name": "Bad_Name"}}))
        .await;
    let rule = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    let status = assert_failure(
        &reply,
        422,
        "Invalid",
        &format!(
            "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": {rule}"
        ),
    );
    assert_eq!(
        status["details"],
        json!({"name": "Bad_Name", "kind": "ConfigMap", "causes": [{
            "reason": "FieldValueInvalid",
            "message": format!("Invalid value: \"Bad_Name\": {rule}"),
            "field": "metadata.name",
        }]})
    );
    assert_eq!(api.get(&format!("{CONFIG_MAPS}/Bad_Name")).await.code, 404);

    let reply = api.post(CONFIG_MAPS, &json!({"metadata": {}})).await;
    let status = assert_failure(
        &reply,
        422,
        "Invalid",
        "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required",
    );
    assert_eq!(
        status["details"]["causes"][0]["reason"],
        "FieldValueRequired"
    );

    // Namespaces take DNS-1123 labels: no dots.
    let reply = api
        .post("/api/v1/namespaces", &json!({"metadata": {"name": "a.b"}}))
        .await;
    let status = assert_failure_code(&reply, 422, "Invalid");
    assert_eq!(status["details"]["kind"], "Namespace");
    assert_eq!(status["details"]["causes"][0]["field"], "metadata.name");
}

#[tokio::test]
async fn a_client_that_accepts_only_protobuf_gets_406_and_nothing_happens() {
    let api = Api::start();
    let reply = api
        .send(
            api.request(Method::POST, CONFIG_MAPS)
                .header(CONTENT_TYPE, "application/json")
                .header(ACCEPT, "application/vnd.kubernetes.protobuf")
                .body(r#"{"metadata":{"name":"unanswerable"}}"#),
        )
        .await;
    let status = assert_failure_code(&reply, 406, "NotAcceptable");
    assert!(
        status["message"].as_str().is_some_and(
            |m| m.starts_with("only the following media types are accepted: application/json")
        ),
        "{status}"
    );
    assert_eq!(
        api.get(&format!("{CONFIG_MAPS}/unanswerable")).await.code,
        404
    );
}
