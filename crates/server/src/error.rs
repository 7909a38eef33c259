//! The server's one error type, and the one place it becomes an HTTP response: a `metav1.Status`
//! with the code, reason, message and details kubectl prints well.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokenhub_api::registry::qualify;
use tokenhub_api::status::{Status, StatusCause, StatusDetails};
use tokenhub_store::StoreError;

/// Names the resource an error is about, as kube prints it (`configmaps`, `tokens.tokenhub.io`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub group: String,
    /// The plural resource name (`configmaps`).
    pub resource: String,
    pub name: String,
}

impl Target {
    pub fn new(group: &str, resource: &str, name: &str) -> Self {
        Target {
            group: group.to_string(),
            resource: resource.to_string(),
            name: name.to_string(),
        }
    }

    fn qualified(&self) -> String {
        qualify(&self.resource, &self.group)
    }

    fn details(&self) -> StatusDetails {
        StatusDetails {
            name: self.name.clone(),
            group: self.group.clone(),
            kind: self.resource.clone(),
            ..Default::default()
        }
    }
}

/// A field-level validation failure, as carried in `details.causes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    pub reason: String,
    pub message: String,
    pub field: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{} {:?} not found", .0.qualified(), .0.name)]
    NotFound(Target),
    #[error("{} {:?} already exists", .0.qualified(), .0.name)]
    AlreadyExists(Target),
    /// A stale resourceVersion or an unmet precondition.
    #[error("Operation cannot be fulfilled on {} {:?}: {detail}", .target.qualified(), .target.name)]
    Conflict { target: Target, detail: String },
    /// 422: the object is well-formed but not valid.
    #[error("{}", invalid_message(.group, .kind, .name, .causes))]
    Invalid {
        group: String,
        kind: String,
        name: String,
        causes: Vec<Cause>,
    },
    /// 422 without field causes: a patch that does not apply to the object.
    #[error("the server rejected our request due to an error in our request")]
    Unprocessable(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("Unauthorized")]
    Unauthorized,
    /// 401 with a reason the caller may know (a failed login).
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    /// A forbidden action on a known object, with its details.
    #[error("{} {}is forbidden: {reason}", .target.qualified(), quoted_name(&.target.name))]
    ForbiddenOn { target: Target, reason: String },
    #[error("the server does not allow this method on the requested resource")]
    MethodNotAllowed,
    #[error("{0}")]
    NotAcceptable(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("Request entity too large: limit is {limit}")]
    RequestEntityTooLarge { limit: usize },
    #[error("Too many requests, please try again later.")]
    TooManyRequests { retry_after_seconds: u32 },
    /// 410: a resourceVersion or continue token older than the server keeps.
    #[error("{0}")]
    Expired(String),
    /// 404 for paths that name nothing the server serves.
    #[error("the server could not find the requested resource")]
    NoRoute,
    /// 500. The detail goes to the log, never to the client.
    #[error("internal error")]
    Internal(String),
}

fn quoted_name(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!("{name:?} ")
    }
}

fn invalid_message(group: &str, kind: &str, name: &str, causes: &[Cause]) -> String {
    let list: Vec<String> = causes
        .iter()
        .map(|c| {
            if c.field.is_empty() {
                c.message.clone()
            } else {
                format!("{}: {}", c.field, c.message)
            }
        })
        .collect();
    let gk = qualify(kind, group);
    let joined = if list.len() == 1 {
        list.join("")
    } else {
        format!("[{}]", list.join(", "))
    };
    format!("{gk} {name:?} is invalid: {joined}")
}

