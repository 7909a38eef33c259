//! Version, health, discovery and OpenAPI: documents rendered once at start.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokenhub_api::discovery::AGGREGATED_CONTENT_TYPE;
use tokenhub_core::serviceaccount::DISCOVERY_MAX_AGE_SECONDS;

use super::negotiate::accepted;
use crate::docs::Document;
use crate::error::ApiError;
use crate::state::Hub;

/// kubectl's dispatcher runs the kubectl whose minor version the server reports.
pub async fn version() -> Response {
    super::respond::json(
        StatusCode::OK,
        &json!({
            "major": "1",
            "minor": "32",
            "gitVersion": "v1.32.0",
            "gitCommit": env!("CARGO_PKG_VERSION"),
            "gitTreeState": "clean",
            "buildDate": "2026-01-01T00:00:00Z",
            "goVersion": "tokenhub",
            "compiler": "rustc",
            "platform": format!("{}/{}", std::env::consts::OS, std::env::consts::ARCH),
        }),
    )
}

pub async fn ok() -> &'static str {
    "ok"
}

fn json_document(doc: &Document, content_type: &'static str) -> Response {
    let mut response = (StatusCode::OK, doc.body.clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", doc.hash)) {
        headers.insert(header::ETAG, etag);
    }
    response
}

/// Whether the client asked for aggregated discovery (kubectl ≥ 1.30 does, first).
fn wants_aggregated(headers: &HeaderMap) -> bool {
    accepted(headers).iter().any(|m| {
        m.param("as") == Some("APIGroupDiscoveryList")
            && m.param("g") == Some("apidiscovery.k8s.io")
            && m.param("v") == Some("v2")
    })
}

pub async fn core_discovery(State(hub): State<Arc<Hub>>, headers: HeaderMap) -> Response {
    if wants_aggregated(&headers) {
        json_document(&hub.docs().aggregated_core, AGGREGATED_CONTENT_TYPE)
    } else {
        json_document(&hub.docs().legacy_core, "application/json")
    }
}

pub async fn group_discovery(State(hub): State<Arc<Hub>>, headers: HeaderMap) -> Response {
    if wants_aggregated(&headers) {
        json_document(&hub.docs().aggregated_groups, AGGREGATED_CONTENT_TYPE)
    } else {
        json_document(&hub.docs().legacy_groups, "application/json")
    }
}

pub async fn resource_list(State(hub): State<Arc<Hub>>, uri: axum::http::Uri) -> Response {
    match hub.docs().resource_lists.get(uri.path()) {
        Some(doc) => json_document(doc, "application/json"),
        None => ApiError::NoRoute.into_response(),
    }
}

pub async fn openapi_root(State(hub): State<Arc<Hub>>) -> Response {
    json_document(&hub.docs().openapi_root, "application/json")
}

pub async fn openapi_document(State(hub): State<Arc<Hub>>, Path(path): Path<String>) -> Response {
    match hub.docs().openapi.get(&path) {
        Some(doc) => {
            let mut response = json_document(doc, "application/json");
            // The URL carries the content hash, so the document under it never changes.
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, immutable, max-age=31536000"),
            );
            response
        }
        None => ApiError::NoRoute.into_response(),
    }
}

/// The issuer's OIDC discovery document, so others can verify ServiceAccount tokens.
pub async fn openid_configuration(State(hub): State<Arc<Hub>>) -> Response {
    cacheable(json_document(
        &hub.docs().oidc.configuration,
        "application/json",
    ))
}

pub async fn jwks(State(hub): State<Arc<Hub>>) -> Response {
    cacheable(json_document(
        &hub.docs().oidc.jwks,
        "application/jwk-set+json",
    ))
}

fn cacheable(mut response: Response) -> Response {
    let value = format!("public, max-age={DISCOVERY_MAX_AGE_SECONDS}");
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    response
}

/// OpenAPI v2 is not served; v3 is. kubectl only falls back to v2 when v3 lacks a kind.
pub async fn openapi_v2() -> Response {
    ApiError::NoRoute.into_response()
}
