//! JSON patch (RFC 6902). The `json-patch` crate applies the operations; when one fails, the
//! document as it stood before that operation is inspected to word the failure as
//! kube-apiserver's JSON patch library does (`testing value /spec/x failed: test failed`).

use serde_json::{Map, Value};

use super::PatchError;
use crate::go_fmt;

const KINDS: &[&str] = &["add", "remove", "replace", "move", "copy", "test"];

pub(super) fn apply(original: &Value, patch: &[u8]) -> Result<Value, PatchError> {
    let decoded: Value =
        serde_json::from_slice(patch).map_err(|e| PatchError::Malformed(e.to_string()))?;
    let Value::Array(operations) = decoded else {
        return Err(PatchError::Malformed(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
            tokenhub_api::decode::json_type(&decoded)
        )));
    };
    // Every operation is decoded before any is applied.
    let mut objects = Vec::with_capacity(operations.len());
    for op in operations {
        match op {
            Value::Object(obj) => objects.push(obj),
            other => {
                return Err(PatchError::Malformed(format!(
                    "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                    tokenhub_api::decode::json_type(&other)
                )));
            }
        }
    }
    let mut doc = original.clone();
    for op in objects {
        apply_operation(&mut doc, op)?;
    }
    Ok(doc)
}

fn apply_operation(doc: &mut Value, mut op: Map<String, Value>) -> Result<(), PatchError> {
    let kind = op
        .get("op")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    if !KINDS.contains(&kind.as_str()) {
        return Err(PatchError::Unprocessable(format!(
            "Unexpected kind: {kind}"
        )));
    }
    let from = if matches!(kind.as_str(), "move" | "copy") {
        let Some(from) = op.get("from").and_then(Value::as_str) else {
            return Err(PatchError::Unprocessable(format!(
                "{kind} operation failed to decode from: operation missing from field: missing value"
            )));
        };
        if !is_pointer(from) {
            return Err(PatchError::Unprocessable(missing_from(&kind, from)));
        }
        Some(from.to_string())
    } else {
        None
    };
    let Some(path) = op.get("path").and_then(Value::as_str).map(str::to_string) else {
        let detail = match kind.as_str() {
            "add" | "remove" | "copy" => "missing value",
            _ => "operation missing path field: missing value",
        };
        return Err(PatchError::Unprocessable(format!(
            "{kind} operation failed to decode path: {detail}"
        )));
    };
    if !is_pointer(&path) {
        return Err(PatchError::Unprocessable(missing_path(&kind, &path)));
    }
    // A missing value is a JSON null to upstream.
    if matches!(kind.as_str(), "add" | "replace" | "test") && !op.contains_key("value") {
        op.insert("value".to_string(), Value::Null);
    }
    let operation: json_patch::PatchOperation = serde_json::from_value(Value::Object(op))
        .map_err(|e| PatchError::Unprocessable(e.to_string()))?;
    // On failure the crate restores the document, so it can be inspected as it was.
    json_patch::patch(doc, std::slice::from_ref(&operation)).map_err(|err| {
        PatchError::Unprocessable(
            describe_failure(doc, &kind, &path, from.as_deref()).unwrap_or_else(|| err.to_string()),
        )
    })
}

fn is_pointer(s: &str) -> bool {
    s.is_empty() || s.starts_with('/')
}

