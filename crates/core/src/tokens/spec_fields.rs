//! Reading the typed fields of a JSON `spec` with field errors instead of panics; shared by the
//! validation of Tokens, APITokens and Users.

use serde_json::{Map, Value};

use crate::validation::FieldError;

/// Free-text descriptions: long enough for a sentence or two, short enough for a table.
pub const MAX_DESCRIPTION_BYTES: usize = 1024;

/// `spec` as an object; absent or null is an empty spec. The error is the one cause to
/// answer with.
pub(crate) fn spec_of(obj: &Value) -> Result<Option<&Map<String, Value>>, Vec<FieldError>> {
    match obj.get("spec") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(other) => Err(vec![FieldError::invalid(
            "spec",
            other,
            "must be an object",
        )]),
    }
}

/// A field of `spec`, with null read as absent.
pub(crate) fn field<'a>(spec: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a Value> {
    spec.and_then(|s| s.get(key)).filter(|v| !v.is_null())
}

pub(crate) fn string<'a>(
    spec: Option<&'a Map<String, Value>>,
    key: &str,
    errs: &mut Vec<FieldError>,
) -> Option<&'a str> {
    match field(spec, key)? {
        Value::String(s) => Some(s),
        other => {
            errs.push(FieldError::invalid(
                format!("spec.{key}"),
                other,
                "must be a string",
            ));
            None
        }
    }
}

pub(crate) fn boolean(
    spec: Option<&Map<String, Value>>,
    key: &str,
    errs: &mut Vec<FieldError>,
) -> Option<bool> {
    match field(spec, key)? {
        Value::Bool(b) => Some(*b),
        other => {
            errs.push(FieldError::invalid(
                format!("spec.{key}"),
                other,
                "must be a boolean",
            ));
            None
        }
    }
}

/// A whole number that fits in an i64; `7200000.0` and `"7200000"` are not.
pub(crate) fn integer(
    spec: Option<&Map<String, Value>>,
    key: &str,
    errs: &mut Vec<FieldError>,
) -> Option<i64> {
    let value = field(spec, key)?;
    match value.as_i64() {
        Some(n) => Some(n),
        None => {
            errs.push(FieldError::invalid(
                format!("spec.{key}"),
                value,
                "must be an integer",
            ));
            None
        }
    }
}

/// `spec.description`: a string of at most [`MAX_DESCRIPTION_BYTES`].
pub(crate) fn check_description(spec: Option<&Map<String, Value>>, errs: &mut Vec<FieldError>) {
    if let Some(d) = string(spec, "description", errs)
        && d.len() > MAX_DESCRIPTION_BYTES
    {
        errs.push(FieldError::too_long(
            "spec.description",
            MAX_DESCRIPTION_BYTES,
        ));
    }
}

/// Immutable fields compare as values, with null and absent the same.
pub(crate) fn same(old: Option<&Value>, new: Option<&Value>) -> bool {
    old.filter(|v| !v.is_null()) == new.filter(|v| !v.is_null())
}

/// `spec.<key>: Invalid value: …: field is immutable` for every key of either spec outside
/// `mutable` whose values differ (as `normalized` makes them), in key order so that the
/// answer is stable.
pub(crate) fn immutable_changes<'a>(
    old_spec: Option<&'a Map<String, Value>>,
    new_spec: Option<&'a Map<String, Value>>,
    mutable: &[&str],
    normalized: impl Fn(&str, Option<&'a Value>) -> Option<&'a Value>,
) -> Vec<FieldError> {
    let mut keys: Vec<&String> = old_spec
        .into_iter()
        .chain(new_spec)
        .flat_map(Map::keys)
        .filter(|k| !mutable.contains(&k.as_str()))
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| {
            let old = normalized(key, field(old_spec, key));
            !same(old, normalized(key, field(new_spec, key)))
        })
        .map(|key| immutable(key, field(new_spec, key)))
        .collect()
}

/// `spec.<key>: Invalid value: <new>: field is immutable`, upstream's words.
pub(crate) fn immutable(key: &str, new: Option<&Value>) -> FieldError {
    FieldError::invalid(
        format!("spec.{key}"),
        new.cloned().unwrap_or(Value::Null),
        "field is immutable",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_fields_report_their_type_errors() {
        let obj = json!({"spec": {"s": 1, "b": "yes", "n": 1.5, "ok": "x", "nul": null, "big": 9_223_372_036_854_775_807i64}});
        let spec = spec_of(&obj).unwrap();
        let mut errs = Vec::new();
        assert_eq!(string(spec, "s", &mut errs), None);
        assert_eq!(boolean(spec, "b", &mut errs), None);
        assert_eq!(integer(spec, "n", &mut errs), None);
        assert_eq!(string(spec, "ok", &mut errs), Some("x"));
        assert_eq!(string(spec, "nul", &mut errs), None);
        assert_eq!(string(spec, "absent", &mut errs), None);
        assert_eq!(integer(spec, "big", &mut errs), Some(i64::MAX));
        let messages: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "spec.s: Invalid value: 1: must be a string",
                r#"spec.b: Invalid value: "yes": must be a boolean"#,
                "spec.n: Invalid value: 1.5: must be an integer",
            ]
        );
        assert_eq!(
            spec_of(&json!({"spec": []})).unwrap_err()[0].to_string(),
            "spec: Invalid value: []: must be an object"
        );
        assert!(spec_of(&json!({})).unwrap().is_none());
        assert!(spec_of(&json!("not an object")).unwrap().is_none());
    }

    #[test]
    fn null_and_absent_are_the_same() {
        assert!(same(None, Some(&Value::Null)));
        assert!(same(Some(&json!("a")), Some(&json!("a"))));
        assert!(!same(Some(&json!("a")), None));
        assert!(!same(Some(&json!(1)), Some(&json!("1"))));
    }
}
