//! `POST .../serviceaccounts/NAME/token`: the TokenRequest's validation, its effective
//! expiration and audiences, and the response, as kube-apiserver's `TokenREST.Create`.

use std::fmt;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};
use tokenhub_api::decode::json_type;

use super::claims::BoundObjectKind;
use crate::validation::{FieldError, aggregate_message};

/// `spec.expirationSeconds` may not be shorter than 10 minutes…
pub const MIN_EXPIRATION_SECONDS: i64 = 10 * 60;
/// …nor longer than 2^32 seconds.
pub const MAX_EXPIRATION_SECONDS: i64 = 1 << 32;

const EXPIRATION_FIELD: &str = "spec.expirationSeconds";

/// How long issued tokens live: a default when the request names none, and a cap
/// (`--service-account-max-token-expiration`) that shortens longer requests without an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRequestPolicy {
    pub default_expiration_seconds: i64,
    /// Zero or negative means no cap, as upstream.
    pub max_expiration: SignedDuration,
}

impl Default for TokenRequestPolicy {
    fn default() -> Self {
        TokenRequestPolicy {
            default_expiration_seconds: 3600,
            max_expiration: SignedDuration::from_hours(8760),
        }
    }
}

impl TokenRequestPolicy {
    /// The lifetime a token gets: the request's (or the default), validated with upstream's
    /// words, then clamped to the cap.
    #[allow(clippy::result_large_err)] // once per TokenRequest; FieldError is what callers map
    pub fn effective_expiration(&self, requested: Option<i64>) -> Result<i64, FieldError> {
        let requested = requested.unwrap_or(self.default_expiration_seconds);
        if requested < MIN_EXPIRATION_SECONDS {
            return Err(FieldError::invalid(
                EXPIRATION_FIELD,
                requested,
                "may not specify a duration less than 10 minutes",
            ));
        }
        if requested > MAX_EXPIRATION_SECONDS {
            return Err(FieldError::invalid(
                EXPIRATION_FIELD,
                requested,
                "may not specify a duration larger than 2^32 seconds",
            ));
        }
        let cap = self.max_expiration.as_secs();
        Ok(if cap > 0 {
            requested.min(cap)
        } else {
            requested
        })
    }

    /// A TokenRequest's `spec`, checked in upstream's order: decoding (400), the expiration
    /// (422), then the bound object (400).
    pub fn review(&self, spec: &Value) -> Result<ReviewedTokenRequest, TokenRequestError> {
        let raw = decode_spec(spec)?;
        let expiration_seconds = self
            .effective_expiration(raw.expiration_seconds)
            .map_err(|e| TokenRequestError::Invalid(vec![e]))?;
        let requested = raw
            .expiration_seconds
            .unwrap_or(self.default_expiration_seconds);
        let spec = check_bound_object(raw)?;
        Ok(ReviewedTokenRequest {
            spec,
            expiration_seconds,
            warning: expiration_warning(requested, expiration_seconds),
        })
    }
}

/// Upstream's warning when the cap shortened a request.
pub fn expiration_warning(requested: i64, effective: i64) -> Option<String> {
    (requested > effective).then(|| {
        format!("requested expiration of {requested} seconds shortened to {effective} seconds")
    })
}

/// The audiences a token gets: the requested ones, or the server's when none were asked for.
pub fn effective_audiences(requested: &[String], server_audiences: &[String]) -> Vec<String> {
    if requested.is_empty() {
        server_audiences.to_vec()
    } else {
        requested.to_vec()
    }
}

/// The object reference of a TokenRequest, once its kind is known to be bindable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundObjectReference {
    pub kind: BoundObjectKind,
    pub api_version: String,
    pub name: String,
    /// When set, the object found must have this uid (else 409 Conflict upstream).
    pub uid: String,
}

/// A decoded and validated `spec` (its expiration not yet checked against a policy).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenRequestSpec {
    pub audiences: Vec<String>,
    pub expiration_seconds: Option<i64>,
    pub bound_object_ref: Option<BoundObjectReference>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewedTokenRequest {
    pub spec: TokenRequestSpec,
    /// After defaulting and the cap.
    pub expiration_seconds: i64,
    /// For a `Warning` header when the cap shortened the request.
    pub warning: Option<String>,
}

/// Why a TokenRequest is refused, as the two Status kinds upstream answers with.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenRequestError {
    /// 400 BadRequest with this message: an undecodable body (the server prefixes
    /// `TokenRequest in version "v1" cannot be handled as a TokenRequest: `) or an object that
    /// cannot be bound.
    BadRequest(String),
    /// 422 Invalid: `TokenRequest.authentication.k8s.io "" is invalid: ...`.
    Invalid(Vec<FieldError>),
}

