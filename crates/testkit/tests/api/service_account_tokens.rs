//! ServiceAccount tokens (TokenRequest on `serviceaccounts/token`): signed JWTs with kube's
//! claims, lifetimes within the hub's cap, audiences honoured, dead with their account or at
//! their expiry, verifiable through the OIDC documents, and signing keys that rotate without
//! killing live tokens.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use tokenhub_core::clock::{Clock, SystemClock};
use tokenhub_core::serviceaccount::SigningAlgorithm;

use crate::accounts::{jwt, token_path, token_request_body, username};
use crate::support::{Api, Client, Reply, assert_failure};

const ACCOUNTS: &str = "/api/v1/namespaces/default/serviceaccounts";
const WHOAMI: &str = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
const ISSUER: &str = "https://tokenhub.example.test";

/// Whether `client`'s token is taken: a SelfSubjectReview, 201 or 401.
async fn works(client: &Client) -> bool {
    let reply = client
        .post(
            WHOAMI,
            &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}),
        )
        .await;
    match reply.code {
        201 => true,
        401 => {
            assert_unauthorized(&reply);
            false
        }
        other => panic!("neither 201 nor 401 but {other}: {}", reply.text()),
    }
}

#[track_caller]
fn assert_unauthorized(reply: &Reply) {
    assert_failure(reply, 401, "Unauthorized", "Unauthorized");
}

