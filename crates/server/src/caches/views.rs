//! The hub's own kinds as the authenticators need them.

use jiff::Timestamp;
use serde_json::Value;
use tokenhub_api::meta::ObjectExt;
use tokenhub_core::tokens;
use tokenhub_core::users;

/// A User, as authentication needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserView {
    pub uid: String,
    pub enabled: bool,
    pub groups: Vec<String>,
    pub created: Option<Timestamp>,
}

impl UserView {
    pub fn of(object: &Value) -> UserView {
        UserView {
            uid: object.uid().unwrap_or_default().to_string(),
            enabled: users::is_enabled(object),
            groups: users::groups_of(object)
                .into_iter()
                .map(str::to_string)
                .collect(),
            created: object
                .meta_str("creationTimestamp")
                .and_then(|t| t.parse().ok()),
        }
    }
}

/// A personal Token, as authentication needs it (its secret's hash is kept apart).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenView {
    pub user: String,
    pub enabled: bool,
    pub session: bool,
    pub created: Timestamp,
    pub ttl_ms: i64,
    pub last_used: Option<Timestamp>,
}

impl TokenView {
    /// `None` for a Token without owner or creation time (never written by the hub).
    pub fn of(object: &Value) -> Option<TokenView> {
        let created = object
            .meta_str("creationTimestamp")
            .and_then(|t| t.parse().ok())?;
        Some(TokenView {
            user: tokens::owner_of(object)?.to_string(),
            enabled: tokens::is_enabled(object),
            session: tokens::is_session(object),
            created,
            ttl_ms: object
                .pointer("/spec/ttl")
                .and_then(Value::as_i64)
                .unwrap_or(0),
            last_used: object
                .pointer("/status/lastUsedAt")
                .and_then(Value::as_str)
                .and_then(|t| t.parse().ok()),
        })
    }

    pub fn is_expired(&self, now: Timestamp) -> bool {
        tokens::is_expired(self.created, self.ttl_ms, now)
    }
}

/// An APIToken, as authentication needs it (its secret's hash is kept apart).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenView {
    pub expires_at: Option<Timestamp>,
    pub last_used: Option<Timestamp>,
    /// An `expiresAt` that cannot be read: the token is treated as expired.
    pub unreadable_expiry: bool,
}

impl ApiTokenView {
    pub fn of(object: &Value) -> ApiTokenView {
        let raw = object
            .pointer("/spec/expiresAt")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let expires_at = raw.and_then(|t| t.parse().ok());
        ApiTokenView {
            expires_at,
            last_used: object
                .pointer("/status/lastUsedAt")
                .and_then(Value::as_str)
                .and_then(|t| t.parse().ok()),
            unreadable_expiry: raw.is_some() && expires_at.is_none(),
        }
    }

    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.unreadable_expiry || self.expires_at.is_some_and(|at| now >= at)
    }
}