impl fmt::Display for TokenRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenRequestError::BadRequest(message) => f.write_str(message),
            TokenRequestError::Invalid(errors) => {
                f.write_str(&aggregate_message(errors).unwrap_or_default())
            }
        }
    }
}

impl std::error::Error for TokenRequestError {}

/// Decodes `spec` (absent or null is an empty spec) and checks its bound object reference:
/// kind `Pod`, `Secret` or `Node` of the core group, and a name. The expiration is checked by
/// [`TokenRequestPolicy::effective_expiration`].
pub fn validate_token_request_spec(spec: &Value) -> Result<TokenRequestSpec, TokenRequestError> {
    check_bound_object(decode_spec(spec)?)
}

/// A body's `metadata.name` and `metadata.namespace` must, if set, be the ServiceAccount's.
pub fn validate_token_request_metadata(
    request: &Value,
    namespace: &str,
    name: &str,
) -> Vec<FieldError> {
    let metadata = request.get("metadata");
    let field = |key: &str| metadata.and_then(|m| m.get(key)).and_then(Value::as_str);
    if let Some(given) = field("name").filter(|n| !n.is_empty() && *n != name) {
        return vec![FieldError::invalid(
            "metadata.name",
            given,
            "must match the service account name if specified",
        )];
    }
    if let Some(given) = field("namespace").filter(|n| !n.is_empty() && *n != namespace) {
        return vec![FieldError::invalid(
            "metadata.namespace",
            given,
            "must match the service account namespace if specified",
        )];
    }
    Vec::new()
}

/// What the server hands back after signing.
#[derive(Clone, Copy, Debug)]
pub struct IssuedToken<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    pub audiences: &'a [String],
    pub expiration_seconds: i64,
    pub token: &'a str,
    /// The `now` the claims were issued with.
    pub issued_at: Timestamp,
}

/// The 201 body: the request's spec with the effective audiences and expiration, and
/// `status.token` with `status.expirationTimestamp` (whole seconds, `Z`).
pub fn token_request_response(request: &Value, issued: &IssuedToken<'_>) -> Value {
    let mut spec = Map::new();
    spec.insert("audiences".into(), json!(issued.audiences));
    spec.insert("expirationSeconds".into(), json!(issued.expiration_seconds));
    if let Some(Value::Object(bound)) = request.pointer("/spec/boundObjectRef") {
        let mut echoed = Map::new();
        for key in ["kind", "apiVersion", "name", "uid"] {
            if let Some(v) = bound
                .get(key)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
            {
                echoed.insert(key.into(), json!(v));
            }
        }
        spec.insert("boundObjectRef".into(), Value::Object(echoed));
    }
    let expires = Timestamp::from_second(
        issued
            .issued_at
            .as_second()
            .saturating_add(issued.expiration_seconds),
    )
    .unwrap_or(Timestamp::MAX);
    json!({
        "kind": "TokenRequest",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {
            "name": issued.name,
            "namespace": issued.namespace,
            "creationTimestamp": null,
        },
        "spec": spec,
        "status": {
            "token": issued.token,
            "expirationTimestamp": expires.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        },
    })
}

struct RawBoundObjectRef {
    kind: String,
    api_version: String,
    name: String,
    uid: String,
}

struct RawSpec {
    audiences: Vec<String>,
    expiration_seconds: Option<i64>,
    bound_object_ref: Option<RawBoundObjectRef>,
}

/// Go's `encoding/json` message for a value of the wrong type. A number that does not fit an
/// integer field is shown with its value (`number 600.5`), as Go does.
fn mismatch(value: &Value, owner: &str, path: &str, expected: &str) -> TokenRequestError {
    let found = match value {
        Value::Number(n) if expected == "int64" => format!("number {n}"),
        other => json_type(other).to_string(),
    };
    TokenRequestError::BadRequest(format!(
        "json: cannot unmarshal {found} into Go struct field {owner}.{path} of type {expected}"
    ))
}

