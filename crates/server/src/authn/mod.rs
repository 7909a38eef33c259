//! Authentication: one chain of authenticators turns a bearer token into a UserInfo. Requests
//! without a token are anonymous and go on to authorization, which refuses them with 401
//! unless anonymous access is bound.

mod api_token;
mod impersonation;
pub mod last_used;
mod personal_token;
mod service_account;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokenhub_core::identity::UserInfo;

pub use api_token::ApiTokens;
pub use impersonation::impersonate;
pub use personal_token::{PersonalTokens, TOKEN_NAME_EXTRA};
pub use service_account::ServiceAccountTokens;

use crate::error::ApiError;
use crate::state::Hub;

/// What an authenticator makes of a token.
#[derive(Debug)]
pub enum Authentication {
    /// A valid credential: who it is, and the audiences it is valid for.
    Authenticated {
        user: UserInfo,
        audiences: Vec<String>,
    },
    /// Not a credential this authenticator knows; the next one may.
    Unknown,
    /// A credential of this authenticator that is not valid (expired, revoked, wrong audience).
    Rejected(String),
}

#[async_trait::async_trait]
pub trait Authenticator: Send + Sync + std::fmt::Debug {
    /// `audiences`: those the token must be valid for (empty: the hub's own).
    async fn authenticate(&self, token: &str, audiences: &[String]) -> Authentication;
}

/// Asks each authenticator in turn; the first that knows the token decides.
#[derive(Debug, Default)]
pub struct AuthenticatorChain {
    authenticators: Vec<Arc<dyn Authenticator>>,
}

impl AuthenticatorChain {
    pub fn new(authenticators: Vec<Arc<dyn Authenticator>>) -> Self {
        AuthenticatorChain { authenticators }
    }

    pub async fn authenticate(
        &self,
        token: &str,
        audiences: &[String],
    ) -> Result<(UserInfo, Vec<String>), String> {
        for authenticator in &self.authenticators {
            match authenticator.authenticate(token, audiences).await {
                Authentication::Authenticated { user, audiences } => return Ok((user, audiences)),
                Authentication::Rejected(reason) => return Err(reason),
                Authentication::Unknown => {}
            }
        }
        Err("invalid bearer token".into())
    }
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

/// Middleware: authenticates every request and stores its UserInfo in the extensions; a
/// presented token that no authenticator accepts is 401 at once, as upstream.
pub async fn authenticate(
    State(hub): State<Arc<Hub>>,
    mut request: Request,
    next: Next,
) -> Response {
    let user = match bearer(&request) {
        Some(token) => match hub.authenticators.authenticate(token, &[]).await {
            Ok((user, _)) => user,
            Err(reason) => {
                tracing::debug!(%reason, "authentication failed");
                return ApiError::Unauthorized.into_response();
            }
        },
        None => UserInfo::anonymous(),
    };
    request.extensions_mut().insert(user);
    next.run(request).await
}
