//! Update (PUT): optimistic concurrency on resourceVersion, identity checks, validation.

use serde_json::{Value, json};

use crate::support::{Api, MODIFIED, assert_failure, resource_version};

const APP: &str = "/api/v1/namespaces/default/configmaps/app";

fn conflict_message(detail: &str) -> String {
    format!("Operation cannot be fulfilled on configmaps \"app\": {detail}")
}

fn with_data(object: &Value, data: Value) -> Value {
    let mut object = object.clone();
    object["data"] = data;
    object
}

#[tokio::test]
async fn put_with_the_current_resource_version_replaces_and_a_stale_one_conflicts() {
    let api = Api::start();
    let created = api.config_map("default", "app", json!({})).await;
    let updated = api
        .put(APP, &with_data(&created, json!({"mode": "fast"})))
        .await
        .expect(200);
    assert_eq!(updated["data"], json!({"mode": "fast"}));
    assert_eq!(updated["metadata"]["uid"], created["metadata"]["uid"]);
    assert_eq!(
        updated["metadata"]["creationTimestamp"],
        created["metadata"]["creationTimestamp"]
    );
    let (old_rv, new_rv) = (resource_version(&created), resource_version(&updated));
    assert!(new_rv.parse::<u64>().expect("a number") > old_rv.parse::<u64>().expect("a number"));

    let reply = api
        .put(APP, &with_data(&created, json!({"mode": "slow"})))
        .await;
    let status = assert_failure(&reply, 409, "Conflict", &conflict_message(MODIFIED));
    assert_eq!(
        status["details"],
        json!({"name": "app", "kind": "configmaps"})
    );
    assert_eq!(api.get(APP).await.expect(200), updated);

    // Without a resourceVersion the update is unconditional (ConfigMaps allow it).
    let mut unconditional = with_data(&created, json!({"mode": "any"}));
    unconditional["metadata"]
        .as_object_mut()
        .expect("metadata")
        .remove("resourceVersion");
    let replaced = api.put(APP, &unconditional).await.expect(200);
    assert_eq!(replaced["data"], json!({"mode": "any"}));
}

#[tokio::test]
async fn the_name_and_namespace_in_the_body_must_be_the_urls() {
    let api = Api::start();
    let created = api.config_map("default", "app", json!({})).await;
    let mut renamed = created.clone();
    renamed["metadata"]["name"] = json!("other");
    let reply = api.put(APP, &renamed).await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "the name of the object (other) does not match the name on the URL (app)",
    );
    let mut moved = created.clone();
    moved["metadata"]["namespace"] = json!("kube-system");
    let reply = api.put(APP, &moved).await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "the namespace of the provided object does not match the namespace sent on the request",
    );
    let mut other_uid = created.clone();
    other_uid["metadata"]["uid"] = json!("6a1b2c3d-0000-0000-0000-000000000000");
    let reply = api.put(APP, &other_uid).await;
    assert_failure(
        &reply,
        409,
        "Conflict",
        &conflict_message(&format!(
            "Precondition failed: UID in precondition: 6a1b2c3d-0000-0000-0000-000000000000, UID in object meta: {}",
            created["metadata"]["uid"].as_str().expect("a uid")
        )),
    );
    assert_eq!(api.get(APP).await.expect(200), created);

    let reply = api
        .put(
            "/api/v1/namespaces/default/configmaps/nope",
            &json!({"metadata": {"name": "nope"}}),
        )
        .await;
    assert_failure(&reply, 404, "NotFound", "configmaps \"nope\" not found");
}

#[tokio::test]
async fn two_concurrent_puts_from_the_same_version_one_wins_one_conflicts() {
    let api = Api::start();
    api.config_map("default", "app", json!({})).await;
    for round in 0..5 {
        let current = api.get(APP).await.expect(200);
        let left = with_data(&current, json!({"writer": format!("left-{round}")}));
        let right = with_data(&current, json!({"writer": format!("right-{round}")}));
        let (a, b) = tokio::join!(api.put(APP, &left), api.put(APP, &right));
        let mut codes = [a.code, b.code];
        codes.sort_unstable();
        assert_eq!(
            codes,
            [200, 409],
            "round {round}: {} / {}",
            a.text(),
            b.text()
        );
        let (winner, loser) = if a.code == 200 { (a, b) } else { (b, a) };
        assert_failure(&loser, 409, "Conflict", &conflict_message(MODIFIED));
        // The winner's write is the one stored; the loser's 409 wrote nothing. (The
        // resourceVersion is one counter for the whole hub, so other objects' writes may
        // come in between: only the object itself tells.)
        let stored = api.get(APP).await.expect(200);
        assert_eq!(stored, winner.json(), "round {round}");
        assert!(
            resource_version(&stored).parse::<u64>().expect("a number")
                > resource_version(&current).parse::<u64>().expect("a number"),
            "round {round}"
        );
    }
}

#[tokio::test]
async fn server_owned_fields_survive_an_update_and_rules_are_checked() {
    let api = Api::start();
    let created = api
        .post(
            "/api/v1/namespaces/default/configmaps",
            &json!({"metadata": {"name": "app"}, "data": {"a": "1"}, "immutable": true}),
        )
        .await
        .expect(201);
    let mut tampered = created.clone();
    tampered["metadata"]["creationTimestamp"] = json!("2000-01-01T00:00:00Z");
    tampered["metadata"]["labels"] = json!({"new": "label"});
    let updated = api.put(APP, &tampered).await.expect(200);
    assert_eq!(
        updated["metadata"]["creationTimestamp"],
        created["metadata"]["creationTimestamp"]
    );
    assert_eq!(updated["metadata"]["labels"], json!({"new": "label"}));

    let reply = api.put(APP, &with_data(&updated, json!({"a": "2"}))).await;
    let status = assert_failure(
        &reply,
        422,
        "Invalid",
        "ConfigMap \"app\" is invalid: data: Forbidden: field is immutable when `immutable` is set",
    );
    assert_eq!(
        status["details"],
        json!({"name": "app", "kind": "ConfigMap", "causes": [{
            "reason": "FieldValueForbidden",
            "message": "Forbidden: field is immutable when `immutable` is set",
            "field": "data",
        }]})
    );
}