fn decode_spec(spec: &Value) -> Result<RawSpec, TokenRequestError> {
    let empty = Map::new();
    let spec = match spec {
        Value::Null => &empty,
        Value::Object(map) => map,
        other => {
            return Err(mismatch(
                other,
                "TokenRequest",
                "spec",
                "v1.TokenRequestSpec",
            ));
        }
    };
    let owner = "TokenRequestSpec";
    let audiences = match spec.get("audiences").unwrap_or(&Value::Null) {
        Value::Null => Vec::new(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(mismatch(other, owner, "spec.audiences", "string")),
            })
            .collect::<Result<_, _>>()?,
        other => return Err(mismatch(other, owner, "spec.audiences", "[]string")),
    };
    let expiration_seconds = match spec.get("expirationSeconds").unwrap_or(&Value::Null) {
        Value::Null => None,
        Value::Number(n) if n.is_i64() => n.as_i64(),
        other => return Err(mismatch(other, owner, "spec.expirationSeconds", "int64")),
    };
    let bound_object_ref = match spec.get("boundObjectRef").unwrap_or(&Value::Null) {
        Value::Null => None,
        Value::Object(bound) => {
            let text = |key: &str, expected: &str| match bound.get(key).unwrap_or(&Value::Null) {
                Value::Null => Ok(String::new()),
                Value::String(s) => Ok(s.clone()),
                other => Err(mismatch(
                    other,
                    "BoundObjectReference",
                    &format!("spec.boundObjectRef.{key}"),
                    expected,
                )),
            };
            Some(RawBoundObjectRef {
                kind: text("kind", "string")?,
                api_version: text("apiVersion", "string")?,
                name: text("name", "string")?,
                uid: text("uid", "types.UID")?,
            })
        }
        other => {
            return Err(mismatch(
                other,
                owner,
                "spec.boundObjectRef",
                "v1.BoundObjectReference",
            ));
        }
    };
    Ok(RawSpec {
        audiences,
        expiration_seconds,
        bound_object_ref,
    })
}

/// Upstream binds only to core-group Pods, Secrets and Nodes (by `schema.FromAPIVersionAndKind`,
/// so the version is not checked) and answers anything else with
/// `cannot bind token to object of type GROUP/VERSION, Kind=KIND`. A missing name fails the
/// object's lookup with `Name parameter required.`
fn check_bound_object(raw: RawSpec) -> Result<TokenRequestSpec, TokenRequestError> {
    let bound_object_ref = match raw.bound_object_ref {
        None => None,
        Some(bound) => {
            let (group, version) = parse_group_version(&bound.api_version);
            let kind = match (group, bound.kind.as_str()) {
                ("", "Pod") => BoundObjectKind::Pod,
                ("", "Secret") => BoundObjectKind::Secret,
                ("", "Node") => BoundObjectKind::Node,
                _ => {
                    return Err(TokenRequestError::BadRequest(format!(
                        "cannot bind token to object of type {group}/{version}, Kind={}",
                        bound.kind
                    )));
                }
            };
            if bound.name.is_empty() {
                return Err(TokenRequestError::BadRequest(
                    "Name parameter required.".to_string(),
                ));
            }
            Some(BoundObjectReference {
                kind,
                api_version: bound.api_version,
                name: bound.name,
                uid: bound.uid,
            })
        }
    };
    Ok(TokenRequestSpec {
        audiences: raw.audiences,
        expiration_seconds: raw.expiration_seconds,
        bound_object_ref,
    })
}

