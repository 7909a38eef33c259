//! One field-level validation failure, worded as kube-apiserver words it, so that kubectl prints
//! `The Token "t9" is invalid: spec.user: Required value: user must be set` for ours too.

use std::collections::HashSet;
use std::fmt;

use serde_json::Value;

use crate::go_fmt;

/// Why a field is invalid; each kind is one `StatusCause` reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldErrorKind {
    Required,
    Invalid,
    NotSupported,
    Duplicate,
    Forbidden,
    TooLong,
    TooMany,
}

impl FieldErrorKind {
    /// The `details.causes[].reason` of a Status.
    pub fn reason(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "FieldValueRequired",
            FieldErrorKind::Invalid => "FieldValueInvalid",
            FieldErrorKind::NotSupported => "FieldValueNotSupported",
            FieldErrorKind::Duplicate => "FieldValueDuplicate",
            FieldErrorKind::Forbidden => "FieldValueForbidden",
            FieldErrorKind::TooLong => "FieldValueTooLong",
            FieldErrorKind::TooMany => "FieldValueTooMany",
        }
    }

    /// The words a message starts with.
    fn label(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Invalid => "Invalid value",
            FieldErrorKind::NotSupported => "Unsupported value",
            FieldErrorKind::Duplicate => "Duplicate value",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::TooLong => "Too long",
            FieldErrorKind::TooMany => "Too many",
        }
    }

    /// Required, Forbidden and TooLong never show the value: it is absent, beside the point, or
    /// too big to print.
    fn shows_value(self) -> bool {
        !matches!(
            self,
            FieldErrorKind::Required | FieldErrorKind::Forbidden | FieldErrorKind::TooLong
        )
    }
}

