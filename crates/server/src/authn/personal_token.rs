//! Personal Tokens: `tht_<name>_<secret><checksum>` or Rancher's `ext/<name>:<secret>`. The
//! name leads to one entry of the in-memory view; the secret is checked against its hash in
//! constant time; the token must be enabled and unexpired and its user exist and be enabled.

use std::sync::Arc;

use tokenhub_core::bearer::{CredentialKind, parse};
use tokenhub_core::clock::Clock;
use tokenhub_core::credentials::verify_secret;
use tokenhub_core::users::user_identity;

use super::last_used::LastUsed;
use super::{Authentication, Authenticator};
use crate::caches::Caches;

/// Where Tokens are stored (their `lastUsedAt` is written there).
const TOKENS_KEY: &str = "tokenhub.io/tokens";

/// The extra field that names the Token a request authenticated with (`status.current`).
pub const TOKEN_NAME_EXTRA: &str = "tokenhub.io/token-name";

#[derive(Debug)]
pub struct PersonalTokens {
    caches: Arc<Caches>,
    clock: Arc<dyn Clock>,
    last_used: Arc<LastUsed>,
}

impl PersonalTokens {
    pub fn new(caches: Arc<Caches>, clock: Arc<dyn Clock>, last_used: Arc<LastUsed>) -> Self {
        PersonalTokens {
            caches,
            clock,
            last_used,
        }
    }
}

#[async_trait::async_trait]
impl Authenticator for PersonalTokens {
    async fn authenticate(&self, token: &str, _audiences: &[String]) -> Authentication {
        let Ok(parsed) = parse(token) else {
            return Authentication::Unknown;
        };
        if parsed.kind != CredentialKind::PersonalToken {
            return Authentication::Unknown;
        }
        let rejected = |why: &str| Authentication::Rejected(why.to_string());
        let Some((view, hash)) = self.caches.token(&parsed.id) else {
            return rejected("token not found");
        };
        if !verify_secret(parsed.secret.expose(), &hash) {
            return rejected("token secret does not match");
        }
        let now = self.clock.now();
        if view.is_expired(now) {
            return rejected("token has expired");
        }
        if !view.enabled {
            return rejected("token is disabled");
        }
        let Some(user) = self.caches.user(&view.user).filter(|u| u.enabled) else {
            return rejected("the token's user does not exist or is disabled");
        };
        // A token older than its user was made for an earlier user of that name, whose
        // tokens are being deleted: it must not pass for the new one meanwhile.
        if user.created.is_some_and(|created| view.created < created) {
            return rejected("the token belongs to an earlier user of that name");
        }
        self.last_used
            .record(TOKENS_KEY, &parsed.id, view.last_used, now);
        let mut identity = user_identity(&view.user, &user.groups);
        identity.uid = user.uid;
        identity
            .extra
            .insert(TOKEN_NAME_EXTRA.into(), vec![parsed.id.clone()]);
        Authentication::Authenticated {
            user: identity,
            audiences: Vec::new(),
        }
    }
}
