//! Create through JSON: server-owned metadata, generated names, dry runs, field validation.

use serde_json::{Value, json};

use crate::support::{Api, assert_failure};

const CONFIG_MAPS: &str = "/api/v1/namespaces/default/configmaps";

fn is_rfc3339_utc_seconds(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20 && b[4] == b'-' && b[10] == b'T' && b[19] == b'Z'
}

#[tokio::test]
async fn create_answers_201_with_the_stored_object_and_server_owned_metadata() {
    let api = Api::start();
    let reply = api
        .post(
            &format!("{CONFIG_MAPS}?fieldManager=kubectl-create&fieldValidation=Strict"),
            &json!({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "app", "labels": {"tier": "web"}, "uid": "client-made",
                                 "creationTimestamp": "2000-01-01T00:00:00Z", "selfLink": "/x"},
                    "data": {"mode": "fast"}}),
        )
        .await;
    assert_eq!(reply.content_type(), "application/json");
    assert!(reply.all_headers("warning").is_empty());
    let created = reply.expect(201);
    assert_eq!(created["apiVersion"], "v1");
    assert_eq!(created["kind"], "ConfigMap");
    assert_eq!(created["data"], json!({"mode": "fast"}));
    let meta = &created["metadata"];
    assert_eq!(meta["name"], "app");
    assert_eq!(meta["namespace"], "default");
    assert_eq!(meta["labels"], json!({"tier": "web"}));
    let uid = meta["uid"].as_str().expect("a uid");
    assert_eq!(uid.len(), 36, "{uid}");
    assert_ne!(uid, "client-made");
    let created_at = meta["creationTimestamp"].as_str().expect("a creation time");
    assert!(is_rfc3339_utc_seconds(created_at), "{created_at}");
    assert_ne!(created_at, "2000-01-01T00:00:00Z");
    assert!(meta.get("selfLink").is_none(), "{meta}");
    assert!(
        meta["resourceVersion"]
            .as_str()
            .is_some_and(|rv| rv.parse::<u64>().is_ok()),
        "{meta}"
    );
    // What create answered is what is stored.
    assert_eq!(
        api.get(&format!("{CONFIG_MAPS}/app")).await.expect(200),
        created
    );

    let again = api
        .post(CONFIG_MAPS, &json!({"metadata": {"name": "app"}}))
        .await;
    let status = assert_failure(
        &again,
        409,
        "AlreadyExists",
        "configmaps \"app\" already exists",
    );
    assert_eq!(
        status["details"],
        json!({"name": "app", "kind": "configmaps"})
    );
}

#[tokio::test]
async fn kind_and_api_version_may_be_left_out_but_not_contradicted() {
    let api = Api::start();
    let created = api
        .post(CONFIG_MAPS, &json!({"metadata": {"name": "bare"}}))
        .await
        .expect(201);
    assert_eq!(
        (created["apiVersion"].as_str(), created["kind"].as_str()),
        (Some("v1"), Some("ConfigMap"))
    );
    let reply = api
        .post(
            CONFIG_MAPS,
            &json!({"apiVersion": "v2", "kind": "ConfigMap", "metadata": {"name": "v2"}}),
        )
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "the API version in the data (v2) does not match the expected API version (v1)",
    );
    let reply = api
        .post(
            CONFIG_MAPS,
            &json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}),
        )
        .await;
    assert_eq!(reply.code, 400, "{}", reply.text());
    assert_eq!(api.get(&format!("{CONFIG_MAPS}/s")).await.code, 404);
}

#[tokio::test]
async fn generate_name_appends_five_random_characters() {
    let api = Api::start();
    let mut names = Vec::new();
    for _ in 0..3 {
        let created = api
            .post(CONFIG_MAPS, &json!({"metadata": {"generateName": "job-"}}))
            .await
            .expect(201);
        assert_eq!(created["metadata"]["generateName"], "job-");
        let name = created["metadata"]["name"]
            .as_str()
            .expect("a name")
            .to_string();
        let suffix = name
            .strip_prefix("job-")
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(suffix.len(), 5, "{name}");
        assert!(
            suffix
                .bytes()
                .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)),
            "{name}"
        );
        assert_eq!(api.get(&format!("{CONFIG_MAPS}/{name}")).await.code, 200);
        names.push(name);
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 3);

    // A name given alongside wins.
    let created = api
        .post(
            CONFIG_MAPS,
            &json!({"metadata": {"name": "fixed", "generateName": "job-"}}),
        )
        .await
        .expect(201);
    assert_eq!(created["metadata"]["name"], "fixed");
}

