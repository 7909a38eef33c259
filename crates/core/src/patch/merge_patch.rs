//! JSON merge patch (RFC 7386), with kube-apiserver's answers to patches that are not objects.

use serde_json::Value;

use super::PatchError;

/// evanphx/json-patch's message, which kube-apiserver returns as a BadRequest.
const BAD_JSON_PATCH: &str = "Invalid JSON Patch";

pub(super) fn apply(original: &Value, patch: &[u8]) -> Result<Value, PatchError> {
    let patch: Value = serde_json::from_slice(patch)
        .map_err(|_| PatchError::Malformed(BAD_JSON_PATCH.to_string()))?;
    match patch {
        Value::Object(_) => {
            let mut doc = original.clone();
            json_patch::merge(&mut doc, &patch);
            Ok(doc)
        }
        // The RFC replaces the document with an array; the caller then refuses the result.
        Value::Array(_) => Ok(patch),
        _ => Err(PatchError::Malformed(BAD_JSON_PATCH.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc7386_table() {
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (
                json!({"a": "b", "b": "c"}),
                json!({"a": null}),
                json!({"b": "c"}),
            ),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
            (
                json!({"data": {"x": "1"}}),
                json!({"data": {"config": "hello"}}),
                json!({"data": {"x": "1", "config": "hello"}}),
            ),
        ];
        for (original, patch, want) in cases {
            let bytes = patch.to_string();
            assert_eq!(
                apply(&original, bytes.as_bytes()),
                Ok(want),
                "{original} + {patch}"
            );
        }
    }

    #[test]
    fn unusable_patches() {
        for patch in [&b"{"[..], b"null", b"\"x\"", b"5", b""] {
            assert_eq!(
                apply(&json!({}), patch),
                Err(PatchError::Malformed("Invalid JSON Patch".into())),
                "{}",
                String::from_utf8_lossy(patch)
            );
        }
    }
}
