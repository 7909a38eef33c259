//! Settings and Features over HTTP (issue 4): the three ttl settings, validated against each
//! other; and feature `ext-tokens`, which takes the Token API away (discovery, paths, OpenAPI)
//! without a restart while existing tokens keep authenticating.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use tokenhub_core::clock::Clock;

use crate::people::*;
use crate::support::{
    AGGREGATED_ACCEPT, Api, Client, MERGE_PATCH, TABLE_ACCEPT, assert_failure, cells, names,
    with_query,
};

const MAX: &str = "auth-token-max-ttl-minutes";
const DEFAULT: &str = "auth-token-default-ttl-minutes";
const SESSION: &str = "auth-user-session-ttl-minutes";

fn setting_path(name: &str) -> String {
    format!("{SETTINGS}/{name}")
}

#[tokio::test]
async fn the_settings_exist_with_their_defaults() {
    let api = Api::start();
    let mut all = names(&api.get(SETTINGS).await.expect(200));
    all.sort();
    assert_eq!(all, [DEFAULT, MAX, SESSION]);
    for (name, default) in [(MAX, "129600"), (DEFAULT, "0"), (SESSION, "960")] {
        let setting = api.get(&setting_path(name)).await.expect(200);
        assert_eq!(setting["value"], "", "{setting}");
        assert_eq!(setting["default"], default, "{setting}");
    }
    let table = api
        .get_as(&setting_path(MAX), TABLE_ACCEPT)
        .await
        .expect(200);
    assert_eq!(cells(&table, 0, 2), [json!(MAX), json!("129600")]);
    let features = names(&api.get(FEATURES).await.expect(200));
    assert_eq!(features, ["ext-tokens"]);
    let feature = api.get(&format!("{FEATURES}/ext-tokens")).await.expect(200);
    assert_eq!(feature["status"]["default"], true, "{feature}");
}

#[tokio::test]
async fn settings_are_validated_against_each_other() {
    let api = Api::start();
    let invalid = |name: &str, value: Value, detail: &str| {
        format!(
            r#"Setting.tokenhub.io "{name}" is invalid: value: Invalid value: {value}: {detail}"#
        )
    };
    assert_failure(
        &api.set_setting(MAX, json!("ninety days")).await,
        422,
        "Invalid",
        &invalid(
            MAX,
            json!("ninety days"),
            r#"must be a whole number of minutes, such as "129600""#,
        ),
    );
    assert_failure(
        &api.set_setting(MAX, json!("-1")).await,
        422,
        "Invalid",
        &invalid(MAX, json!("-1"), "must be at least 0"),
    );
    assert_failure(
        &api.set_setting(SESSION, json!("0")).await,
        422,
        "Invalid",
        &invalid(SESSION, json!("0"), "must be at least 1"),
    );
    // The value is a string, as Rancher's: a JSON number is not one.
    assert_failure(
        &api.set_setting(SESSION, json!(60)).await,
        400,
        "BadRequest",
        r#"Setting in version "v1" cannot be handled as a Setting: json: cannot unmarshal number into Go struct field Setting.value of type string"#,
    );
    let status = assert_failure(
        &api.set_setting(DEFAULT, json!("200000")).await,
        422,
        "Invalid",
        &invalid(
            DEFAULT,
            json!("200000"),
            &format!("may not exceed {MAX} (129600)"),
        ),
    );
    assert_eq!(status["details"]["causes"][0]["field"], "value", "{status}");

    // Within the max, the default may be set; then the max may not go below it.
    api.set_setting(DEFAULT, json!("1440")).await.expect(200);
    assert_failure(
        &api.set_setting(MAX, json!("60")).await,
        422,
        "Invalid",
        &invalid(
            MAX,
            json!("60"),
            &format!("may not be below {DEFAULT} (1440); lower that first"),
        ),
    );
    // Unlimited is always fine.
    api.set_setting(MAX, json!("0")).await.expect(200);
    api.set_setting(DEFAULT, json!("200000")).await.expect(200);
    api.set_setting(MAX, json!("")).await.expect(422);
    api.set_setting(DEFAULT, json!("")).await.expect(200);
    api.set_setting(MAX, json!("")).await.expect(200);
    // The default is the server's.
    let setting = api
        .patch(&setting_path(MAX), MERGE_PATCH, &json!({"default": "1"}))
        .await
        .expect(200);
    assert_eq!(setting["default"], "129600");
    // Settings are neither created nor deleted.
    let body = json!({"apiVersion": "tokenhub.io/v1", "kind": "Setting", "metadata": {"name": "x"}, "value": "1"});
    assert_eq!(api.post(SETTINGS, &body).await.code, 405);
    assert_eq!(api.delete(&setting_path(MAX), &json!({})).await.code, 405);
}

