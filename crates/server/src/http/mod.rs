//! The HTTP door: routes, and handlers that only extract, call and map.

mod body;
mod documents;
mod limits;
mod login;
pub mod negotiate;
mod passwords;
mod resources;
mod respond;
mod reviews;
mod special;
mod table;
mod token_request;
mod unread_body;
mod watch;

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::get;

pub use resources::is_token_kind;
use tokenhub_core::serviceaccount::{JWKS_PATH, OPENID_CONFIG_PATH};

use crate::state::Hub;
use crate::{authn, authz};

/// The whole API as one router; tests drive it with `oneshot`, the hub serves it over TLS.
pub fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/version", get(documents::version))
        .route("/healthz", get(documents::ok))
        .route("/livez", get(documents::ok))
        .route("/readyz", get(documents::ok))
        .route("/api", get(documents::core_discovery))
        .route("/apis", get(documents::group_discovery))
        .route("/api/{version}", get(documents::resource_list))
        .route("/apis/{group}/{version}", get(documents::resource_list))
        .route("/openapi/v3", get(documents::openapi_root))
        .route("/openapi/v3/{*path}", get(documents::openapi_document))
        .route("/openapi/v2", get(documents::openapi_v2))
        .route(OPENID_CONFIG_PATH, get(documents::openid_configuration))
        .route(JWKS_PATH, get(documents::jwks))
        .fallback(resources::handle)
        // Outermost last: read what handlers leave unread, limit, authenticate, impersonate,
        // authorize, then route.
        .layer(from_fn_with_state(Arc::clone(&hub), authz::authorize))
        .layer(from_fn_with_state(Arc::clone(&hub), authn::impersonate))
        .layer(from_fn_with_state(Arc::clone(&hub), authn::authenticate))
        .layer(from_fn_with_state(Arc::clone(&hub), limits::in_flight))
        .layer(from_fn_with_state(
            Arc::clone(&hub),
            unread_body::read_unread_body,
        ))
        .with_state(hub)
}