fn token_of(answer: &Value) -> String {
    answer["status"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {answer}"))
        .to_string()
}

fn seconds(value: &Value) -> i64 {
    value
        .as_i64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

/// `status.expirationTimestamp` as kube writes it: RFC 3339 in seconds, UTC.
fn rfc3339(second: i64) -> String {
    Timestamp::from_second(second)
        .expect("a timestamp")
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[tokio::test]
async fn a_token_carries_the_kubernetes_claims_and_lives_an_hour_by_default() {
    let api = Api::start();
    let account = api.service_account("default", "bot").await;
    let answer = api
        .token_request("default", "bot", json!({}))
        .await
        .expect(201);
    assert_eq!(answer["kind"], "TokenRequest");
    assert_eq!(answer["apiVersion"], "authentication.k8s.io/v1");
    assert_eq!(
        answer["metadata"],
        json!({"name": "bot", "namespace": "default", "creationTimestamp": null})
    );
    assert_eq!(
        answer["spec"],
        json!({"audiences": [api.hub.url], "expirationSeconds": 3600})
    );
    let token = token_of(&answer);
    let (header, claims) = jwt(&token);
    let kid = header["kid"].as_str().expect("a kid").to_string();
    assert!(!kid.is_empty());
    assert_eq!(header, json!({"alg": "ES256", "kid": kid}));

    let keys: Vec<&str> = claims
        .as_object()
        .expect("claims")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "aud",
            "exp",
            "iat",
            "iss",
            "jti",
            "kubernetes.io",
            "nbf",
            "sub"
        ]
    );
    assert_eq!(claims["iss"], api.hub.url.as_str());
    assert_eq!(claims["aud"], json!([api.hub.url]));
    assert_eq!(claims["sub"], username("default", "bot"));
    let (iat, exp) = (seconds(&claims["iat"]), seconds(&claims["exp"]));
    assert_eq!(exp - iat, 3600);
    assert_eq!(claims["nbf"], claims["iat"]);
    let now = SystemClock.now().as_second();
    assert!((iat - now).abs() < 60, "iat {iat} is now ({now})");
    let jti = claims["jti"].as_str().expect("a jti");
    assert_eq!(jti.len(), 36, "a UUID: {jti}");
    assert_eq!(
        claims["kubernetes.io"],
        json!({"namespace": "default",
               "serviceaccount": {"name": "bot", "uid": account["metadata"]["uid"]}})
    );
    assert_eq!(answer["status"]["expirationTimestamp"], rfc3339(exp));

    // Every token is another: a new jti.
    let again = api.token("default", "bot").await;
    assert_ne!(jwt(&again).1["jti"], claims["jti"]);
    assert!(works(&api.with_token(&token)).await);
}

#[tokio::test]
async fn lifetimes_under_ten_minutes_are_invalid() {
    let api = Api::start();
    api.service_account("default", "bot").await;
    let reply = api
        .token_request("default", "bot", json!({"expirationSeconds": 599}))
        .await;
    let status = assert_failure(
        &reply,
        422,
        "Invalid",
        r#"TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes"#,
    );
    assert_eq!(
        status["details"],
        json!({"group": "authentication.k8s.io", "kind": "TokenRequest",
               "causes": [{"reason": "FieldValueInvalid",
                           "message": "Invalid value: 599: may not specify a duration less than 10 minutes",
                           "field": "spec.expirationSeconds"}]})
    );
    assert_failure(
        &api.token_request(
            "default",
            "bot",
            json!({"expirationSeconds": 4_294_967_297_i64}),
        )
        .await,
        422,
        "Invalid",
        r#"TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds"#,
    );
    let answer = api
        .token_request("default", "bot", json!({"expirationSeconds": 600}))
        .await
        .expect(201);
    assert_eq!(answer["spec"]["expirationSeconds"], 600);
    let (_, claims) = jwt(&token_of(&answer));
    assert_eq!(seconds(&claims["exp"]) - seconds(&claims["iat"]), 600);
}

#[tokio::test]
async fn longer_requests_are_capped_and_the_answer_says_the_real_expiry() {
    let api = Api::start_with(|o| {
        o.service_accounts.max_token_expiration = SignedDuration::from_hours(2);
    });
    api.service_account("default", "bot").await;
    let reply = api
        .token_request("default", "bot", json!({"expirationSeconds": 36000}))
        .await;
    assert_eq!(
        reply.all_headers("warning"),
        [r#"299 - "requested expiration of 36000 seconds shortened to 7200 seconds""#]
    );
    let answer = reply.expect(201);
    assert_eq!(answer["spec"]["expirationSeconds"], 7200);
    let (_, claims) = jwt(&token_of(&answer));
    let exp = seconds(&claims["exp"]);
    assert_eq!(exp - seconds(&claims["iat"]), 7200);
    assert_eq!(answer["status"]["expirationTimestamp"], rfc3339(exp));

    // At the cap or under it: as asked, without a warning.
    for asked in [7200, 3600] {
        let reply = api
            .token_request("default", "bot", json!({"expirationSeconds": asked}))
            .await;
        assert!(reply.all_headers("warning").is_empty(), "{asked}");
        assert_eq!(reply.expect(201)["spec"]["expirationSeconds"], asked);
    }
}

#[tokio::test]
async fn a_token_for_a_missing_service_account_is_404() {
    let api = Api::start();
    let reply = api.token_request("default", "ghost", json!({})).await;
    let status = assert_failure(
        &reply,
        404,
        "NotFound",
        r#"serviceaccounts "ghost" not found"#,
    );
    assert_eq!(
        status["details"],
        json!({"name": "ghost", "kind": "serviceaccounts"})
    );
    // kube looks the account up before it validates the request.
    assert_failure(
        &api.token_request("default", "ghost", json!({"expirationSeconds": 1}))
            .await,
        404,
        "NotFound",
        r#"serviceaccounts "ghost" not found"#,
    );
    assert_failure(
        &api.token_request("nowhere", "ghost", json!({})).await,
        404,
        "NotFound",
        r#"serviceaccounts "ghost" not found"#,
    );
}

#[tokio::test]
async fn the_request_names_its_account_or_nothing() {
    let api = Api::start();
    api.service_account("default", "bot").await;
    let mut body = token_request_body(json!({}));
    body["metadata"] = json!({"name": "other"});
    assert_failure(
        &api.post(&token_path("default", "bot"), &body).await,
        422,
        "Invalid",
        r#"TokenRequest.authentication.k8s.io "bot" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified"#,
    );
    body["metadata"] = json!({"name": "bot", "namespace": "kube-system"});
    assert_failure(
        &api.post(&token_path("default", "bot"), &body).await,
        422,
        "Invalid",
        r#"TokenRequest.authentication.k8s.io "bot" is invalid: metadata.namespace: Invalid value: "kube-system": must match the service account namespace if specified"#,
    );
    body["metadata"] = json!({"name": "bot", "namespace": "default"});
    api.post(&token_path("default", "bot"), &body)
        .await
        .expect(201);
}

#[tokio::test]
async fn a_token_dies_with_its_account_even_when_one_of_the_same_name_returns() {
    let api = Api::start();
    api.service_account("default", "bot").await;
    let old = api.with_token(&api.token("default", "bot").await);
    assert!(works(&old).await);

    api.delete(&format!("{ACCOUNTS}/bot"), &json!({}))
        .await
        .expect(200);
    assert_unauthorized(&old.get("/api").await);
    assert!(!works(&old).await);

    api.service_account("default", "bot").await;
    assert!(
        !works(&old).await,
        "a new account of the same name is another"
    );
    let new = api.with_token(&api.token("default", "bot").await);
    assert!(works(&new).await);
}

#[tokio::test]
async fn a_token_expires_at_exp_plus_the_minute_of_clock_skew_kube_allows() {
    let (api, clock) = Api::with_manual_clock();
    api.service_account("default", "bot").await;
    let token = api.token("default", "bot").await;
    let bot = api.with_token(&token);
    assert!(works(&bot).await);

    clock.advance(SignedDuration::from_secs(3599));
    assert!(works(&bot).await, "before exp");
    clock.advance(SignedDuration::from_secs(30));
    assert!(works(&bot).await, "within the leeway");
    clock.advance(SignedDuration::from_secs(32));
    assert!(!works(&bot).await, "expired");
    assert_unauthorized(&bot.get("/api/v1/namespaces/default/configmaps").await);
    // A new token of the same account works.
    assert!(works(&api.with_token(&api.token("default", "bot").await)).await);
}

#[tokio::test]
async fn a_token_for_another_audience_is_not_a_credential_of_the_hub() {
    let api = Api::start();
    api.service_account("default", "bot").await;
    let answer = api
        .token_request(
            "default",
            "bot",
            json!({"audiences": ["https://vault.example.test"]}),
        )
        .await
        .expect(201);
    assert_eq!(
        answer["spec"]["audiences"],
        json!(["https://vault.example.test"])
    );
    let token = token_of(&answer);
    assert_eq!(jwt(&token).1["aud"], json!(["https://vault.example.test"]));
    assert!(!works(&api.with_token(&token)).await);

    // One of several audiences being the hub's is enough.
    let both = token_of(
        &api.token_request(
            "default",
            "bot",
            json!({"audiences": ["https://vault.example.test", api.hub.url]}),
        )
        .await
        .expect(201),
    );
    assert!(works(&api.with_token(&both)).await);
}

#[tokio::test]
async fn bound_object_references_name_objects_the_hub_does_not_serve() {
    let api = Api::start();
    api.service_account("default", "bot").await;
    let reply = api
        .token_request(
            "default",
            "bot",
            json!({"boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "web-0"}}),
        )
        .await;
    assert_failure(&reply, 404, "NotFound", r#"pods "web-0" not found"#);
}

#[tokio::test]
async fn the_oidc_documents_describe_the_issuer_and_its_keys() {
    let api = Api::start();
    let anonymous = api.anonymous();
    let reply = anonymous.get("/.well-known/openid-configuration").await;
    assert_eq!(reply.content_type(), "application/json");
    assert_eq!(reply.header("cache-control"), "public, max-age=3600");
    assert_eq!(
        reply.expect(200),
        json!({
            "issuer": api.hub.url,
            "jwks_uri": format!("{}/openid/v1/jwks", api.hub.url),
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
        })
    );
    let reply = anonymous.get("/openid/v1/jwks").await;
    assert_eq!(reply.content_type(), "application/jwk-set+json");
    assert_eq!(reply.header("cache-control"), "public, max-age=3600");
    let jwks = reply.expect(200);
    let keys = jwks["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 1, "{jwks}");
    let key = &keys[0];
    assert_eq!(
        (&key["kty"], &key["crv"], &key["alg"], &key["use"]),
        (
            &json!("EC"),
            &json!("P-256"),
            &json!("ES256"),
            &json!("sig")
        )
    );
    assert!(key["x"].is_string() && key["y"].is_string(), "{key}");
    assert!(key.get("d").is_none(), "no private part: {key}");
    // The key that signs tokens is the one published.
    api.service_account("default", "bot").await;
    let (header, _) = jwt(&api.token("default", "bot").await);
    assert_eq!(header["kid"], key["kid"]);
}

#[tokio::test]
async fn a_configured_issuer_names_the_tokens_and_is_their_default_audience() {
    let api = Api::start_with(|o| o.service_accounts.issuer = Some(ISSUER.into()));
    api.service_account("default", "bot").await;
    let answer = api
        .token_request("default", "bot", json!({}))
        .await
        .expect(201);
    assert_eq!(answer["spec"]["audiences"], json!([ISSUER]));
    let token = token_of(&answer);
    let (_, claims) = jwt(&token);
    assert_eq!(
        (&claims["iss"], &claims["aud"]),
        (&json!(ISSUER), &json!([ISSUER]))
    );
    assert!(works(&api.with_token(&token)).await);
    let configuration = api
        .anonymous()
        .get("/.well-known/openid-configuration")
        .await
        .expect(200);
    assert_eq!(configuration["issuer"], ISSUER);
    // The JWKS is where this hub serves it.
    assert_eq!(
        configuration["jwks_uri"],
        format!("{}/openid/v1/jwks", api.hub.url)
    );
    // A token of the hub's URL as audience is not for this issuer's hub.
    let other = token_of(
        &api.token_request("default", "bot", json!({"audiences": [api.hub.url]}))
            .await
            .expect(201),
    );
    assert!(!works(&api.with_token(&other)).await);
}

#[tokio::test]
async fn rs256_signs_with_an_rsa_key_published_in_the_jwks() {
    let api = Api::start_with(|o| {
        o.service_accounts.signing_algorithm = SigningAlgorithm::RS256;
    });
    api.service_account("default", "bot").await;
    let token = api.token("default", "bot").await;
    let (header, _) = jwt(&token);
    assert_eq!(header["alg"], "RS256");
    assert!(works(&api.with_token(&token)).await);
    let jwks = api.anonymous().get("/openid/v1/jwks").await.expect(200);
    let key = &jwks["keys"][0];
    assert_eq!(
        (
            &key["kty"],
            &key["alg"],
            &key["use"],
            &key["e"],
            &key["kid"]
        ),
        (
            &json!("RSA"),
            &json!("RS256"),
            &json!("sig"),
            &json!("AQAB"),
            &header["kid"]
        )
    );
    // A 2048-bit modulus or more, base64url without padding.
    let n = key["n"].as_str().expect("a modulus");
    assert!(n.len() >= 342 && !n.contains('='), "{n}");
    let configuration = api
        .anonymous()
        .get("/.well-known/openid-configuration")
        .await
        .expect(200);
    assert_eq!(
        configuration["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
}

fn kids(jwks: &Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["kid"].as_str().expect("a kid").to_string())
        .collect()
}

#[tokio::test]
async fn a_rotated_signing_key_keeps_verifying_the_tokens_it_signed() {
    // A fixed issuer: the restarted hub listens on another port.
    let api = Api::start_with(|o| o.service_accounts.issuer = Some(ISSUER.into()));
    api.service_account("default", "bot").await;
    let old_token = api.token("default", "bot").await;
    let old_kid = jwt(&old_token).0["kid"].clone();

    let api = api.restart_with(|o| {
        o.service_accounts.issuer = Some(ISSUER.into());
        o.service_accounts.rotate_signing_key = true;
    });
    assert!(
        works(&api.with_token(&old_token)).await,
        "the old token lives"
    );
    let new_token = api.token("default", "bot").await;
    let new_kid = jwt(&new_token).0["kid"].clone();
    assert_ne!(new_kid, old_kid);
    assert!(works(&api.with_token(&new_token)).await);
    let jwks = api.anonymous().get("/openid/v1/jwks").await.expect(200);
    let published = kids(&jwks);
    assert_eq!(published.len(), 2, "{jwks}");
    assert_eq!(
        published[0],
        new_kid.as_str().expect("a kid"),
        "the signing key first"
    );
    assert!(published.contains(&old_kid.as_str().expect("a kid").to_string()));

    // A restart without rotation keeps the keys as they are.
    let api = api.restart_with(|o| o.service_accounts.issuer = Some(ISSUER.into()));
    let jwks = api.anonymous().get("/openid/v1/jwks").await.expect(200);
    assert_eq!(kids(&jwks), published);
    assert_eq!(jwt(&api.token("default", "bot").await).0["kid"], new_kid);
    assert!(works(&api.with_token(&old_token)).await);
}

#[tokio::test]
async fn changing_the_algorithm_rotates_and_both_algorithms_are_published() {
    let api = Api::start_with(|o| o.service_accounts.issuer = Some(ISSUER.into()));
    api.service_account("default", "bot").await;
    let es256 = api.token("default", "bot").await;
    let api = api.restart_with(|o| {
        o.service_accounts.issuer = Some(ISSUER.into());
        o.service_accounts.signing_algorithm = SigningAlgorithm::RS256;
    });
    let rs256 = api.token("default", "bot").await;
    assert_eq!(jwt(&rs256).0["alg"], "RS256");
    assert!(works(&api.with_token(&es256)).await);
    assert!(works(&api.with_token(&rs256)).await);
    let configuration = api
        .anonymous()
        .get("/.well-known/openid-configuration")
        .await
        .expect(200);
    assert_eq!(
        configuration["id_token_signing_alg_values_supported"],
        json!(["ES256", "RS256"])
    );
}
