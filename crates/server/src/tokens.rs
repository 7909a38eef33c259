//! Personal Tokens: minting (for their owner only, with a server-made name and secret) and how
//! a Token is shown to whoever reads it (expiry and `current` computed, never a secret).

use jiff::Timestamp;
use serde_json::{Map, Value, json};
use tokenhub_api::kinds::tokenhub_v1::{GROUP, RANCHER_GROUP, TOKEN_SECRETS_KEY, TOKENS};
use tokenhub_api::meta::ObjectExt;
use tokenhub_api::registry::ResourceType;
use tokenhub_core::bearer::{CredentialKind, IssuedBearer, format_rancher, issue};
use tokenhub_core::credentials::{hash_secret, hash_to_hex};
use tokenhub_core::identity::UserInfo;
use tokenhub_core::kinds::hub::label_token;
use tokenhub_core::tokens::{NEVER, SESSION_KIND, expires_at_rfc3339, generate_name, is_expired};
use tokenhub_store::{ObjectKey, Write};

use crate::authn::TOKEN_NAME_EXTRA;
use crate::error::ApiError;
use crate::objects::{WriteOptions, rfc3339};
use crate::state::Hub;

/// How many fresh names a Token create tries before giving up on collisions.
const NAME_ATTEMPTS: usize = 8;

/// A Token just created, with its secret (shown this once).
pub struct MintedToken {
    pub object: Value,
    pub bearer: IssuedBearer,
}

/// How long a Token being minted lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    /// What its `spec.ttl` asks, ingested under the settings in effect (a user's Token).
    Requested,
    /// As long as a login session (`auth-user-session-ttl-minutes`); its kind is `session`.
    Session,
    /// For ever: the hub's own Token of `admin` in `admin.kubeconfig`, which is only renewed
    /// at a start, so it must not expire in between.
    Never,
}

