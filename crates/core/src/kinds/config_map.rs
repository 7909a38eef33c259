use serde_json::Value;

use super::KindRules;
use crate::validation::{FieldError, is_config_map_key};

/// The most data a ConfigMap may hold, as upstream.
const MAX_DATA_BYTES: usize = 1024 * 1024;

pub struct ConfigMapRules;

impl KindRules for ConfigMapRules {
    fn validate(&self, object: &Value) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut total = 0usize;
        let data = object.get("data").and_then(Value::as_object);
        let binary = object.get("binaryData").and_then(Value::as_object);
        for (field, map) in [("data", data), ("binaryData", binary)] {
            for (key, value) in map.into_iter().flatten() {
                for message in is_config_map_key(key) {
                    errors.push(FieldError::invalid(
                        format!("{field}[{key}]"),
                        key.as_str(),
                        message,
                    ));
                }
                total += key.len() + value.as_str().map_or(0, str::len);
            }
        }
        for key in data.into_iter().flatten().map(|(k, _)| k) {
            if binary.is_some_and(|b| b.contains_key(key)) {
                errors.push(FieldError::invalid(
                    format!("data[{key}]"),
                    key.as_str(),
                    "duplicate of key present in binaryData",
                ));
            }
        }
        if total > MAX_DATA_BYTES {
            errors.push(FieldError::too_long("", MAX_DATA_BYTES));
        }
        errors
    }

    fn validate_update(&self, old: &Value, new: &Value) -> Vec<FieldError> {
        let mut errors = self.validate(new);
        if old.get("immutable") == Some(&Value::Bool(true)) {
            if new.get("immutable") != Some(&Value::Bool(true)) {
                errors.push(FieldError::forbidden(
                    "immutable",
                    "field is immutable when `immutable` is set",
                ));
            }
            for field in ["data", "binaryData"] {
                if old.get(field) != new.get(field) {
                    errors.push(FieldError::forbidden(
                        field,
                        "field is immutable when `immutable` is set",
                    ));
                }
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_must_be_valid_and_unique_across_data_and_binary_data() {
        assert!(
            ConfigMapRules
                .validate(&json!({"data": {"good.key_1": "v"}}))
                .is_empty()
        );
        assert_eq!(
            ConfigMapRules
                .validate(&json!({"data": {"bad key": "v"}}))
                .len(),
            1
        );
        let dup =
            ConfigMapRules.validate(&json!({"data": {"a": "x"}, "binaryData": {"a": "eA=="}}));
        assert_eq!(dup.len(), 1);
    }

    #[test]
    fn immutable_config_maps_keep_their_data() {
        let old = json!({"immutable": true, "data": {"a": "1"}});
        assert!(ConfigMapRules.validate_update(&old, &old).is_empty());
        let changed = json!({"immutable": true, "data": {"a": "2"}});
        assert_eq!(ConfigMapRules.validate_update(&old, &changed).len(), 1);
        let unset = json!({"data": {"a": "1"}});
        assert_eq!(ConfigMapRules.validate_update(&old, &unset).len(), 1);
    }
}