/// `schema.ParseGroupVersion`, falling back to empty on error as `FromAPIVersionAndKind` does:
/// `v1` is the core group, `g/v` a group, anything with more slashes nothing.
fn parse_group_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        None => ("", api_version),
        Some((_, version)) if version.contains('/') => ("", ""),
        Some((group, version)) => (group, version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::FieldErrorKind;

    fn policy() -> TokenRequestPolicy {
        TokenRequestPolicy::default()
    }

    #[test]
    fn expiration_boundaries() {
        let p = policy();
        let year = 8760 * 3600;
        assert_eq!(p.effective_expiration(None), Ok(3600));
        assert_eq!(p.effective_expiration(Some(600)), Ok(600));
        assert_eq!(p.effective_expiration(Some(3600)), Ok(3600));
        assert_eq!(p.effective_expiration(Some(year)), Ok(year));
        assert_eq!(p.effective_expiration(Some(year + 1)), Ok(year));
        assert_eq!(p.effective_expiration(Some(1 << 32)), Ok(year));

        let short = p.effective_expiration(Some(599)).unwrap_err();
        assert_eq!(short.kind, FieldErrorKind::Invalid);
        assert_eq!(
            short.to_string(),
            "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes"
        );
        for bad in [0, -1, i64::MIN] {
            assert!(p.effective_expiration(Some(bad)).is_err());
        }
        let long = p.effective_expiration(Some((1 << 32) + 1)).unwrap_err();
        assert_eq!(
            long.to_string(),
            "spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds"
        );
        assert!(p.effective_expiration(Some(i64::MAX)).is_err());

        let uncapped = TokenRequestPolicy {
            max_expiration: SignedDuration::ZERO,
            ..policy()
        };
        assert_eq!(uncapped.effective_expiration(Some(1 << 32)), Ok(1 << 32));
        let short_cap = TokenRequestPolicy {
            max_expiration: SignedDuration::from_mins(30),
            ..policy()
        };
        assert_eq!(short_cap.effective_expiration(None), Ok(1800));
    }

    #[test]
    fn review_defaults_clamps_and_warns() {
        let reviewed = policy()
            .review(&json!({"expirationSeconds": 3_600_000}))
            .unwrap();
        assert_eq!(
            reviewed.expiration_seconds, 3_600_000,
            "1000h is under the 8760h cap"
        );
        assert_eq!(reviewed.warning, None);
        let reviewed = policy()
            .review(&json!({"expirationSeconds": 1_u64 << 32}))
            .unwrap();
        assert_eq!(reviewed.expiration_seconds, 31_536_000);
        assert_eq!(
            reviewed.warning.as_deref(),
            Some("requested expiration of 4294967296 seconds shortened to 31536000 seconds")
        );
        let reviewed = policy().review(&Value::Null).unwrap();
        assert_eq!(reviewed.expiration_seconds, 3600);
        assert_eq!(reviewed.warning, None);
        assert_eq!(reviewed.spec, TokenRequestSpec::default());
    }

    #[test]
    fn review_reports_the_expiration_before_the_bound_object() {
        let spec =
            json!({"expirationSeconds": 5, "boundObjectRef": {"kind": "ConfigMap", "name": "x"}});
        match policy().review(&spec) {
            Err(TokenRequestError::Invalid(errors)) => {
                assert_eq!(errors.len(), 1);
                assert_eq!(errors[0].field, "spec.expirationSeconds");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn specs_decode_with_gos_messages() {
        let cases = [
            (
                json!("x"),
                "json: cannot unmarshal string into Go struct field TokenRequest.spec of type v1.TokenRequestSpec",
            ),
            (
                json!({"audiences": "api"}),
                "json: cannot unmarshal string into Go struct field TokenRequestSpec.spec.audiences of type []string",
            ),
            (
                json!({"audiences": ["a", 1]}),
                "json: cannot unmarshal number into Go struct field TokenRequestSpec.spec.audiences of type string",
            ),
            (
                json!({"expirationSeconds": "3600"}),
                "json: cannot unmarshal string into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64",
            ),
            (
                json!({"expirationSeconds": 600.5}),
                "json: cannot unmarshal number 600.5 into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64",
            ),
            (
                json!({"boundObjectRef": []}),
                "json: cannot unmarshal array into Go struct field TokenRequestSpec.spec.boundObjectRef of type v1.BoundObjectReference",
            ),
            (
                json!({"boundObjectRef": {"kind": true}}),
                "json: cannot unmarshal bool into Go struct field BoundObjectReference.spec.boundObjectRef.kind of type string",
            ),
            (
                json!({"boundObjectRef": {"kind": "Pod", "uid": 5}}),
                "json: cannot unmarshal number into Go struct field BoundObjectReference.spec.boundObjectRef.uid of type types.UID",
            ),
        ];
        for (spec, message) in cases {
            assert_eq!(
                validate_token_request_spec(&spec),
                Err(TokenRequestError::BadRequest(message.to_string())),
                "{spec}"
            );
        }
        let spec = validate_token_request_spec(&json!({
            "audiences": ["https://iam.example.com", "api"],
            "expirationSeconds": 3_600_000,
            "boundObjectRef": {"kind": "Secret", "apiVersion": "v1", "name": "s1", "uid": "123"},
        }))
        .unwrap();
        assert_eq!(spec.audiences, ["https://iam.example.com", "api"]);
        assert_eq!(spec.expiration_seconds, Some(3_600_000));
        assert_eq!(
            spec.bound_object_ref,
            Some(BoundObjectReference {
                kind: BoundObjectKind::Secret,
                api_version: "v1".into(),
                name: "s1".into(),
                uid: "123".into(),
            })
        );
        let nulls = json!({"audiences": null, "expirationSeconds": null, "boundObjectRef": null});
        assert_eq!(
            validate_token_request_spec(&nulls),
            Ok(TokenRequestSpec::default())
        );
    }

    #[test]
    fn only_core_pods_secrets_and_nodes_can_be_bound() {
        for (api_version, kind) in [("v1", "Pod"), ("v1", "Node"), ("", "Secret"), ("v2", "Pod")] {
            let spec =
                json!({"boundObjectRef": {"kind": kind, "apiVersion": api_version, "name": "n"}});
            assert!(validate_token_request_spec(&spec).is_ok(), "{spec}");
        }
        let cases = [
            (
                "v1",
                "ConfigMap",
                "cannot bind token to object of type /v1, Kind=ConfigMap",
            ),
            (
                "apps/v1",
                "Pod",
                "cannot bind token to object of type apps/v1, Kind=Pod",
            ),
            ("", "pod", "cannot bind token to object of type /, Kind=pod"),
            (
                "a/b/c",
                "Deployment",
                "cannot bind token to object of type /, Kind=Deployment",
            ),
        ];
        for (api_version, kind, message) in cases {
            let spec =
                json!({"boundObjectRef": {"kind": kind, "apiVersion": api_version, "name": "n"}});
            assert_eq!(
                validate_token_request_spec(&spec),
                Err(TokenRequestError::BadRequest(message.into()))
            );
        }
        let nameless = json!({"boundObjectRef": {"kind": "Pod", "apiVersion": "v1"}});
        assert_eq!(
            validate_token_request_spec(&nameless),
            Err(TokenRequestError::BadRequest(
                "Name parameter required.".into()
            ))
        );
    }

    #[test]
    fn metadata_must_name_the_service_account_if_set() {
        assert!(validate_token_request_metadata(&json!({}), "default", "bot").is_empty());
        let ok = json!({"metadata": {"name": "bot", "namespace": "default"}});
        assert!(validate_token_request_metadata(&ok, "default", "bot").is_empty());
        let other = json!({"metadata": {"name": "x", "namespace": "y"}});
        let errors = validate_token_request_metadata(&other, "default", "bot");
        assert_eq!(
            aggregate_message(&errors).unwrap(),
            r#"metadata.name: Invalid value: "x": must match the service account name if specified"#
        );
        let other_ns = json!({"metadata": {"namespace": "y"}});
        let errors = validate_token_request_metadata(&other_ns, "default", "bot");
        assert_eq!(errors[0].field, "metadata.namespace");
    }

    #[test]
    fn audiences_default_to_the_servers() {
        let server = vec!["https://hub".to_string()];
        assert_eq!(effective_audiences(&[], &server), server);
        assert_eq!(effective_audiences(&["api".into()], &server), ["api"]);
    }

    #[test]
    fn the_response_has_kubes_shape() {
        let request = json!({
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
            "metadata": {},
            "spec": {"expirationSeconds": 3_600_000,
                     "boundObjectRef": {"kind": "Secret", "apiVersion": "v1", "name": "s1", "uid": "", "extra": 1}},
        });
        let audiences = vec!["https://hub".to_string()];
        let issued_at =
            Timestamp::from_second(1_767_497_397).unwrap() + SignedDuration::from_millis(750);
        let response = token_request_response(
            &request,
            &IssuedToken {
                namespace: "default",
                name: "bot",
                audiences: &audiences,
                expiration_seconds: 86_400,
                token: "eyJ.x.y",
                issued_at,
            },
        );
        assert_eq!(
            serde_json::to_string(&response).unwrap(),
            concat!(
                r#"{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","#,
                r#""metadata":{"name":"bot","namespace":"default","creationTimestamp":null},"#,
                r#""spec":{"audiences":["https://hub"],"expirationSeconds":86400,"#,
                r#""boundObjectRef":{"kind":"Secret","apiVersion":"v1","name":"s1"}},"#,
                r#""status":{"token":"eyJ.x.y","expirationTimestamp":"2026-01-05T03:29:57Z"}}"#
            )
        );
        let plain = token_request_response(
            &json!({}),
            &IssuedToken {
                namespace: "n",
                name: "a",
                audiences: &audiences,
                expiration_seconds: 600,
                token: "t",
                issued_at,
            },
        );
        assert!(plain["spec"].get("boundObjectRef").is_none());
    }

    #[test]
    fn errors_display_as_status_messages() {
        let invalid = policy()
            .review(&json!({"expirationSeconds": 1}))
            .unwrap_err();
        assert_eq!(
            invalid.to_string(),
            "spec.expirationSeconds: Invalid value: 1: may not specify a duration less than 10 minutes"
        );
        assert_eq!(TokenRequestError::BadRequest("x".into()).to_string(), "x");
    }
}
