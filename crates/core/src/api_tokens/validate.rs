//! Validation of an APIToken: `spec.displayName` (required), `spec.role`, `spec.description`
//! and `spec.expiresAt`. Only the display name and the description change after create: a
//! different role or lifetime is a new token (so an update never needs an escalation check).

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::Role;
use crate::tokens::spec_fields::{self, check_description, immutable_changes, spec_of, string};
use crate::validation::FieldError;

/// Longest `spec.displayName`, in bytes.
pub const MAX_DISPLAY_NAME_BYTES: usize = 253;

const MUTABLE: [&str; 2] = ["displayName", "description"];

/// A new APIToken, at time `now` (`spec.expiresAt` must be later).
pub fn validate_api_token(obj: &Value, now: Timestamp) -> Vec<FieldError> {
    let spec = match spec_of(obj) {
        Ok(spec) => spec,
        Err(errs) => return errs,
    };
    let mut errs = Vec::new();
    check_display_name(spec, &mut errs);
    check_description(spec, &mut errs);
    check_role(spec, &mut errs);
    if let Some(expires_at) = expires_at(spec, &mut errs)
        && expires_at <= now
    {
        errs.push(FieldError::invalid(
            "spec.expiresAt",
            spec_fields::field(spec, "expiresAt")
                .cloned()
                .unwrap_or(Value::Null),
            "must be in the future",
        ));
    }
    errs
}

/// An update: the display name and description are checked again; role and expiry are fixed.
pub fn validate_api_token_update(old: &Value, new: &Value) -> Vec<FieldError> {
    let (old_spec, new_spec) = match (spec_of(old), spec_of(new)) {
        (Ok(o), Ok(n)) => (o, n),
        (_, Err(errs)) | (Err(errs), _) => return errs,
    };
    let mut errs = Vec::new();
    check_display_name(new_spec, &mut errs);
    check_description(new_spec, &mut errs);
    errs.extend(immutable_changes(old_spec, new_spec, &MUTABLE, |_, v| v));
    errs
}

fn check_display_name(spec: Option<&Map<String, Value>>, errs: &mut Vec<FieldError>) {
    let before = errs.len();
    match string(spec, "displayName", errs) {
        Some(name) if name.len() > MAX_DISPLAY_NAME_BYTES => errs.push(FieldError::too_long(
            "spec.displayName",
            MAX_DISPLAY_NAME_BYTES,
        )),
        Some(name) if !name.trim().is_empty() => {}
        _ if errs.len() > before => {}
        _ => errs.push(FieldError::required(
            "spec.displayName",
            "a human-friendly name is required",
        )),
    }
}

fn check_role(spec: Option<&Map<String, Value>>, errs: &mut Vec<FieldError>) {
    match spec_fields::field(spec, "role") {
        None => {}
        Some(Value::String(s)) if Role::parse(s).is_some() => {}
        Some(other) => errs.push(FieldError::not_supported("spec.role", other, &Role::NAMES)),
    }
}

/// The role a valid token has: `spec.role`, or [`Role::User`] when it is absent.
pub fn role_of(obj: &Value) -> Role {
    obj.pointer("/spec/role")
        .and_then(Value::as_str)
        .and_then(Role::parse)
        .unwrap_or_default()
}

/// `spec.expiresAt` as a time; RFC 3339 with an offset (`2030-01-02T03:04:05Z`).
fn expires_at(spec: Option<&Map<String, Value>>, errs: &mut Vec<FieldError>) -> Option<Timestamp> {
    let text = string(spec, "expiresAt", errs)?;
    match text.parse::<Timestamp>() {
        Ok(t) => Some(t),
        Err(_) => {
            errs.push(FieldError::invalid(
                "spec.expiresAt",
                text,
                "must be an RFC 3339 time, such as 2030-01-02T03:04:05Z",
            ));
            None
        }
    }
}

/// When token `obj` stops working, for display; `None` for never or unreadable.
pub fn expiry_of(obj: &Value) -> Option<Timestamp> {
    obj.pointer("/spec/expiresAt")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
}

