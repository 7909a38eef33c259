//! Logins over HTTP (issue 4): `POST loginrequests` answers a session Token; a refusal is the
//! same whether the user exists or not; attempts are limited per user name and per address.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use tokenhub_core::clock::Clock;

use crate::people::*;
use crate::support::{Api, assert_failure, assert_failure_code};

const REFUSAL: &str = "invalid username or password";

#[tokio::test]
async fn a_login_answers_a_session_token_once() {
    let (api, clock) = Api::with_manual_clock();
    api.user("alice", &["dev"]).await;
    api.set_password("alice", PASSWORD).await;
    let reply = api.login("alice", PASSWORD).await;
    let answer = reply.expect(201);
    assert_eq!(answer["apiVersion"], "tokenhub.io/v1");
    assert_eq!(answer["kind"], "LoginRequest");
    // The password is not echoed back.
    assert_eq!(answer["spec"], json!({"username": "alice"}));
    assert!(!reply.text().contains(PASSWORD));
    let status = &answer["status"];
    let name = status["tokenName"].as_str().unwrap();
    let bearer = status["bearerToken"].as_str().unwrap();
    assert!(bearer.starts_with(&format!("tht_{name}_")), "{answer}");
    let now = Timestamp::from_second(clock.now().as_second()).unwrap();
    let expires: Timestamp = status["expiresAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires, now + SignedDuration::from_mins(960));

    let alice = api.with_token(bearer);
    let who = alice.whoami().await;
    assert_eq!(who["username"], "alice");
    assert_eq!(who["groups"], json!(["dev", "system:authenticated"]));
    let session = alice.get(&ext_token(name)).await.expect(200);
    assert_eq!(session["spec"]["kind"], "session");
    assert_eq!(session["spec"]["userID"], "alice");
    assert_eq!(session["spec"]["ttl"], 960 * 60_000);
    assert_eq!(session["status"]["current"], true);
    assert_eq!(
        session["metadata"]["labels"]["tokenhub.io/token-kind"],
        "session"
    );
    // Each login is a session of its own.
    let (again, other) = api.session("alice", PASSWORD).await;
    assert_ne!(again, bearer);
    assert_ne!(other, name);

    // After its lifetime the session no longer authenticates.
    clock.advance(SignedDuration::from_mins(961));
    assert_unauthorized(&alice.get(EXT_TOKENS).await);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_refusal() {
    let api = Api::start();
    api.person("alice").await;
    api.user("nopass", &[]).await;
    api.person("disabled").await;
    api.patch(
        &user_path("disabled"),
        crate::support::MERGE_PATCH,
        &json!({"spec": {"enabled": false}}),
    )
    .await
    .expect(200);
    let mut bodies = Vec::new();
    for (user, password) in [
        ("alice", "not the password"),
        ("ghost", "not the password"),
        ("nopass", "not the password"),
        ("disabled", PASSWORD),
        ("ALICE", PASSWORD),
    ] {
        let reply = api.login(user, password).await;
        assert_failure(&reply, 401, "Unauthorized", REFUSAL);
        bodies.push((reply.text(), reply.header("www-authenticate")));
    }
    bodies.dedup();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    // A caller who is authenticated gets the same; and can log in too.
    let robot = api.identity("default", "robot").await;
    assert_failure(
        &robot
            .post(LOGIN, &login_body("ghost", "not the password"))
            .await,
        401,
        "Unauthorized",
        REFUSAL,
    );
    robot
        .post(LOGIN, &login_body("alice", PASSWORD))
        .await
        .expect(201);
}

#[tokio::test]
async fn a_login_needs_a_username_and_a_password() {
    let api = Api::start();
    let reply = api
        .anonymous()
        .post(
            LOGIN,
            &json!({"apiVersion": "tokenhub.io/v1", "kind": "LoginRequest", "spec": {}}),
        )
        .await;
    let status = assert_failure_code(&reply, 422, "Invalid");
    let fields: Vec<&str> = status["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["spec.username", "spec.password"], "{status}");
    // Only create exists (anonymous callers may do nothing else: 401).
    assert_eq!(api.get(LOGIN).await.code, 405);
    assert_eq!(api.anonymous().get(LOGIN).await.code, 401);
}

#[tokio::test]
async fn logins_are_rate_limited_per_user_name() {
    let (api, clock) = Api::with_manual_clock();
    api.person("alice").await;
    api.person("bob").await;
    for user in ["alice", "ghost"] {
        for _ in 0..10 {
            assert_eq!(api.login(user, "not the password").await.code, 401);
        }
        // The 11th is refused before the password is looked at, right or wrong, user or not.
        for password in ["not the password", PASSWORD] {
            let reply = api.login(user, password).await;
            let status = assert_failure(
                &reply,
                429,
                "TooManyRequests",
                "Too many requests, please try again later.",
            );
            let retry: i64 = reply.header("retry-after").parse().expect("Retry-After");
            assert_eq!(retry, 90);
            assert_eq!(status["details"]["retryAfterSeconds"], 90, "{status}");
        }
    }
    // Other users are not held up.
    api.session("bob", PASSWORD).await;
    // Once the time has passed, alice may try again.
    clock.advance(SignedDuration::from_secs(90));
    api.session("alice", PASSWORD).await;
}

#[tokio::test]
async fn logins_are_rate_limited_per_address() {
    // The clock stands still, so no attempt is given back while the test runs.
    let (api, _clock) = Api::with_manual_clock();
    api.person("alice").await;
    // Logins that succeed do not use up the address.
    for _ in 0..60 {
        api.login("alice", PASSWORD).await.expect(201);
    }
    let mut first_refusal = None;
    for i in 0..60 {
        let code = api
            .login(&format!("user{i}"), "not the password")
            .await
            .code;
        if code == 429 {
            first_refusal = Some(i);
            break;
        }
        assert_eq!(code, 401);
    }
    // 50 failed attempts per address.
    assert_eq!(first_refusal, Some(50));
    assert_eq!(api.login("alice", PASSWORD).await.code, 429);
    // Authenticated requests are not logins.
    api.get(USERS).await.expect(200);
}
