//! `POST …/serviceaccounts/{name}/token` (`kubectl create token`): a signed JWT for an
//! existing ServiceAccount, living as long as asked within the hub's cap.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;
use tokenhub_api::decode::prune_unknown_fields;
use tokenhub_api::kinds::authentication_v1::{GROUP, token_request_schema};
use tokenhub_api::kinds::core_v1::SERVICE_ACCOUNTS;
use tokenhub_api::meta::ObjectExt;
use tokenhub_core::serviceaccount::{
    IssuedToken, ServiceAccountClaims, ServiceAccountRef, TokenRequestError, effective_audiences,
    token_request_response, validate_token_request_metadata,
};

use super::resources::Call;
use super::respond;
use crate::error::{ApiError, Cause, Target};

const KIND: &str = "TokenRequest";

fn cannot_handle(detail: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(format!(
        "{KIND} in version \"v1\" cannot be handled as a {KIND}: {detail}"
    ))
}

/// 422 on the TokenRequest; `name` is the account's for metadata errors and empty for the
/// spec's, as upstream words them.
fn invalid(name: &str, errors: Vec<tokenhub_core::validation::FieldError>) -> ApiError {
    ApiError::Invalid {
        group: GROUP.into(),
        kind: KIND.into(),
        name: name.into(),
        causes: errors
            .iter()
            .map(|e| Cause {
                reason: e.reason().into(),
                message: e.message(),
                field: e.field.clone(),
            })
            .collect(),
    }
}

/// The request body as a TokenRequest: right kind, no unknown fields, no wrong types.
fn decode(mut request: Value) -> Result<Value, ApiError> {
    let kind = request.get("kind").and_then(Value::as_str).unwrap_or(KIND);
    let api_version = request
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("authentication.k8s.io/v1");
    if kind != KIND || api_version != "authentication.k8s.io/v1" {
        return Err(cannot_handle(format!(
            "expected {KIND} of authentication.k8s.io/v1, got {kind} of {api_version}"
        )));
    }
    let unknown =
        prune_unknown_fields(&mut request, token_request_schema()).map_err(cannot_handle)?;
    if let Some(field) = unknown.first() {
        return Err(cannot_handle(format!(
            "strict decoding error: unknown field {field:?}"
        )));
    }
    Ok(request)
}

pub async fn create(call: Call, body: Body) -> Result<Response, ApiError> {
    let namespace = call.object_namespace()?.to_string();
    let name = call.info.name.clone();
    let request = decode(call.json_body(body).await?)?;
    let errors = validate_token_request_metadata(&request, &namespace, &name);
    if !errors.is_empty() {
        return Err(invalid(&name, errors));
    }
    // Upstream's order: the account must exist before the request is validated.
    let account = call
        .hub
        .objects
        .get(&SERVICE_ACCOUNTS, &namespace, &name)
        .await?;
    let issuer = &call.hub.issuer;
    let reviewed = issuer
        .policy
        .review(request.get("spec").unwrap_or(&Value::Null))
        .map_err(|e| match e {
            TokenRequestError::BadRequest(message) => ApiError::BadRequest(message),
            TokenRequestError::Invalid(errors) => invalid("", errors),
        })?;
    if let Some(bound) = &reviewed.spec.bound_object_ref {
        // The hub serves no Pods, Secrets or Nodes: the object to bind to cannot exist.
        let resource = format!("{}s", bound.kind.as_str().to_ascii_lowercase());
        return Err(ApiError::NotFound(Target::new("", &resource, &bound.name)));
    }
    let audiences = effective_audiences(&reviewed.spec.audiences, &issuer.api_audiences);
    let now = call.hub.clock.now();
    let subject = ServiceAccountRef {
        namespace: namespace.clone(),
        name: name.clone(),
        uid: account.uid().unwrap_or_default().to_string(),
    };
    let claims = ServiceAccountClaims::issue(
        &issuer.issuer,
        &subject,
        audiences.clone(),
        None,
        now,
        reviewed.expiration_seconds,
    )
    .map_err(ApiError::internal)?;
    let token = issuer.keys.sign(&claims).map_err(ApiError::internal)?;
    let response = token_request_response(
        &request,
        &IssuedToken {
            namespace: &namespace,
            name: &name,
            audiences: &audiences,
            expiration_seconds: reviewed.expiration_seconds,
            token: &token,
            issued_at: now,
        },
    );
    let mut answer = respond::json(StatusCode::CREATED, &response);
    if let Some(warning) = reviewed.warning
        && let Ok(value) = HeaderValue::from_str(&format!("299 - {}", Value::String(warning)))
    {
        answer.headers_mut().append(header::WARNING, value);
    }
    Ok(answer)
}