impl ApiError {
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        ApiError::Internal(detail.to_string())
    }

    pub fn code(&self) -> StatusCode {
        match self {
            ApiError::NotFound(_) | ApiError::NoRoute => StatusCode::NOT_FOUND,
            ApiError::AlreadyExists(_) | ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Invalid { .. } | ApiError::Unprocessable(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized | ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::ForbiddenOn { .. } => StatusCode::FORBIDDEN,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RequestEntityTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Expired(_) => StatusCode::GONE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            ApiError::NotFound(_) | ApiError::NoRoute => "NotFound",
            ApiError::AlreadyExists(_) => "AlreadyExists",
            ApiError::Conflict { .. } => "Conflict",
            ApiError::Invalid { .. } | ApiError::Unprocessable(_) => "Invalid",
            ApiError::BadRequest(_) => "BadRequest",
            ApiError::Unauthorized | ApiError::Unauthenticated(_) => "Unauthorized",
            ApiError::Forbidden(_) | ApiError::ForbiddenOn { .. } => "Forbidden",
            ApiError::MethodNotAllowed => "MethodNotAllowed",
            ApiError::NotAcceptable(_) => "NotAcceptable",
            ApiError::UnsupportedMediaType(_) => "UnsupportedMediaType",
            ApiError::RequestEntityTooLarge { .. } => "RequestEntityTooLarge",
            ApiError::TooManyRequests { .. } => "TooManyRequests",
            ApiError::Expired(_) => "Expired",
            ApiError::Internal(_) => "InternalError",
        }
    }

    /// The Status body for this error.
    pub fn to_status(&self) -> Status {
        let status = Status::failure(self.code().as_u16(), self.reason(), self.to_string());
        match self {
            ApiError::NotFound(t)
            | ApiError::AlreadyExists(t)
            | ApiError::Conflict { target: t, .. }
            | ApiError::ForbiddenOn { target: t, .. } => status.with_details(t.details()),
            ApiError::Invalid {
                group,
                kind,
                name,
                causes,
            } => status.with_details(StatusDetails {
                name: name.clone(),
                group: group.clone(),
                kind: kind.clone(),
                causes: causes
                    .iter()
                    .map(|c| StatusCause {
                        reason: c.reason.clone(),
                        message: c.message.clone(),
                        field: c.field.clone(),
                    })
                    .collect(),
                ..Default::default()
            }),
            ApiError::Unprocessable(detail) => status.with_details(StatusDetails {
                causes: vec![StatusCause {
                    reason: "UnexpectedServerResponse".into(),
                    message: detail.clone(),
                    field: String::new(),
                }],
                ..Default::default()
            }),
            ApiError::TooManyRequests {
                retry_after_seconds,
            } => status.with_details(StatusDetails {
                retry_after_seconds: Some(*retry_after_seconds),
                ..Default::default()
            }),
            ApiError::Internal(_) => {
                let mut s = status;
                s.message =
                    "Internal error occurred: the server could not complete the request".into();
                s
            }
            _ => status,
        }
    }

    /// Maps a store failure on `target` to the error the client sees.
    pub fn from_store(err: StoreError, target: Target) -> Self {
        match err {
            StoreError::NotFound(_) => ApiError::NotFound(target),
            StoreError::AlreadyExists(_) => ApiError::AlreadyExists(target),
            StoreError::Conflict { reason, .. } => ApiError::Conflict {
                target,
                detail: reason,
            },
            StoreError::Expired { requested, oldest } => {
                ApiError::Expired(format!("too old resource version: {requested} ({oldest})"))
            }
            StoreError::Backend(detail) => ApiError::Internal(detail),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let status = self.to_status();
        let body = serde_json::to_vec(&status).unwrap_or_default();
        let mut response = (self.code(), body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        match self {
            ApiError::Unauthorized | ApiError::Unauthenticated(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"tokenhub\""),
                );
            }
            ApiError::TooManyRequests {
                retry_after_seconds,
            } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cause(field: &str, message: &str) -> Cause {
        Cause {
            reason: "FieldValueRequired".into(),
            message: message.into(),
            field: field.into(),
        }
    }

    #[test]
    fn messages_are_the_ones_kubectl_prints() {
        let t = Target::new("tokenhub.io", "tokens", "nope");
        assert_eq!(
            ApiError::NotFound(t.clone()).to_string(),
            "tokens.tokenhub.io \"nope\" not found"
        );
        assert_eq!(
            ApiError::AlreadyExists(Target::new("", "configmaps", "app")).to_string(),
            "configmaps \"app\" already exists"
        );
        assert_eq!(
            ApiError::Conflict {
                target: Target::new("", "configmaps", "app"),
                detail: "the object has been modified; please apply your changes to the latest version and try again".into()
            }
            .to_string(),
            "Operation cannot be fulfilled on configmaps \"app\": the object has been modified; please apply your changes to the latest version and try again"
        );
        assert_eq!(
            ApiError::ForbiddenOn {
                target: Target::new("", "namespaces", "default"),
                reason: "this namespace may not be deleted".into()
            }
            .to_string(),
            "namespaces \"default\" is forbidden: this namespace may not be deleted"
        );
    }

    #[test]
    fn invalid_lists_one_cause_plainly_and_several_in_brackets() {
        let one = ApiError::Invalid {
            group: "".into(),
            kind: "ConfigMap".into(),
            name: "x".into(),
            causes: vec![cause("metadata.name", "Required value")],
        };
        assert_eq!(
            one.to_string(),
            "ConfigMap \"x\" is invalid: metadata.name: Required value"
        );
        let two = ApiError::Invalid {
            group: "tokenhub.io".into(),
            kind: "Token".into(),
            name: "t9".into(),
            causes: vec![
                cause("spec.a", "Required value"),
                cause("spec.b", "Required value"),
            ],
        };
        assert_eq!(
            two.to_string(),
            "Token.tokenhub.io \"t9\" is invalid: [spec.a: Required value, spec.b: Required value]"
        );
        let status = two.to_status();
        assert_eq!(status.code, 422);
        assert_eq!(status.details.unwrap().causes.len(), 2);
    }

    #[test]
    fn every_error_maps_to_its_code_and_reason_and_internals_stay_inside() {
        let cases: Vec<(ApiError, u16, &str)> = vec![
            (
                ApiError::NotFound(Target::new("", "configmaps", "a")),
                404,
                "NotFound",
            ),
            (
                ApiError::AlreadyExists(Target::new("", "configmaps", "a")),
                409,
                "AlreadyExists",
            ),
            (ApiError::BadRequest("x".into()), 400, "BadRequest"),
            (ApiError::Unauthorized, 401, "Unauthorized"),
            (ApiError::Forbidden("x".into()), 403, "Forbidden"),
            (ApiError::MethodNotAllowed, 405, "MethodNotAllowed"),
            (ApiError::NotAcceptable("x".into()), 406, "NotAcceptable"),
            (ApiError::Expired("x".into()), 410, "Expired"),
            (
                ApiError::RequestEntityTooLarge { limit: 1 },
                413,
                "RequestEntityTooLarge",
            ),
            (
                ApiError::UnsupportedMediaType("x".into()),
                415,
                "UnsupportedMediaType",
            ),
            (
                ApiError::TooManyRequests {
                    retry_after_seconds: 1,
                },
                429,
                "TooManyRequests",
            ),
            (
                ApiError::Internal("db path /secret".into()),
                500,
                "InternalError",
            ),
        ];
        for (err, code, reason) in cases {
            let s = err.to_status();
            assert_eq!((s.code, s.reason.as_str()), (code, reason), "{err:?}");
            assert_eq!(s.kind, "Status");
            assert_eq!(s.status, "Failure");
            assert!(!s.message.contains("/secret"));
        }
    }
}
