//! ServiceAccount tokens: JWTs the hub signed (TokenRequest), valid while their ServiceAccount
//! exists with the uid they name. A token verified once is not verified again while it lives.

use std::sync::Arc;

use tokenhub_core::clock::Clock;
use tokenhub_core::serviceaccount::{KeySet, ServiceAccountClaims, VerifiedTokenCache};

use super::{Authentication, Authenticator};
use crate::caches::Caches;

#[derive(Debug)]
pub struct ServiceAccountTokens {
    keys: Arc<KeySet>,
    issuer: String,
    /// The audiences a token must carry one of when the caller names none (the hub's own).
    api_audiences: Vec<String>,
    verified: VerifiedTokenCache,
    caches: Arc<Caches>,
    clock: Arc<dyn Clock>,
}

/// Verified tokens kept at most; beyond it the cache evicts.
const VERIFIED_TOKENS: usize = 10_000;

/// JWTs are three base64url parts; a JOSE header always starts with `eyJ` (`{"`).
fn looks_like_jwt(token: &str) -> bool {
    token.starts_with("eyJ") && token.bytes().filter(|b| *b == b'.').count() == 2
}

impl ServiceAccountTokens {
    pub fn new(
        keys: Arc<KeySet>,
        issuer: String,
        api_audiences: Vec<String>,
        caches: Arc<Caches>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        ServiceAccountTokens {
            keys,
            issuer,
            api_audiences,
            verified: VerifiedTokenCache::new(VERIFIED_TOKENS),
            caches,
            clock,
        }
    }

    fn verify(&self, token: &str) -> Result<Arc<ServiceAccountClaims>, String> {
        let now = self.clock.now();
        if let Some(claims) = self.verified.get(token, now) {
            return Ok(claims);
        }
        let claims = Arc::new(
            self.keys
                .verify(token, now, &self.issuer, &[])
                .map_err(|e| e.to_string())?,
        );
        self.verified.insert(token, Arc::clone(&claims));
        Ok(claims)
    }
}

#[async_trait::async_trait]
impl Authenticator for ServiceAccountTokens {
    async fn authenticate(&self, token: &str, audiences: &[String]) -> Authentication {
        if !looks_like_jwt(token) {
            return Authentication::Unknown;
        }
        let claims = match self.verify(token) {
            Ok(claims) => claims,
            Err(reason) => return Authentication::Rejected(reason),
        };
        let wanted = if audiences.is_empty() {
            &self.api_audiences
        } else {
            audiences
        };
        let accepted: Vec<String> = claims
            .aud
            .iter()
            .filter(|a| wanted.contains(a))
            .cloned()
            .collect();
        if accepted.is_empty() {
            return Authentication::Rejected("token audiences are invalid".into());
        }
        let account = &claims.kubernetes_io.serviceaccount;
        let namespace = &claims.kubernetes_io.namespace;
        match self.caches.service_account_uid(namespace, &account.name) {
            Some(uid) if uid == account.uid => {}
            Some(uid) => {
                // The account was deleted and made again: tokens of the old one are dead.
                self.verified.forget_service_account(&account.uid);
                return Authentication::Rejected(format!(
                    "service account UID ({uid}) does not match claim ({})",
                    account.uid
                ));
            }
            None => {
                self.verified.forget_service_account(&account.uid);
                return Authentication::Rejected(format!(
                    "serviceaccounts \"{}\" not found",
                    account.name
                ));
            }
        }
        Authentication::Authenticated {
            user: claims.user_info(),
            audiences: accepted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_jwt;

    #[test]
    fn only_jwt_shaped_tokens_are_taken_up() {
        assert!(looks_like_jwt("eyJhbGciOi.eyJpc3Mi.c2ln"));
        assert!(!looks_like_jwt("thb_abc"));
        assert!(!looks_like_jwt("eyJonly.two"));
    }
}
