//! Authentication: a bearer token becomes a UserInfo, or the request is refused with 401.
//! Anonymous requests may only reach the public paths (version and health).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokenhub_core::credentials::{SecretHash, verify_secret};
use tokenhub_core::identity::{SYSTEM_AUTHENTICATED, SYSTEM_MASTERS, UserInfo};

use crate::error::ApiError;
use crate::state::Hub;

/// Turns a bearer token into an identity.
#[async_trait::async_trait]
pub trait Authenticator: Send + Sync + std::fmt::Debug {
    /// `None` when the token is not one this authenticator knows or is not valid.
    async fn authenticate(&self, token: &str) -> Option<UserInfo>;
}

/// The bootstrap admin's token, known only by its hash.
#[derive(Debug)]
pub struct BootstrapToken {
    hash: SecretHash,
}

/// The bootstrap admin: a member of `system:masters`.
pub const BOOTSTRAP_ADMIN: &str = "admin";

impl BootstrapToken {
    pub fn new(hash: SecretHash) -> Self {
        BootstrapToken { hash }
    }
}

#[async_trait::async_trait]
impl Authenticator for BootstrapToken {
    async fn authenticate(&self, token: &str) -> Option<UserInfo> {
        verify_secret(token, &self.hash).then(|| UserInfo {
            username: BOOTSTRAP_ADMIN.into(),
            uid: String::new(),
            groups: vec![SYSTEM_MASTERS.into(), SYSTEM_AUTHENTICATED.into()],
            extra: Default::default(),
        })
    }
}

/// Paths anyone may read: kubectl's version check and health probes.
fn is_public(path: &str) -> bool {
    matches!(path, "/version" | "/healthz" | "/livez" | "/readyz")
        || ["/healthz/", "/livez/", "/readyz/"]
            .iter()
            .any(|p| path.starts_with(p))
}

fn bearer(request: &Request) -> Option<&str> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Middleware: authenticates every request and stores the UserInfo in its extensions.
pub async fn authenticate(
    State(hub): State<Arc<Hub>>,
    mut request: Request,
    next: Next,
) -> Response {
    let user = match bearer(&request) {
        Some(token) => match hub.authenticator.authenticate(token).await {
            Some(user) => user,
            // A presented but unknown credential is refused even on public paths, as upstream.
            None => return ApiError::Unauthorized.into_response(),
        },
        None if is_public(request.uri().path()) => UserInfo::anonymous(),
        None => return ApiError::Unauthorized.into_response(),
    };
    request.extensions_mut().insert(user);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokenhub_core::credentials::hash_secret;

    #[tokio::test]
    async fn only_the_bootstrap_token_authenticates_as_a_master() {
        let auth = BootstrapToken::new(hash_secret("s3cret"));
        let user = auth.authenticate("s3cret").await.unwrap();
        assert!(user.in_group(SYSTEM_MASTERS));
        assert!(auth.authenticate("s3cre").await.is_none());
        assert!(auth.authenticate("").await.is_none());
    }

    #[test]
    fn only_version_and_health_are_public() {
        assert!(is_public("/version"));
        assert!(is_public("/readyz/ping"));
        assert!(!is_public("/api"));
        assert!(!is_public("/versionx"));
    }
}
