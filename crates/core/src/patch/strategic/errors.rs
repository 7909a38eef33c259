//! The messages of k8s.io/apimachinery/pkg/util/mergepatch, which strategic merge patch
//! returns for malformed patches.

use serde_json::{Map, Value};

use crate::go_fmt;
use crate::patch::PatchError;

pub(super) const BAD_PRIMITIVE_LIST: &str = "invalid patch format of primitive list";
pub(super) const BAD_RETAIN_KEYS: &str = "invalid patch format of retainKeys";
pub(super) const BAD_SET_ELEMENT_ORDER: &str = "invalid patch format of setElementOrder list";

pub(super) const GO_MAP: &str = "map[string]interface {}";
pub(super) const GO_SLICE: &str = "[]interface {}";

pub(super) fn malformed(message: impl Into<String>) -> PatchError {
    PatchError::Malformed(message.into())
}

/// kube-apiserver answers this one with 422, not 400.
pub(super) fn no_list_of_lists() -> PatchError {
    PatchError::Unprocessable("lists of lists are not supported".to_string())
}

pub(super) fn bad_arg_type(expected: &str, actual: &Value) -> PatchError {
    malformed(format!(
        "expected a {expected}, but received a {}",
        go_fmt::type_name(actual)
    ))
}

pub(super) fn no_merge_key(map: &Map<String, Value>, key: &str) -> PatchError {
    malformed(format!(
        "map: {} does not contain declared merge key: {key}",
        go_fmt::sprint(&Value::Object(map.clone()))
    ))
}

pub(super) fn bad_patch_type(directive: &Value, map: &Map<String, Value>) -> PatchError {
    // The directive is printed with %s, which Go spells out for what is not a string.
    let directive = match directive {
        Value::String(s) => s.clone(),
        Value::Null => "%!s(<nil>)".to_string(),
        Value::Bool(b) => format!("%!s(bool={b})"),
        Value::Number(n) => format!("%!s(float64={})", go_fmt::float(n.as_f64().unwrap_or(0.0))),
        other => go_fmt::sprint(other),
    };
    malformed(format!(
        "unknown patch type: {directive} in map: {}",
        go_fmt::sprint(&Value::Object(map.clone()))
    ))
}
