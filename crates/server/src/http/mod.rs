//! The HTTP door: routes, and handlers that only extract, call and map.

mod body;
mod documents;
mod limits;
pub mod negotiate;
mod resources;
mod respond;
mod table;
mod watch;

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::get;

use crate::auth;
use crate::state::Hub;

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
        .fallback(resources::handle)
        .layer(from_fn_with_state(Arc::clone(&hub), auth::authenticate))
        .layer(from_fn_with_state(Arc::clone(&hub), limits::in_flight))
        .with_state(hub)
}