/// A field-level validation error.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    /// The field path, such as `metadata.name` or `spec.rules[0].verbs`.
    pub field: String,
    pub kind: FieldErrorKind,
    /// The offending value; `None` leaves it out of the message.
    pub bad_value: Option<Value>,
    pub detail: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        kind: FieldErrorKind,
        bad_value: Option<Value>,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            field: field.into(),
            kind,
            bad_value,
            detail: detail.into(),
        }
    }

    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError::new(field, FieldErrorKind::Required, None, detail)
    }

    pub fn invalid(
        field: impl Into<String>,
        value: impl IntoBadValue,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError::new(
            field,
            FieldErrorKind::Invalid,
            Some(value.into_bad_value()),
            detail,
        )
    }

    /// `supported values: "a", "b"`, as upstream lists the values a field accepts.
    pub fn not_supported(
        field: impl Into<String>,
        value: impl IntoBadValue,
        valid: &[&str],
    ) -> FieldError {
        let detail = if valid.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = valid.iter().map(|v| go_fmt::quote(v)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        FieldError::new(
            field,
            FieldErrorKind::NotSupported,
            Some(value.into_bad_value()),
            detail,
        )
    }

    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError::new(field, FieldErrorKind::Forbidden, None, detail)
    }

    pub fn duplicate(field: impl Into<String>, value: impl IntoBadValue) -> FieldError {
        FieldError::new(
            field,
            FieldErrorKind::Duplicate,
            Some(value.into_bad_value()),
            "",
        )
    }

    /// A value longer than `max` bytes; the value itself is never printed.
    pub fn too_long(field: impl Into<String>, max: usize) -> FieldError {
        let unit = if max == 1 { "byte" } else { "bytes" };
        FieldError::new(
            field,
            FieldErrorKind::TooLong,
            None,
            format!("may not be more than {max} {unit}"),
        )
    }

    /// A list with `actual` items where at most `max` are allowed.
    pub fn too_many(field: impl Into<String>, actual: usize, max: usize) -> FieldError {
        let unit = if max == 1 { "item" } else { "items" };
        FieldError::new(
            field,
            FieldErrorKind::TooMany,
            Some(Value::from(actual)),
            format!("must have at most {max} {unit}"),
        )
    }

    /// The `StatusCause` reason (`FieldValueInvalid`, ...).
    pub fn reason(&self) -> &'static str {
        self.kind.reason()
    }

    /// The message without the field, as in `details.causes[].message`:
    /// `Invalid value: "Foo_": a lowercase RFC 1123 subdomain must consist of ...`.
    pub fn message(&self) -> String {
        let mut s = self.kind.label().to_string();
        if self.kind.shows_value()
            && let Some(value) = &self.bad_value
        {
            s.push_str(": ");
            s.push_str(&render_bad_value(value));
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

/// What can be reported as the offending value of a field.
pub trait IntoBadValue {
    fn into_bad_value(self) -> Value;
}

impl IntoBadValue for Value {
    fn into_bad_value(self) -> Value {
        self
    }
}

impl IntoBadValue for &Value {
    fn into_bad_value(self) -> Value {
        self.clone()
    }
}

impl IntoBadValue for &str {
    fn into_bad_value(self) -> Value {
        Value::from(self)
    }
}

impl IntoBadValue for String {
    fn into_bad_value(self) -> Value {
        Value::from(self)
    }
}

impl IntoBadValue for &String {
    fn into_bad_value(self) -> Value {
        Value::from(self.as_str())
    }
}

impl IntoBadValue for Vec<String> {
    fn into_bad_value(self) -> Value {
        Value::from(self)
    }
}

macro_rules! bad_value_from {
    ($($t:ty),*) => {$(
        impl IntoBadValue for $t {
            fn into_bad_value(self) -> Value {
                Value::from(self)
            }
        }
    )*};
}

bad_value_from!(bool, i32, i64, u32, u64, usize, f64);

/// Strings are quoted (`%q`), numbers and booleans printed plainly, anything else as JSON.
fn render_bad_value(value: &Value) -> String {
    match value {
        Value::String(s) => go_fmt::quote(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        Value::Number(n) => go_fmt::float(n.as_f64().unwrap_or(0.0)),
        other => go_fmt::json(other),
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message())
    }
}

impl std::error::Error for FieldError {}

/// The text an Invalid Status carries after `Kind "name" is invalid: `: one error as is,
/// several as `[a, b]`, repeated messages once. `None` when there are no errors.
pub fn aggregate_message(errors: &[FieldError]) -> Option<String> {
    let mut seen = HashSet::new();
    let messages: Vec<String> = errors
        .iter()
        .map(ToString::to_string)
        .filter(|m| seen.insert(m.clone()))
        .collect();
    match messages.len() {
        0 => None,
        1 => messages.into_iter().next(),
        _ => Some(format!("[{}]", messages.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_match_kube_apiserver() {
        let cases = [
            (
                FieldError::required("metadata.name", "name or generateName is required"),
                "FieldValueRequired",
                "metadata.name: Required value: name or generateName is required",
            ),
            (
                FieldError::required("spec.user", ""),
                "FieldValueRequired",
                "spec.user: Required value",
            ),
            (
                FieldError::invalid("spec.ttl", "forever", "must be a duration"),
                "FieldValueInvalid",
                r#"spec.ttl: Invalid value: "forever": must be a duration"#,
            ),
            (
                FieldError::invalid(
                    "spec.expirationSeconds",
                    5,
                    "may not specify a duration less than 10 minutes",
                ),
                "FieldValueInvalid",
                "spec.expirationSeconds: Invalid value: 5: may not specify a duration less than 10 minutes",
            ),
            (
                FieldError::invalid("spec.enabled", false, ""),
                "FieldValueInvalid",
                "spec.enabled: Invalid value: false",
            ),
            (
                FieldError::invalid("values", json!(["a", "b"]), "bad"),
                "FieldValueInvalid",
                r#"values: Invalid value: ["a","b"]: bad"#,
            ),
            (
                FieldError::invalid("values", Value::Null, "bad"),
                "FieldValueInvalid",
                "values: Invalid value: null: bad",
            ),
            (
                FieldError::not_supported("spec.kind", "x", &["a", "b"]),
                "FieldValueNotSupported",
                r#"spec.kind: Unsupported value: "x": supported values: "a", "b""#,
            ),
            (
                FieldError::not_supported("spec.kind", "x", &[]),
                "FieldValueNotSupported",
                r#"spec.kind: Unsupported value: "x""#,
            ),
            (
                FieldError::forbidden("metadata.namespace", "not allowed on this type"),
                "FieldValueForbidden",
                "metadata.namespace: Forbidden: not allowed on this type",
            ),
            (
                FieldError::duplicate("subjects[1]", "bob"),
                "FieldValueDuplicate",
                r#"subjects[1]: Duplicate value: "bob""#,
            ),
            (
                FieldError::too_long("metadata.annotations", 262144),
                "FieldValueTooLong",
                "metadata.annotations: Too long: may not be more than 262144 bytes",
            ),
            (
                FieldError::too_long("x", 1),
                "FieldValueTooLong",
                "x: Too long: may not be more than 1 byte",
            ),
            (
                FieldError::too_many("spec.audiences", 5, 3),
                "FieldValueTooMany",
                "spec.audiences: Too many: 5: must have at most 3 items",
            ),
        ];
        for (err, reason, display) in cases {
            assert_eq!(err.reason(), reason);
            assert_eq!(err.to_string(), display);
            assert_eq!(format!("{}: {}", err.field, err.message()), display);
        }
    }

    #[test]
    fn aggregate_joins_and_deduplicates() {
        assert_eq!(aggregate_message(&[]), None);
        let a = FieldError::required("a", "");
        let b = FieldError::required("b", "");
        assert_eq!(
            aggregate_message(std::slice::from_ref(&a)).as_deref(),
            Some("a: Required value")
        );
        assert_eq!(
            aggregate_message(&[a.clone(), b, a]).as_deref(),
            Some("[a: Required value, b: Required value]")
        );
    }
}
