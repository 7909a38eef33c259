//! Authorization of every request with Kubernetes RBAC, from the in-memory index.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokenhub_core::identity::{SYSTEM_MASTERS, UserInfo};
use tokenhub_core::rbac::{Decision, RequestAttributes, forbidden_reason};
use tokenhub_core::request_info::RequestInfo;

use crate::caches::Caches;
use crate::error::{ApiError, Target};
use crate::state::Hub;

#[derive(Debug)]
pub struct Authorizer {
    caches: Arc<Caches>,
}

impl Authorizer {
    pub fn new(caches: Arc<Caches>) -> Self {
        Authorizer { caches }
    }

    pub fn authorize(&self, user: &UserInfo, attributes: &RequestAttributes) -> Decision {
        // Members of system:masters may do anything, whatever the bindings say, as upstream.
        if user.in_group(SYSTEM_MASTERS) {
            return Decision::Allow {
                reason: String::new(),
            };
        }
        self.caches.rbac().authorize(user, attributes)
    }

    pub fn allows(&self, user: &UserInfo, attributes: &RequestAttributes) -> bool {
        matches!(self.authorize(user, attributes), Decision::Allow { .. })
    }

    /// Ok, or the 403 (401 for anonymous callers) kube-apiserver answers.
    pub fn require(&self, user: &UserInfo, attributes: &RequestAttributes) -> Result<(), ApiError> {
        let decision = self.authorize(user, attributes);
        if decision.is_allowed() {
            return Ok(());
        }
        if user.is_anonymous() {
            return Err(ApiError::Unauthorized);
        }
        Err(forbidden(user, attributes, decision.reason()))
    }
}

/// The refusal of `attributes` to `user`, worded as kube-apiserver words it: the authorizer's
/// reason (roles that could not be resolved), if any, follows after `: `.
pub fn forbidden(user: &UserInfo, attributes: &RequestAttributes, why: &str) -> ApiError {
    let mut reason = forbidden_reason(&user.username, attributes);
    if !why.is_empty() {
        reason.push_str(": ");
        reason.push_str(why);
    }
    if !attributes.resource_request {
        return ApiError::Forbidden(format!("forbidden: {reason}"));
    }
    ApiError::ForbiddenOn {
        target: Target::new(
            &attributes.api_group,
            &attributes.resource,
            &attributes.name,
        ),
        reason,
    }
}

fn wants_watch(request: &Request) -> bool {
    request
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "watch=true" || p == "watch=1"))
}

/// The `fieldSelector` of the query, decoded.
fn field_selector(request: &Request) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(request.uri().query()?).ok()?;
    pairs
        .into_iter()
        .find_map(|(key, value)| (key == "fieldSelector").then_some(value))
}

/// Middleware: resolves what the request is about (kept in the extensions for the handlers)
/// and refuses it unless the caller's RBAC rules allow it.
pub async fn authorize(State(hub): State<Arc<Hub>>, mut request: Request, next: Next) -> Response {
    let info = RequestInfo::resolve(
        request.method().as_str(),
        request.uri().path(),
        wants_watch(&request),
    );
    let user = request
        .extensions()
        .get::<UserInfo>()
        .cloned()
        .unwrap_or_else(UserInfo::anonymous);
    let mut attributes = RequestAttributes::from(&info);
    if let Some(name) = field_selector(&request).and_then(|s| info.name_selected_by(&s)) {
        attributes.name = name;
    }
    if let Err(e) = hub.authorizer.require(&user, &attributes) {
        return e.into_response();
    }
    request.extensions_mut().insert(info);
    next.run(request).await
}
