//! The three patch formats kubectl sends: JSON patch (RFC 6902), JSON merge patch (RFC 7386)
//! and Kubernetes strategic merge patch, the last driven by the kind's schema.

mod json_patch;
mod merge_patch;
#[cfg(test)]
mod properties;
mod strategic;

use std::fmt;

use serde_json::Value;
use tokenhub_api::schema::Schema;

/// A patch format, named by the request's `Content-Type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PatchType {
    JsonPatch,
    MergePatch,
    StrategicMergePatch,
}

impl PatchType {
    /// The patch type of a `Content-Type` header value (parameters and case are ignored);
    /// `None` for anything else, which the server answers with 415.
    pub fn from_content_type(content_type: &str) -> Option<PatchType> {
        let media_type = content_type.split(';').next().unwrap_or_default().trim();
        let known = [
            ("application/json-patch+json", PatchType::JsonPatch),
            ("application/merge-patch+json", PatchType::MergePatch),
            (
                "application/strategic-merge-patch+json",
                PatchType::StrategicMergePatch,
            ),
        ];
        known
            .into_iter()
            .find(|(name, _)| media_type.eq_ignore_ascii_case(name))
            .map(|(_, patch_type)| patch_type)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            PatchType::JsonPatch => "application/json-patch+json",
            PatchType::MergePatch => "application/merge-patch+json",
            PatchType::StrategicMergePatch => "application/strategic-merge-patch+json",
        }
    }
}

/// Why a patch could not be applied. The messages are upstream's where upstream has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatchError {
    /// The patch itself is unusable: not JSON, the wrong shape, a malformed directive.
    /// kube-apiserver answers 400 BadRequest.
    Malformed(String),
    /// The patch is well formed but does not apply to this object: a failed `test`, a path
    /// that is not there, a list of lists. kube-apiserver answers 422.
    Unprocessable(String),
    /// The object, or what the patch made of it, is not a JSON object.
    NotAnObject(String),
}

impl PatchError {
    pub fn message(&self) -> &str {
        match self {
            PatchError::Malformed(m)
            | PatchError::Unprocessable(m)
            | PatchError::NotAnObject(m) => m,
        }
    }
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for PatchError {}

/// Applies `patch` to `original` and returns the patched object. `schema` (the kind's) decides
/// how strategic merge patch merges lists; the other formats ignore it.
pub fn apply_patch(
    original: &Value,
    patch: &[u8],
    patch_type: PatchType,
    schema: &Schema,
) -> Result<Value, PatchError> {
    if !original.is_object() {
        return Err(PatchError::NotAnObject(
            "the object to patch is not a JSON object".to_string(),
        ));
    }
    let patched = match patch_type {
        PatchType::JsonPatch => json_patch::apply(original, patch)?,
        PatchType::MergePatch => merge_patch::apply(original, patch)?,
        PatchType::StrategicMergePatch => strategic::apply(original, patch, schema)?,
    };
    if !patched.is_object() {
        return Err(PatchError::NotAnObject(format!(
            "the patched object must be a JSON object, not {}",
            tokenhub_api::decode::json_type(&patched)
        )));
    }
    Ok(patched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn content_types() {
        let cases = [
            ("application/json-patch+json", Some(PatchType::JsonPatch)),
            ("application/merge-patch+json", Some(PatchType::MergePatch)),
            (
                "application/strategic-merge-patch+json",
                Some(PatchType::StrategicMergePatch),
            ),
            (
                "application/merge-patch+json; charset=utf-8",
                Some(PatchType::MergePatch),
            ),
            ("Application/JSON-Patch+JSON", Some(PatchType::JsonPatch)),
            ("application/apply-patch+yaml", None),
            ("application/json", None),
            ("", None),
        ];
        for (header, want) in cases {
            assert_eq!(PatchType::from_content_type(header), want, "{header:?}");
        }
        for t in [
            PatchType::JsonPatch,
            PatchType::MergePatch,
            PatchType::StrategicMergePatch,
        ] {
            assert_eq!(PatchType::from_content_type(t.content_type()), Some(t));
        }
    }

    #[test]
    fn non_objects_are_refused() {
        let schema = Schema::Any;
        let err = apply_patch(&json!([1]), b"{}", PatchType::MergePatch, &schema);
        assert!(matches!(err, Err(PatchError::NotAnObject(_))));
        let err = apply_patch(&json!({"a": 1}), b"[1]", PatchType::MergePatch, &schema);
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("the patched object must be a JSON object, not array".to_string())
        );
        let err = apply_patch(
            &json!({"a": 1}),
            br#"[{"op":"replace","path":"","value":"x"}]"#,
            PatchType::JsonPatch,
            &schema,
        );
        assert!(matches!(err, Err(PatchError::NotAnObject(_))));
    }

    #[test]
    fn smp_without_schema_knowledge_merges_like_merge_patch() {
        let original = json!({"spec": {"user": "bob", "tags": ["a"], "x": 1}});
        let patch = br#"{"spec": {"user": "dave", "tags": ["b"], "x": null}}"#;
        let via_smp = apply_patch(
            &original,
            patch,
            PatchType::StrategicMergePatch,
            &Schema::Any,
        );
        let via_merge = apply_patch(&original, patch, PatchType::MergePatch, &Schema::Any);
        assert_eq!(via_smp, via_merge);
        assert_eq!(
            via_smp,
            Ok(json!({"spec": {"user": "dave", "tags": ["b"]}}))
        );
    }
}
