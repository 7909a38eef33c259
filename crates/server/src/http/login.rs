//! `POST /apis/tokenhub.io/v1/loginrequests`: a username and password for a session Token.
//! Attempts are limited per user name and per client address, and a refusal says the same
//! whether the user exists or not (and takes as long).

use std::net::{IpAddr, Ipv4Addr};

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use tokenhub_api::kinds::tokenhub_v1::{PASSWORDS_KEY, TOKENS};
use tokenhub_core::users::verify_password_or_dummy;
use tokenhub_core::validation::FieldError;
use tokenhub_store::ObjectKey;

use super::resources::Call;
use super::respond;
use crate::error::ApiError;
use crate::objects::{WriteOptions, invalid_if_any};
use crate::password_records;
use crate::tokens;

const REFUSAL: &str = "invalid username or password";

fn spec_text(request: &Value, field: &str) -> String {
    request
        .pointer(&format!("/spec/{field}"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The stored password hash of `username` (whose uid is `user_uid`), if they have one.
async fn password_hash(
    call: &Call,
    username: &str,
    user_uid: &str,
) -> Result<Option<String>, ApiError> {
    let key = ObjectKey::new(PASSWORDS_KEY, "", username);
    let stored = call
        .hub
        .objects
        .store()
        .get(&key)
        .await
        .map_err(ApiError::internal)?;
    Ok(stored.and_then(|s| password_records::hash_for(&s.object, user_uid)))
}

pub async fn create(call: Call, body: Body) -> Result<Response, ApiError> {
    let options = call.write_options()?;
    let (request, _) = call.object_body(body, &options).await?;
    let username = spec_text(&request, "username");
    let password = spec_text(&request, "password");
    let mut errors = Vec::new();
    for (field, value) in [("spec.username", &username), ("spec.password", &password)] {
        if value.is_empty() {
            errors.push(FieldError::required(field, ""));
        }
    }
    invalid_if_any(call.t, "", errors)?;

    let hub = &call.hub;
    let address = call
        .client
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    let now = hub.clock.now();
    if let Err(retry) = hub.login_limiter.begin_attempt(&username, address, now) {
        return Err(ApiError::TooManyRequests {
            retry_after_seconds: u32::try_from(retry.seconds().max(1)).unwrap_or(u32::MAX),
        });
    }
    let user = hub.caches.user(&username).filter(|u| u.enabled);
    let enabled = user.is_some();
    let hash = match user {
        Some(user) => password_hash(&call, &username, &user.uid).await?,
        None => None,
    };
    // The hash is checked (or a dummy one, for unknown users) off the async workers: argon2
    // takes tens of milliseconds on purpose.
    let verified =
        tokio::task::spawn_blocking(move || verify_password_or_dummy(&password, hash.as_deref()))
            .await
            .map_err(ApiError::internal)?;
    if !(enabled && verified) {
        return Err(ApiError::Unauthenticated(REFUSAL.into()));
    }
    hub.login_limiter.record_success(&username, address, now);

    let session = json!({"spec": {"description": "login session"}});
    let minted = tokens::mint(
        hub,
        &username,
        session,
        tokens::Lifetime::Session,
        &WriteOptions::default(),
    )
    .await?;
    let created = tokens::created_response(&TOKENS, &minted, now);
    let status = json!({
        "bearerToken": created.pointer("/status/bearerToken").cloned().unwrap_or_default(),
        "tokenName": created.pointer("/metadata/name").cloned().unwrap_or_default(),
        "expiresAt": created.pointer("/status/expiresAt").cloned().unwrap_or_default(),
    });
    let answer = json!({
        "apiVersion": call.t.api_version(),
        "kind": call.t.kind,
        "metadata": {"creationTimestamp": null},
        "spec": {"username": username},
        "status": status,
    });
    Ok(respond::json(StatusCode::CREATED, &answer))
}