/// The tokens of a JSON pointer, unescaped.
fn tokens(path: &str) -> Vec<String> {
    path.split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The object or array holding the last token of `path`, and that token: `None` when a step
/// on the way is missing or is not a container.
fn locate<'a>(doc: &'a Value, path: &str) -> Option<(&'a Value, String)> {
    let mut tokens = tokens(path);
    let last = tokens.pop()?;
    let mut current = doc;
    for token in &tokens {
        current = match current {
            Value::Object(map) => map.get(token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    matches!(current, Value::Object(_) | Value::Array(_)).then_some((current, last))
}

fn exists(container: &Value, key: &str) -> bool {
    match container {
        Value::Object(map) => map.contains_key(key),
        Value::Array(items) => key.parse::<usize>().is_ok_and(|i| i < items.len()),
        _ => false,
    }
}

fn missing_path(kind: &str, path: &str) -> String {
    match kind {
        "add" | "remove" => {
            format!(
                "{kind} operation does not apply: doc is missing path: \"{path}\": missing value"
            )
        }
        "replace" => {
            format!("replace operation does not apply: doc is missing path: {path}: missing value")
        }
        "test" => format!("test operation does not apply: is missing path: {path}: missing value"),
        _ => format!(
            "{kind} operation does not apply: doc is missing destination path: {path}: missing value"
        ),
    }
}

fn missing_from(kind: &str, from: &str) -> String {
    format!("{kind} operation does not apply: doc is missing from path: {from}: missing value")
}

fn invalid_index(kind: &str, path: &str, key: &str) -> String {
    match key.parse::<i64>() {
        Ok(index) => format!(
            "error in {kind} for path: '{path}': Unable to access invalid index: {index}: invalid index referenced"
        ),
        Err(_) => format!(
            "error in {kind} for path: '{path}': strconv.Atoi: parsing {}: invalid syntax",
            go_fmt::quote(key)
        ),
    }
}

/// Upstream's words for why `kind` failed on `doc` as it stood before the operation.
fn describe_failure(doc: &Value, kind: &str, path: &str, from: Option<&str>) -> Option<String> {
    if let Some(from) = from {
        let from_ok = locate(doc, from).is_some_and(|(c, key)| exists(c, &key));
        if !from_ok {
            return Some(missing_from(kind, from));
        }
        // Moving a value into itself removes the destination's parent first.
        if kind == "move" && path.starts_with(from) && path.len() > from.len() {
            return Some(missing_path(kind, path));
        }
    }
    if kind == "test" && path.is_empty() {
        return Some("testing value  failed: test failed".to_string());
    }
    let Some((container, key)) = locate(doc, path) else {
        return Some(missing_path(kind, path));
    };
    Some(match (kind, container) {
        ("add", Value::Array(_)) => invalid_index("add", path, &key),
        ("remove", Value::Object(_)) => format!(
            "error in remove for path: '{path}': Unable to remove nonexistent key: {key}: missing value"
        ),
        ("remove", Value::Array(_)) => invalid_index("remove", path, &key),
        ("replace", _) => {
            format!("replace operation does not apply: doc is missing key: {path}: missing value")
        }
        ("test", Value::Array(_)) if !exists(container, &key) => invalid_index("test", path, &key),
        ("test", _) => format!("testing value {path} failed: test failed"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: Value, patch: Value) -> Result<Value, PatchError> {
        apply(&doc, patch.to_string().as_bytes())
    }

    #[test]
    fn operations_apply() {
        let doc = json!({"spec": {"user": "bob", "tags": ["a", "b"]}});
        let cases = [
            (
                json!([{"op": "replace", "path": "/spec/user", "value": "dave"}]),
                json!({"spec": {"user": "dave", "tags": ["a", "b"]}}),
            ),
            (
                json!([{"op": "add", "path": "/spec/tags/-", "value": "c"}]),
                json!({"spec": {"user": "bob", "tags": ["a", "b", "c"]}}),
            ),
            (
                json!([{"op": "add", "path": "/spec/tags/0", "value": "z"}]),
                json!({"spec": {"user": "bob", "tags": ["z", "a", "b"]}}),
            ),
            (
                json!([{"op": "remove", "path": "/spec/tags/0"}]),
                json!({"spec": {"user": "bob", "tags": ["b"]}}),
            ),
            (
                json!([{"op": "test", "path": "/spec/user", "value": "bob"},
                    {"op": "move", "from": "/spec/user", "path": "/spec/owner"}]),
                json!({"spec": {"tags": ["a", "b"], "owner": "bob"}}),
            ),
            (
                json!([{"op": "copy", "from": "/spec/user", "path": "/spec/a~1b"}]),
                json!({"spec": {"user": "bob", "tags": ["a", "b"], "a/b": "bob"}}),
            ),
            (
                json!([{"op": "add", "path": "/spec/x"}]),
                json!({"spec": {"user": "bob", "tags": ["a", "b"], "x": null}}),
            ),
            (json!([]), doc.clone()),
        ];
        for (patch, want) in cases {
            assert_eq!(run(doc.clone(), patch.clone()), Ok(want), "{patch}");
        }
    }

    #[test]
    fn failures_are_worded_as_upstream() {
        let doc = json!({"spec": {"user": "bob", "tags": ["a"]}});
        let cases = [
            (
                json!([{"op": "test", "path": "/spec/user", "value": "eve"}]),
                "testing value /spec/user failed: test failed",
            ),
            (
                json!([{"op": "test", "path": "/nope/x", "value": 1}]),
                "test operation does not apply: is missing path: /nope/x: missing value",
            ),
            (
                json!([{"op": "remove", "path": "/spec/nope"}]),
                "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value",
            ),
            (
                json!([{"op": "remove", "path": "/nope/x"}]),
                "remove operation does not apply: doc is missing path: \"/nope/x\": missing value",
            ),
            (
                json!([{"op": "remove", "path": "/spec/tags/5"}]),
                "error in remove for path: '/spec/tags/5': Unable to access invalid index: 5: invalid index referenced",
            ),
            (
                json!([{"op": "replace", "path": "/spec/nope", "value": 1}]),
                "replace operation does not apply: doc is missing key: /spec/nope: missing value",
            ),
            (
                json!([{"op": "replace", "path": "/a/b", "value": 1}]),
                "replace operation does not apply: doc is missing path: /a/b: missing value",
            ),
            (
                json!([{"op": "add", "path": "/a/b", "value": 1}]),
                "add operation does not apply: doc is missing path: \"/a/b\": missing value",
            ),
            (
                json!([{"op": "add", "path": "/spec/tags/9", "value": 1}]),
                "error in add for path: '/spec/tags/9': Unable to access invalid index: 9: invalid index referenced",
            ),
            (
                json!([{"op": "move", "from": "/nope", "path": "/x"}]),
                "move operation does not apply: doc is missing from path: /nope: missing value",
            ),
            (
                json!([{"op": "copy", "from": "/spec/user", "path": "/a/b"}]),
                "copy operation does not apply: doc is missing destination path: /a/b: missing value",
            ),
            (
                json!([{"op": "frobnicate", "path": "/x"}]),
                "Unexpected kind: frobnicate",
            ),
            (json!([{"path": "/x"}]), "Unexpected kind: unknown"),
            (
                json!([{"op": "add", "value": 1}]),
                "add operation failed to decode path: missing value",
            ),
            (
                json!([{"op": "replace", "path": "spec", "value": 1}]),
                "replace operation does not apply: doc is missing path: spec: missing value",
            ),
        ];
        for (patch, want) in cases {
            let got = run(doc.clone(), patch.clone());
            assert_eq!(
                got,
                Err(PatchError::Unprocessable(want.to_string())),
                "{patch}"
            );
        }
    }

    #[test]
    fn a_failed_operation_stops_the_patch() {
        let doc = json!({"a": 1});
        let patch = json!([
            {"op": "replace", "path": "/a", "value": 2},
            {"op": "test", "path": "/a", "value": 1}
        ]);
        assert_eq!(
            run(doc, patch),
            Err(PatchError::Unprocessable(
                "testing value /a failed: test failed".into()
            ))
        );
    }

    #[test]
    fn malformed_patches() {
        assert!(matches!(
            apply(&json!({}), b"{"),
            Err(PatchError::Malformed(_))
        ));
        assert_eq!(
            apply(&json!({}), b"{}"),
            Err(PatchError::Malformed(
                "json: cannot unmarshal object into Go value of type jsonpatch.Patch".into()
            ))
        );
        assert_eq!(
            apply(&json!({}), b"[1]"),
            Err(PatchError::Malformed(
                "json: cannot unmarshal number into Go value of type jsonpatch.Operation".into()
            ))
        );
    }
}