/// Whether token `obj` no longer authenticates at `now`. An `expiresAt` that cannot be read
/// (validation keeps such values out of the store) counts as expired: fail closed.
pub fn is_expired(obj: &Value, now: Timestamp) -> bool {
    match obj.pointer("/spec/expiresAt") {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => s.parse::<Timestamp>().map_or(true, |t| now >= t),
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    fn messages(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn create_validation() {
        let long_name = "n".repeat(254);
        let long_description = "d".repeat(1025);
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (
                json!({"spec": {"displayName": "ci", "role": "User"}}),
                vec![],
            ),
            (json!({"spec": {"displayName": "ci"}}), vec![]),
            (
                json!({"spec": {"displayName": "ci", "role": "Administrator",
                    "description": "deploys", "expiresAt": "2026-01-01T00:00:01Z"}}),
                vec![],
            ),
            (
                json!({"spec": {"displayName": "ci", "expiresAt": "2026-06-01T12:00:00+02:00"}}),
                vec![],
            ),
            (json!({"spec": {"displayName": "n".repeat(253)}}), vec![]),
            (
                json!({}),
                vec!["spec.displayName: Required value: a human-friendly name is required"],
            ),
            (
                json!({"spec": {"displayName": "  "}}),
                vec!["spec.displayName: Required value: a human-friendly name is required"],
            ),
            (
                json!({"spec": {"displayName": 7}}),
                vec!["spec.displayName: Invalid value: 7: must be a string"],
            ),
            (
                json!({"spec": {"displayName": long_name}}),
                vec!["spec.displayName: Too long: may not be more than 253 bytes"],
            ),
            (
                json!({"spec": {"displayName": "ci", "description": long_description}}),
                vec!["spec.description: Too long: may not be more than 1024 bytes"],
            ),
            (
                json!({"spec": {"displayName": "ci", "role": "admin"}}),
                vec![
                    r#"spec.role: Unsupported value: "admin": supported values: "Administrator", "User""#,
                ],
            ),
            (
                json!({"spec": {"displayName": "ci", "role": ""}}),
                vec![
                    r#"spec.role: Unsupported value: "": supported values: "Administrator", "User""#,
                ],
            ),
            (
                json!({"spec": {"displayName": "ci", "role": 1}}),
                vec![
                    r#"spec.role: Unsupported value: 1: supported values: "Administrator", "User""#,
                ],
            ),
            (
                json!({"spec": {"displayName": "ci", "expiresAt": "tomorrow"}}),
                vec![
                    r#"spec.expiresAt: Invalid value: "tomorrow": must be an RFC 3339 time, such as 2030-01-02T03:04:05Z"#,
                ],
            ),
            (
                json!({"spec": {"displayName": "ci", "expiresAt": "2026-01-01T00:00:00Z"}}),
                vec![
                    r#"spec.expiresAt: Invalid value: "2026-01-01T00:00:00Z": must be in the future"#,
                ],
            ),
            (
                json!({"spec": {"displayName": "ci", "expiresAt": "2025-12-31T23:59:59Z"}}),
                vec![
                    r#"spec.expiresAt: Invalid value: "2025-12-31T23:59:59Z": must be in the future"#,
                ],
            ),
            (
                json!({"spec": "x"}),
                vec![r#"spec: Invalid value: "x": must be an object"#],
            ),
        ];
        for (obj, want) in cases {
            assert_eq!(messages(&validate_api_token(&obj, now())), want, "{obj}");
        }
    }

    #[test]
    fn updates_change_only_the_name_and_description() {
        let old = json!({"spec": {"displayName": "ci", "role": "User",
            "expiresAt": "2027-01-01T00:00:00Z"}});
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (old.clone(), vec![]),
            (
                json!({"spec": {"displayName": "deploy", "description": "x", "role": "User",
                    "expiresAt": "2027-01-01T00:00:00Z"}}),
                vec![],
            ),
            (
                json!({"spec": {"displayName": "ci", "role": "Administrator",
                    "expiresAt": "2027-01-01T00:00:00Z"}}),
                vec![r#"spec.role: Invalid value: "Administrator": field is immutable"#],
            ),
            (
                json!({"spec": {"displayName": "ci", "role": "User"}}),
                vec!["spec.expiresAt: Invalid value: null: field is immutable"],
            ),
            (
                json!({"spec": {"displayName": "", "role": "User",
                    "expiresAt": "2028-01-01T00:00:00Z", "extra": 1}}),
                vec![
                    "spec.displayName: Required value: a human-friendly name is required",
                    r#"spec.expiresAt: Invalid value: "2028-01-01T00:00:00Z": field is immutable"#,
                    "spec.extra: Invalid value: 1: field is immutable",
                ],
            ),
        ];
        for (new, want) in cases {
            assert_eq!(
                messages(&validate_api_token_update(&old, &new)),
                want,
                "{new}"
            );
        }
    }

    #[test]
    fn role_and_expiry_of_a_stored_token() {
        assert_eq!(
            role_of(&json!({"spec": {"role": "Administrator"}})),
            Role::Administrator
        );
        assert_eq!(role_of(&json!({"spec": {}})), Role::User);
        assert_eq!(role_of(&json!(null)), Role::User);
        assert_eq!(
            expiry_of(&json!({"spec": {"expiresAt": "2026-01-01T00:00:00Z"}})),
            Some(now())
        );
        assert_eq!(expiry_of(&json!({"spec": {"expiresAt": "soon"}})), None);
        assert_eq!(expiry_of(&json!({})), None);
    }

    #[test]
    fn expiry_fails_closed() {
        let at = |s: &str| json!({"spec": {"expiresAt": s}});
        let later: Timestamp = "2026-01-01T00:00:01Z".parse().unwrap();
        assert!(!is_expired(&json!({"spec": {}}), now()));
        assert!(!is_expired(&json!({"spec": {"expiresAt": null}}), now()));
        assert!(!is_expired(&at("2026-01-01T00:00:01Z"), now()));
        assert!(is_expired(&at("2026-01-01T00:00:01Z"), later));
        assert!(is_expired(&at("2026-01-01T00:00:00Z"), later));
        assert!(is_expired(&at("garbled"), now()));
        assert!(is_expired(&json!({"spec": {"expiresAt": 5}}), now()));
    }
}