#[tokio::test]
async fn dry_run_answers_201_and_stores_nothing() {
    let api = Api::start();
    let before = api.get(CONFIG_MAPS).await.expect(200);
    let reply = api
        .post(
            &format!("{CONFIG_MAPS}?dryRun=All"),
            &json!({"metadata": {"name": "dry"}, "data": {"a": "b"}}),
        )
        .await;
    let answered = reply.expect(201);
    assert_eq!(answered["metadata"]["name"], "dry");
    assert_eq!(answered["data"], json!({"a": "b"}));
    assert_eq!(api.get(&format!("{CONFIG_MAPS}/dry")).await.code, 404);
    // Not even the resourceVersion moved.
    let after = api.get(CONFIG_MAPS).await.expect(200);
    assert_eq!(
        after["metadata"]["resourceVersion"],
        before["metadata"]["resourceVersion"]
    );

    // A dry run is validated like the real thing.
    let reply = api
        .post(
            &format!("{CONFIG_MAPS}?dryRun=All"),
            &json!({"metadata": {"name": "Bad_Name"}}),
        )
        .await;
    assert_eq!(reply.code, 422, "{}", reply.text());
}

#[tokio::test]
async fn strict_field_validation_refuses_unknown_fields() {
    let api = Api::start();
    let body = json!({"metadata": {"name": "strict"}, "spec": {"foo": 1}});
    let reply = api
        .post(&format!("{CONFIG_MAPS}?fieldValidation=Strict"), &body)
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"spec\"",
    );
    let reply = api
        .post(
            &format!("{CONFIG_MAPS}?fieldValidation=Strict"),
            &json!({"metadata": {"name": "strict", "colour": "red"}, "spec": 1}),
        )
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"metadata.colour\", unknown field \"spec\"",
    );
    assert_eq!(api.get(&format!("{CONFIG_MAPS}/strict")).await.code, 404);
}

#[tokio::test]
async fn warn_field_validation_drops_unknown_fields_with_a_warning_per_field() {
    let api = Api::start();
    let reply = api
        .post(
            &format!("{CONFIG_MAPS}?fieldValidation=Warn"),
            &json!({"metadata": {"name": "warned"}, "spec": {"foo": 1}}),
        )
        .await;
    let created = reply.expect(201);
    assert_eq!(
        reply.all_headers("warning"),
        vec![r#"299 - "unknown field \"spec\"""#]
    );
    assert!(created.get("spec").is_none(), "{created}");
    let stored = api.get(&format!("{CONFIG_MAPS}/warned")).await.expect(200);
    assert!(stored.get("spec").is_none(), "{stored}");

    let reply = api
        .post(
            &format!("{CONFIG_MAPS}?fieldValidation=Warn"),
            &json!({"metadata": {"name": "twice", "colour": "red"}, "spec": 1}),
        )
        .await;
    reply.expect(201);
    assert_eq!(
        reply.all_headers("warning"),
        vec![
            r#"299 - "unknown field \"metadata.colour\"""#,
            r#"299 - "unknown field \"spec\"""#
        ]
    );
}

#[tokio::test]
async fn without_field_validation_the_server_warns_as_kube_apiserver_does() {
    // kube-apiserver's default is Warn (since 1.23); kubectl always says what it wants.
    let api = Api::start();
    let reply = api
        .post(
            CONFIG_MAPS,
            &json!({"metadata": {"name": "default"}, "spec": {}}),
        )
        .await;
    reply.expect(201);
    assert_eq!(
        reply.all_headers("warning"),
        vec![r#"299 - "unknown field \"spec\"""#]
    );
}

#[tokio::test]
async fn ignore_field_validation_drops_unknown_fields_silently() {
    let api = Api::start();
    let reply = api
        .post(
            &format!("{CONFIG_MAPS}?fieldValidation=Ignore"),
            &json!({"metadata": {"name": "ignored"}, "spec": {"foo": 1}, "data": {"a": "b"}}),
        )
        .await;
    let created = reply.expect(201);
    assert!(reply.all_headers("warning").is_empty());
    assert!(created.get("spec").is_none());
    assert_eq!(created["data"], json!({"a": "b"}));

    let reply = api
        .post(
            &format!("{CONFIG_MAPS}?fieldValidation=Sometimes"),
            &json!({"metadata": {"name": "x"}}),
        )
        .await;
    assert_eq!(reply.code, 400, "{}", reply.text());
}

#[tokio::test]
async fn a_resource_version_on_create_is_refused() {
    let api = Api::start();
    let reply = api
        .post(
            CONFIG_MAPS,
            &json!({"metadata": {"name": "versioned", "resourceVersion": "5"}}),
        )
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        "resourceVersion should not be set on objects to be created",
    );
    assert_eq!(api.get(&format!("{CONFIG_MAPS}/versioned")).await.code, 404);
    // An empty one is no resourceVersion at all.
    let created: Value = api
        .post(
            CONFIG_MAPS,
            &json!({"metadata": {"name": "versioned", "resourceVersion": ""}}),
        )
        .await
        .expect(201);
    assert_ne!(created["metadata"]["resourceVersion"], "");
}