/// Creates a Token for `owner` from the client's `token` (its name, status and owner are the
/// server's), living as `lifetime` says.
pub async fn mint(
    hub: &Hub,
    owner: &str,
    mut token: Value,
    lifetime: Lifetime,
    options: &WriteOptions,
) -> Result<MintedToken, ApiError> {
    let settings = hub.caches.settings();
    let now = hub.clock.now();
    let Some(map) = token.as_object_mut() else {
        return Err(ApiError::BadRequest("a Token must be a JSON object".into()));
    };
    map.insert("apiVersion".into(), TOKENS.api_version().into());
    map.insert("kind".into(), TOKENS.kind.into());
    map.insert("status".into(), json!({"lastUpdateTime": rfc3339(now)}));
    let spec = map.entry("spec").or_insert_with(|| json!({}));
    let Some(spec) = spec.as_object_mut() else {
        return Err(ApiError::BadRequest(
            "spec of a Token must be an object".into(),
        ));
    };
    spec.insert("userID".into(), owner.into());
    if lifetime == Lifetime::Session {
        spec.insert("kind".into(), SESSION_KIND.into());
    }
    spec.entry("kind").or_insert_with(|| json!(""));
    let requested = spec.get("ttl").and_then(Value::as_i64).unwrap_or(0);
    let ttl = match lifetime {
        Lifetime::Requested => settings.ttl().ingest_ttl(requested),
        Lifetime::Session => settings.session_ttl_ms(),
        Lifetime::Never => NEVER,
    };
    spec.insert("ttl".into(), ttl.into());
    spec.entry("enabled").or_insert(Value::Bool(true));
    let meta = map.entry("metadata").or_insert_with(|| json!({}));
    if let Some(meta) = meta.as_object_mut() {
        // The server names Tokens; what a client asks for is ignored, as in Rancher.
        meta.remove("generateName");
    }
    label_token(&mut token);

    for _ in 0..NAME_ATTEMPTS {
        let name = generate_name();
        if let Some(meta) = token.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("name".into(), name.clone().into());
        }
        let bearer = issue(CredentialKind::PersonalToken, &name).map_err(ApiError::internal)?;
        let record = json!({
            "metadata": {"name": name},
            "userID": owner,
            "hash": hash_to_hex(&hash_secret(bearer.secret.expose())),
        });
        let also = vec![Write::Create {
            key: ObjectKey::new(TOKEN_SECRETS_KEY, "", name.as_str()),
            object: record,
        }];
        match hub
            .objects
            .create_with(&TOKENS, "", token.clone(), options, |_| also.clone())
            .await
        {
            Ok(written) => {
                return Ok(MintedToken {
                    object: written.object,
                    bearer,
                });
            }
            Err(ApiError::AlreadyExists(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ApiError::internal(
        "no free Token name after several attempts",
    ))
}

/// The create response: the Token as `t` shows it, with its secret and ready bearer string
/// (Rancher's `ext/<name>:<secret>` form when asked through `ext.cattle.io`).
pub fn created_response(t: &ResourceType, minted: &MintedToken, now: Timestamp) -> Value {
    let mut object = minted.object.clone();
    present(t, &mut object, now, None);
    let name = object.name().unwrap_or_default().to_string();
    let secret = &minted.bearer.secret;
    let bearer = if t.group == RANCHER_GROUP {
        format_rancher(&name, secret).expose().to_string()
    } else {
        minted.bearer.bearer.expose().to_string()
    };
    if let Some(status) = object.get_mut("status").and_then(Value::as_object_mut) {
        status.insert("value".into(), secret.expose().into());
        status.insert("bearerToken".into(), bearer.into());
    }
    object
}

/// The Token that authenticated `user`'s request, if a Token did.
pub fn request_token(user: &UserInfo) -> Option<&str> {
    user.extra
        .get(TOKEN_NAME_EXTRA)?
        .first()
        .map(String::as_str)
}

/// A stored Token as `t` shows it: its group's apiVersion, expiry and `current` computed.
pub fn present(t: &ResourceType, token: &mut Value, now: Timestamp, current: Option<&str>) {
    let created = token
        .pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .and_then(|c| c.parse::<Timestamp>().ok());
    let ttl = token
        .pointer("/spec/ttl")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let name = token.name().map(str::to_string);
    let Some(map) = token.as_object_mut() else {
        return;
    };
    if t.group == RANCHER_GROUP || t.group == GROUP {
        map.insert("apiVersion".into(), t.api_version().into());
    }
    let status = map
        .entry("status")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(status) = status.as_object_mut() else {
        return;
    };
    status.remove("value");
    status.remove("bearerToken");
    let (expires_at, expired) = match created {
        Some(created) => (
            expires_at_rfc3339(created, ttl).unwrap_or_default(),
            is_expired(created, ttl, now),
        ),
        None => (String::new(), false),
    };
    status.insert("expiresAt".into(), expires_at.into());
    status.insert("expired".into(), expired.into());
    status.insert(
        "current".into(),
        (current.is_some() && current == name.as_deref()).into(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokenhub_api::kinds::tokenhub_v1::RANCHER_TOKENS;

    #[test]
    fn presentation_computes_expiry_and_current_and_never_shows_a_secret() {
        let now: Timestamp = "2026-11-23T14:00:00Z".parse().unwrap();
        let mut token = json!({
            "apiVersion": "tokenhub.io/v1",
            "metadata": {"name": "token-abcde", "creationTimestamp": "2026-11-23T12:00:00Z"},
            "spec": {"ttl": 3_600_000},
            "status": {"value": "leaked?", "bearerToken": "leaked?"}
        });
        present(&RANCHER_TOKENS, &mut token, now, Some("token-abcde"));
        assert_eq!(token["apiVersion"], "ext.cattle.io/v1");
        assert_eq!(token["status"]["expiresAt"], "2026-11-23T13:00:00Z");
        assert_eq!(token["status"]["expired"], true);
        assert_eq!(token["status"]["current"], true);
        assert!(
            token["status"].get("value").is_none() && token["status"].get("bearerToken").is_none()
        );
        let mut never = json!({"metadata": {"name": "t", "creationTimestamp": "2026-11-23T12:00:00Z"}, "spec": {"ttl": -1}});
        present(&TOKENS, &mut never, now, None);
        assert_eq!(never["status"]["expiresAt"], "");
        assert_eq!(never["status"]["expired"], false);
        assert_eq!(never["status"]["current"], false);
    }
}