#[tokio::test]
async fn only_administrators_change_settings_and_features() {
    let api = Api::start();
    let alice = api.person("alice").await;
    assert_eq!(
        alice
            .patch(&setting_path(MAX), MERGE_PATCH, &json!({"value": "0"}))
            .await
            .code,
        403
    );
    assert_eq!(
        alice
            .patch(
                &format!("{FEATURES}/ext-tokens"),
                MERGE_PATCH,
                &json!({"spec": {"value": false}})
            )
            .await
            .code,
        403
    );
    let reply = api
        .patch(
            &format!("{FEATURES}/ext-tokens"),
            MERGE_PATCH,
            &json!({"spec": {"value": "off"}}),
        )
        .await;
    assert_failure(
        &reply,
        400,
        "BadRequest",
        r#"Feature in version "v1" cannot be handled as a Feature: json: cannot unmarshal string into Go struct field FeatureSpec.spec.value of type bool"#,
    );
}

#[tokio::test]
async fn the_session_lifetime_follows_its_setting() {
    let (api, clock) = Api::with_manual_clock();
    api.person("alice").await;
    api.set_setting(SESSION, json!("30")).await.expect(200);
    let answer = api.login("alice", PASSWORD).await.expect(201);
    let now = Timestamp::from_second(clock.now().as_second()).unwrap();
    let expires: Timestamp = answer["status"]["expiresAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(expires, now + SignedDuration::from_mins(30));
    let name = answer["status"]["tokenName"].as_str().unwrap();
    let session = api.get(&ext_token(name)).await.expect(200);
    assert_eq!(session["spec"]["ttl"], 30 * 60_000);
    // Sessions are not bound by the max of personal tokens.
    api.set_setting(MAX, json!("10")).await.expect(200);
    let answer = api.login("alice", PASSWORD).await.expect(201);
    let expires: Timestamp = answer["status"]["expiresAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(expires, now + SignedDuration::from_mins(30));
}

/// The groups of aggregated discovery, and the resources of `group`'s v1.
async fn discovered(client: &Client, group: &str) -> (Vec<String>, Vec<String>) {
    let body = client.get_as("/apis", AGGREGATED_ACCEPT).await.expect(200);
    let items = body["items"].as_array().expect("items");
    let groups = items
        .iter()
        .map(|g| {
            g["metadata"]["name"]
                .as_str()
                .expect("a group name")
                .to_string()
        })
        .collect();
    let resources = items
        .iter()
        .find(|g| g["metadata"]["name"] == group)
        .map(|g| {
            g["versions"][0]["resources"]
                .as_array()
                .expect("resources")
                .iter()
                .map(|r| r["resource"].as_str().expect("a resource").to_string())
                .collect()
        })
        .unwrap_or_default();
    (groups, resources)
}

async fn legacy_groups(client: &Client) -> Vec<String> {
    let body = client.get_as("/apis", "application/json").await.expect(200);
    body["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g["name"].as_str().expect("a group name").to_string())
        .collect()
}

async fn openapi_paths(client: &Client) -> Vec<String> {
    let root = client.get("/openapi/v3").await.expect(200);
    root["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn the_ext_tokens_feature_takes_the_token_api_away_and_brings_it_back() {
    let api = Api::start();
    let alice = api.person("alice").await;
    let created = alice.create_token(json!({})).await;
    let by_rancher_form = api.with_token(&created.bearer);

    // On, by default.
    let (groups, hub_resources) = discovered(&alice, "tokenhub.io").await;
    assert!(groups.contains(&"ext.cattle.io".to_string()), "{groups:?}");
    assert!(
        hub_resources.contains(&"tokens".to_string()),
        "{hub_resources:?}"
    );
    assert!(
        legacy_groups(&alice)
            .await
            .contains(&"ext.cattle.io".to_string())
    );
    assert!(
        openapi_paths(&alice)
            .await
            .contains(&"apis/ext.cattle.io/v1".to_string())
    );

    api.set_feature("ext-tokens", false).await;
    let (groups, hub_resources) = discovered(&alice, "tokenhub.io").await;
    assert!(!groups.contains(&"ext.cattle.io".to_string()), "{groups:?}");
    assert!(groups.contains(&"tokenhub.io".to_string()), "{groups:?}");
    assert!(
        !hub_resources.contains(&"tokens".to_string()),
        "{hub_resources:?}"
    );
    assert!(
        hub_resources.contains(&"users".to_string()),
        "{hub_resources:?}"
    );
    assert!(
        !legacy_groups(&alice)
            .await
            .contains(&"ext.cattle.io".to_string())
    );
    let hub_list = api.get("/apis/tokenhub.io/v1").await.expect(200);
    assert!(
        hub_list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["name"] != "tokens"),
        "{hub_list}"
    );
    assert!(
        !openapi_paths(&alice)
            .await
            .contains(&"apis/ext.cattle.io/v1".to_string())
    );
    for path in ["/apis/ext.cattle.io", "/apis/ext.cattle.io/v1"] {
        assert_eq!(api.get(path).await.code, 404, "{path}");
    }
    let not_found = "the server could not find the requested resource";
    for client in [&api.client, &alice.client] {
        for path in [
            EXT_TOKENS.to_string(),
            HUB_TOKENS.to_string(),
            ext_token(&created.name),
            hub_token(&created.name),
            with_query(EXT_TOKENS, &[("watch", "true")]),
        ] {
            assert_failure(&client.get(&path).await, 404, "NotFound", not_found);
        }
        assert_failure(
            &client.post(EXT_TOKENS, &token_body(json!({}))).await,
            404,
            "NotFound",
            not_found,
        );
        assert_failure(
            &client
                .patch(
                    &ext_token(&created.name),
                    MERGE_PATCH,
                    &json!({"spec": {"enabled": false}}),
                )
                .await,
            404,
            "NotFound",
            not_found,
        );
        assert_failure(
            &client.delete(&ext_token(&created.name), &json!({})).await,
            404,
            "NotFound",
            not_found,
        );
    }
    // Existing tokens still authenticate, in both forms, and logins still work.
    assert_eq!(alice.whoami().await["username"], "alice");
    assert_eq!(by_rancher_form.whoami().await["username"], "alice");
    api.session("alice", PASSWORD).await;

    api.set_feature("ext-tokens", true).await;
    let (groups, hub_resources) = discovered(&alice, "tokenhub.io").await;
    assert!(groups.contains(&"ext.cattle.io".to_string()), "{groups:?}");
    assert!(hub_resources.contains(&"tokens".to_string()));
    assert!(
        legacy_groups(&alice)
            .await
            .contains(&"ext.cattle.io".to_string())
    );
    assert!(
        openapi_paths(&alice)
            .await
            .contains(&"apis/ext.cattle.io/v1".to_string())
    );
    alice.get(&ext_token(&created.name)).await.expect(200);
    alice.create_token(json!({})).await;

    // Back to the default (null) is on too.
    api.patch(
        &format!("{FEATURES}/ext-tokens"),
        MERGE_PATCH,
        &json!({"spec": {"value": null}}),
    )
    .await
    .expect(200);
    alice.get(EXT_TOKENS).await.expect(200);
}
