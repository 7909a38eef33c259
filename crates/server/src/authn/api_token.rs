//! APITokens: `tha_<id>_<secret><checksum>`. The id leads to one entry of the in-memory view;
//! the secret is checked against its hash in constant time; the token must be unexpired. The
//! identity is `service-account-<lowercased id>` in group `tokenhub:apitokens`.

use std::sync::Arc;

use tokenhub_core::api_tokens::identity;
use tokenhub_core::bearer::{CredentialKind, parse};
use tokenhub_core::clock::Clock;
use tokenhub_core::credentials::verify_secret;

use super::last_used::LastUsed;
use super::{Authentication, Authenticator};
use crate::caches::Caches;

/// Where APITokens are stored (their `lastUsedAt` is written there).
const API_TOKENS_KEY: &str = "tokenhub.io/apitokens";

#[derive(Debug)]
pub struct ApiTokens {
    caches: Arc<Caches>,
    clock: Arc<dyn Clock>,
    last_used: Arc<LastUsed>,
}

impl ApiTokens {
    pub fn new(caches: Arc<Caches>, clock: Arc<dyn Clock>, last_used: Arc<LastUsed>) -> Self {
        ApiTokens {
            caches,
            clock,
            last_used,
        }
    }
}

#[async_trait::async_trait]
impl Authenticator for ApiTokens {
    async fn authenticate(&self, token: &str, _audiences: &[String]) -> Authentication {
        let Ok(parsed) = parse(token) else {
            return Authentication::Unknown;
        };
        if parsed.kind != CredentialKind::ApiToken {
            return Authentication::Unknown;
        }
        let rejected = |why: &str| Authentication::Rejected(why.to_string());
        let Some((view, hash)) = self.caches.api_token(&parsed.id) else {
            return rejected("API token not found");
        };
        if !verify_secret(parsed.secret.expose(), &hash) {
            return rejected("API token secret does not match");
        }
        let now = self.clock.now();
        if view.is_expired(now) {
            return rejected("API token has expired");
        }
        self.last_used
            .record(API_TOKENS_KEY, &parsed.id, view.last_used, now);
        Authentication::Authenticated {
            user: identity(&parsed.id),
            audiences: Vec::new(),
        }
    }
}
