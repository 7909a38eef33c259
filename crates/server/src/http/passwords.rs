//! `POST /apis/tokenhub.io/v1/users/{name}/password`: an administrator sets anyone's password;
//! users change their own by giving the current one. Only an argon2id hash is kept, in a
//! record no request can read.

use std::net::{IpAddr, Ipv4Addr};

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use tokenhub_api::decode::prune_unknown_fields;
use tokenhub_api::kinds::tokenhub_v1::{PASSWORDS_KEY, USERS, user_password_schema};
use tokenhub_api::meta::ObjectExt;
use tokenhub_api::status::{Status, StatusDetails};
use tokenhub_core::rbac::RequestAttributes;
use tokenhub_core::users::{hash_password, password_error, verify_password};
use tokenhub_store::{ObjectKey, Write};

use super::resources::Call;
use super::respond;
use crate::error::ApiError;
use crate::objects::invalid_if_any;
use crate::password_records;

fn text(body: &Value, field: &str) -> String {
    body.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

pub async fn set(call: Call, body: Body) -> Result<Response, ApiError> {
    let name = call.info.name.clone();
    let mut request = call.json_body(body).await?;
    let unknown = prune_unknown_fields(&mut request, user_password_schema())
        .map_err(|e| ApiError::BadRequest(format!("UserPassword cannot be handled: {e}")))?;
    if let Some(field) = unknown.first() {
        return Err(ApiError::BadRequest(format!(
            "UserPassword cannot be handled: strict decoding error: unknown field {field:?}"
        )));
    }
    let hub = &call.hub;
    let administrator = hub.authorizer.allows(
        &call.user,
        &RequestAttributes::resource("update", USERS.group, USERS.plural).named(&name),
    );
    let own = call.user.username == name;
    if !administrator && !own {
        return Err(ApiError::ForbiddenOn {
            target: crate::error::Target::new(USERS.group, USERS.plural, &name),
            reason: format!(
                "User {:?} cannot set the password of another user",
                call.user.username
            ),
        });
    }
    // The user must exist (asked only now: whether another user exists is not a user's to
    // learn here).
    let user = hub.objects.get(&USERS, "", &name).await?;
    let user_uid = user.uid().unwrap_or_default().to_string();
    let password = text(&request, "password");
    invalid_if_any(
        &USERS,
        &name,
        password_error("password", &password).into_iter().collect(),
    )?;

    let key = ObjectKey::new(PASSWORDS_KEY, "", name.as_str());
    let stored = hub
        .objects
        .store()
        .get(&key)
        .await
        .map_err(ApiError::internal)?;
    if !administrator {
        // A guess at the current password counts as a login attempt: a stolen token must not
        // make an unlimited password oracle.
        let address = call
            .client
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
        let now = hub.clock.now();
        if let Err(retry) = hub.login_limiter.begin_attempt(&name, address, now) {
            return Err(ApiError::TooManyRequests {
                retry_after_seconds: u32::try_from(retry.seconds()).unwrap_or(u32::MAX),
            });
        }
        let current = text(&request, "currentPassword");
        let phc = stored
            .as_ref()
            .and_then(|s| password_records::hash_for(&s.object, &user_uid));
        let verified = tokio::task::spawn_blocking(move || {
            phc.is_some_and(|phc| verify_password(&current, &phc))
        })
        .await
        .map_err(ApiError::internal)?;
        if !verified {
            // 403, not 401: the caller did authenticate; a 401 would tell clients to drop
            // their credential.
            return Err(ApiError::ForbiddenOn {
                target: crate::error::Target::new(USERS.group, USERS.plural, &name),
                reason: "the current password is not correct".into(),
            });
        }
        hub.login_limiter.record_success(&name, address, now);
    }
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let record = password_records::record(&name, &user_uid, &hash);
    let write = match stored {
        Some(_) => Write::Update {
            key,
            object: record,
            precondition: Default::default(),
        },
        None => Write::Create {
            key,
            object: record,
        },
    };
    hub.objects
        .store()
        .apply(vec![write])
        .await
        .map_err(ApiError::internal)?;
    let status = Status::success(StatusDetails {
        name,
        group: USERS.group.into(),
        kind: USERS.plural.into(),
        ..Default::default()
    });
    Ok(respond::json(StatusCode::OK, &status))
}
