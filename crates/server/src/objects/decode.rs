//! Turns a decoded request body into an object of the expected kind: type and version checked,
//! wrong field types refused, unknown fields refused, reported or dropped per `fieldValidation`.

use serde_json::Value;
use tokenhub_api::decode::prune_unknown_fields;
use tokenhub_api::registry::ResourceType;

use crate::error::ApiError;

/// `fieldValidation`: what to do with fields the schema does not know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// Refuse the request (what kubectl asks for since 1.27).
    Strict,
    /// Accept, drop them and warn: kube-apiserver's default when the client does not say.
    #[default]
    Warn,
    /// Accept and drop them silently.
    Ignore,
}

impl FieldValidation {
    pub fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        match value.unwrap_or("") {
            "Strict" => Ok(FieldValidation::Strict),
            "" | "Warn" => Ok(FieldValidation::Warn),
            "Ignore" => Ok(FieldValidation::Ignore),
            other => Err(ApiError::BadRequest(format!(
                "fieldValidation: Unsupported value: {other:?}: supported values: \"Ignore\", \"Strict\", \"Warn\""
            ))),
        }
    }
}

/// Checks `body` is an object of kind `t` (filling in `apiVersion` and `kind` when absent) and
/// applies `fieldValidation`; returns the warnings to send.
pub fn decode_object(
    t: &ResourceType,
    mut body: Value,
    validation: FieldValidation,
) -> Result<(Value, Vec<String>), ApiError> {
    let api_version = t.api_version();
    let cannot_handle = |detail: String| {
        ApiError::BadRequest(format!(
            "{} in version {:?} cannot be handled as a {}: {detail}",
            t.kind, t.version, t.kind
        ))
    };
    let Value::Object(map) = &mut body else {
        return Err(cannot_handle("the body is not a JSON object".into()));
    };
    match map.get("apiVersion").and_then(Value::as_str) {
        None | Some("") => {
            map.insert("apiVersion".into(), api_version.clone().into());
        }
        Some(v) if v == api_version => {}
        Some(v) => {
            return Err(ApiError::BadRequest(format!(
                "the API version in the data ({v}) does not match the expected API version ({api_version})"
            )));
        }
    }
    match map.get("kind").and_then(Value::as_str) {
        None | Some("") => {
            map.insert("kind".into(), t.kind.into());
        }
        Some(k) if k == t.kind => {}
        Some(k) => {
            return Err(ApiError::BadRequest(format!(
                "the kind in the data ({k}) does not match the expected kind ({})",
                t.kind
            )));
        }
    }
    let unknown = prune_unknown_fields(&mut body, (t.schema)())
        .map_err(|mismatch| cannot_handle(mismatch.to_string()))?;
    let described: Vec<String> = unknown
        .iter()
        .map(|f| format!("unknown field {f:?}"))
        .collect();
    match validation {
        FieldValidation::Strict if !described.is_empty() => Err(cannot_handle(format!(
            "strict decoding error: {}",
            described.join(", ")
        ))),
        FieldValidation::Warn => Ok((body, described)),
        _ => Ok((body, Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tokenhub_api::kinds::core_v1::CONFIG_MAPS;

    #[test]
    fn strict_refuses_unknown_fields_with_the_kube_message() {
        let err = decode_object(
            &CONFIG_MAPS,
            json!({"metadata": {"name": "a"}, "spec": {"x": 1}}),
            FieldValidation::Strict,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"spec\""
        );
    }

    #[test]
    fn warn_drops_and_reports_and_ignore_drops_silently() {
        let (obj, warnings) = decode_object(
            &CONFIG_MAPS,
            json!({"metadata": {"name": "a", "foo": 1}}),
            FieldValidation::Warn,
        )
        .unwrap();
        assert_eq!(warnings, vec!["unknown field \"metadata.foo\""]);
        assert_eq!(
            obj,
            json!({"metadata": {"name": "a"}, "apiVersion": "v1", "kind": "ConfigMap"})
        );
        let (_, warnings) = decode_object(
            &CONFIG_MAPS,
            json!({"metadata": {"foo": 1}}),
            FieldValidation::Ignore,
        )
        .unwrap();
        assert!(warnings.is_empty());
    }

    #[test]
    fn wrong_kind_version_and_types_are_bad_requests() {
        assert!(
            decode_object(
                &CONFIG_MAPS,
                json!({"kind": "Secret"}),
                FieldValidation::Strict
            )
            .is_err()
        );
        assert!(
            decode_object(
                &CONFIG_MAPS,
                json!({"apiVersion": "v2"}),
                FieldValidation::Strict
            )
            .is_err()
        );
        assert!(
            decode_object(
                &CONFIG_MAPS,
                json!({"data": {"a": 1}}),
                FieldValidation::Ignore
            )
            .is_err()
        );
        assert!(decode_object(&CONFIG_MAPS, json!([1]), FieldValidation::Ignore).is_err());
    }
}
