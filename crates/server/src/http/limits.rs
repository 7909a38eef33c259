//! Protection from overload: requests beyond the in-flight limit get 429 at once.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::Hub;

/// Long-running requests (watches) are not counted: they would starve everyone else.
fn is_long_running(request: &Request) -> bool {
    let watch_query = request
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "watch=true" || p == "watch=1"));
    watch_query || request.uri().path().contains("/watch/")
}

/// Health probes are exempt, as kube-apiserver's `probes` flow schema makes them: a busy hub
/// must not be restarted for failing its liveness probe.
fn is_probe(request: &Request) -> bool {
    matches!(request.uri().path(), "/healthz" | "/livez" | "/readyz")
}

pub async fn in_flight(State(hub): State<Arc<Hub>>, request: Request, next: Next) -> Response {
    if is_long_running(&request) || is_probe(&request) {
        return next.run(request).await;
    }
    match hub.in_flight.try_acquire() {
        Ok(_permit) => next.run(request).await,
        Err(_) => ApiError::TooManyRequests {
            retry_after_seconds: 1,
        }
        .into_response(),
    }
}
