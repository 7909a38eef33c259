//! 410 Expired: a continue token or a watch that reaches back further than the change feed.

use jiff::SignedDuration;
use serde_json::json;

use crate::support::{Api, Watch, assert_failure_code, resource_version, with_query};

const CONFIG_MAPS: &str = "/api/v1/namespaces/default/configmaps";

/// Writes once more after the clock moved past the retention window and compacts, so that
/// every feed entry up to and including `rv`'s successor is forgotten.
async fn forget_the_past(api: &Api, clock: &tokenhub_core::clock::ManualClock) {
    api.config_map("default", "between", json!({})).await;
    clock.advance(SignedDuration::from_mins(10));
    api.config_map("default", "after", json!({})).await;
    assert!(api.hub.compact().await > 0);
}

#[tokio::test]
async fn a_continue_token_older_than_the_feed_is_410_expired() {
    let (api, clock) = Api::with_manual_clock();
    for name in ["a", "b", "c"] {
        api.config_map("default", name, json!({})).await;
    }
    let page = api
        .get(&with_query(CONFIG_MAPS, &[("limit", "1")]))
        .await
        .expect(200);
    let token = page["metadata"]["continue"]
        .as_str()
        .expect("a continue token")
        .to_string();
    forget_the_past(&api, &clock).await;

    let reply = api
        .get(&with_query(
            CONFIG_MAPS,
            &[("limit", "1"), ("continue", &token)],
        ))
        .await;
    let status = assert_failure_code(&reply, 410, "Expired");
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .starts_with("The provided continue parameter is too old"),
        "{status}"
    );
    // A fresh list still works.
    api.get(&with_query(CONFIG_MAPS, &[("limit", "1")]))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_watch_from_a_forgotten_resource_version_gets_a_410_error_event_and_ends() {
    let (api, clock) = Api::with_manual_clock();
    let first = api.config_map("default", "first", json!({})).await;
    let old = resource_version(&first);
    forget_the_past(&api, &clock).await;

    let path = with_query(CONFIG_MAPS, &[("watch", "true"), ("resourceVersion", &old)]);
    let mut watch = Watch::open(&api, &path, "application/json").await;
    let event = watch.next().await.expect("an ERROR event");
    assert_eq!(event["type"], "ERROR", "{event}");
    assert_eq!(event["object"]["kind"], "Status");
    assert_eq!(event["object"]["code"], 410);
    assert_eq!(event["object"]["reason"], "Expired");
    assert!(
        event["object"]["message"]
            .as_str()
            .unwrap()
            .starts_with("too old resource version:"),
        "{event}"
    );
    assert!(
        watch.next().await.is_none(),
        "the stream ends after the error"
    );
}
