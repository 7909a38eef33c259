//! What every request handler shares.

use std::sync::Arc;
use std::time::Duration;

use tokenhub_api::registry::Registry;
use tokenhub_core::clock::Clock;
use tokio::sync::Semaphore;

use tokenhub_core::login_limits::LoginLimiter;
use tokenhub_core::serviceaccount::{KeySet, TokenRequestPolicy};
use tokenhub_core::settings::EXT_TOKENS_FEATURE;

use crate::authn::AuthenticatorChain;
use crate::authz::Authorizer;
use crate::caches::Caches;
use crate::docs::ApiDocs;
use crate::objects::Objects;

/// Limits that protect the hub from its clients.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Request bodies above this are refused with 413.
    pub max_body_bytes: usize,
    /// Requests in flight (watches excluded) above this are refused with 429.
    pub max_in_flight: usize,
    /// How long a watch without `timeoutSeconds` stays open.
    pub watch_timeout: Duration,
    /// How often a watch that allows bookmarks gets one.
    pub bookmark_interval: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 3 * 1024 * 1024,
            max_in_flight: 400,
            watch_timeout: Duration::from_secs(30 * 60),
            bookmark_interval: Duration::from_secs(60),
        }
    }
}

impl Hub {
    /// The documents of the API as it is now (features can take kinds away without a restart).
    pub fn docs(&self) -> &ApiDocs {
        if self.caches.feature_enabled(EXT_TOKENS_FEATURE) {
            &self.docs
        } else {
            &self.docs_without_tokens
        }
    }
}

/// What the hub needs to issue ServiceAccount tokens.
#[derive(Debug)]
pub struct ServiceAccountIssuer {
    pub keys: Arc<KeySet>,
    /// `iss` of every token, and the OIDC issuer.
    pub issuer: String,
    /// The audiences tokens get by default and the hub accepts.
    pub api_audiences: Vec<String>,
    pub policy: TokenRequestPolicy,
}

#[derive(Debug)]
pub struct Hub {
    pub registry: Registry,
    pub objects: Objects,
    pub clock: Arc<dyn Clock>,
    pub authenticators: AuthenticatorChain,
    pub authorizer: Arc<Authorizer>,
    pub caches: Arc<Caches>,
    pub issuer: ServiceAccountIssuer,
    pub login_limiter: LoginLimiter,
    /// Discovery and OpenAPI with every kind, and without the Token API (ext-tokens off).
    pub docs: ApiDocs,
    pub docs_without_tokens: ApiDocs,
    pub limits: Limits,
    pub in_flight: Semaphore,
}
