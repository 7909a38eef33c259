//! Limits that protect the hub: the body size and the number of requests in flight.

use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::json;

use crate::support::{Api, assert_failure};

const CONFIG_MAPS: &str = "/api/v1/namespaces/default/configmaps";

#[tokio::test]
async fn a_body_over_3_mib_is_413_and_nothing_is_stored() {
    let api = Api::start();
    let big = "x".repeat(3 * 1024 * 1024 + 1);
    let body = json!({"metadata": {"name": "big"}, "data": {"big": big}}).to_string();
    let reply = api
        .send(
            api.request(Method::POST, CONFIG_MAPS)
                .header(CONTENT_TYPE, "application/json")
                .header(ACCEPT, "application/json")
                .body(body),
        )
        .await;
    assert_failure(
        &reply,
        413,
        "RequestEntityTooLarge",
        "Request entity too large: limit is 3145728",
    );
    assert_eq!(api.get(&format!("{CONFIG_MAPS}/big")).await.code, 404);
    // A body just under the limit is read (and then judged on its merits: too much data).
    let body =
        json!({"metadata": {"name": "big"}, "data": {"big": "x".repeat(3 * 1024 * 1024 - 100)}});
    let reply = api.post(CONFIG_MAPS, &body).await;
    assert_eq!(reply.code, 422, "{}", reply.text());
}

#[tokio::test]
async fn beyond_the_in_flight_limit_requests_get_429_with_retry_after() {
    let api = Api::start_with(|options| options.limits.max_in_flight = 0);
    for path in ["/api/v1/namespaces", "/api", "/version"] {
        let reply = api.get(path).await;
        let status = assert_failure(
            &reply,
            429,
            "TooManyRequests",
            "Too many requests, please try again later.",
        );
        assert_eq!(status["details"], json!({"retryAfterSeconds": 1}));
        assert_eq!(reply.header("retry-after"), "1");
    }
    let reply = api
        .post(CONFIG_MAPS, &json!({"metadata": {"name": "refused"}}))
        .await;
    assert_eq!(reply.code, 429, "{}", reply.text());

    // Watches are long-running and not counted; health probes are never refused.
    let reply = api
        .get(&format!("{CONFIG_MAPS}?watch=true&timeoutSeconds=1"))
        .await;
    assert_eq!(reply.code, 200, "{}", reply.text());
    assert!(!reply.text().contains("refused"));
    for probe in ["/healthz", "/livez", "/readyz"] {
        let reply = api.get(probe).await;
        assert_eq!((reply.code, reply.text().as_str()), (200, "ok"), "{probe}");
    }
}
