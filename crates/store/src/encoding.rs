//! How objects and events are written into SQL rows and read back, shared by every backend.
//!
//! Stored data is never trusted to be well formed: anything unexpected becomes
//! `StoreError::Backend`, never a panic.

use serde_json::Value;

use crate::{EventType, ObjectKey, Precondition, Result, StoreError};

/// Returns `object` with `metadata.resourceVersion` set to `rv` as a decimal string, the form
/// Kubernetes clients expect.
pub(crate) fn with_resource_version(mut object: Value, rv: u64) -> Result<Value> {
    let Some(fields) = object.as_object_mut() else {
        return Err(StoreError::Backend(
            "cannot store an object that is not a JSON object".into(),
        ));
    };
    let metadata = fields
        .entry("metadata")
        .or_insert_with(|| Value::Object(Default::default()));
    let Some(metadata) = metadata.as_object_mut() else {
        return Err(StoreError::Backend(
            "cannot store an object whose metadata is not a JSON object".into(),
        ));
    };
    metadata.insert("resourceVersion".into(), Value::String(rv.to_string()));
    Ok(object)
}

/// The resourceVersion the store wrote into an object's metadata.
pub(crate) fn resource_version_of(object: &Value) -> Result<u64> {
    object
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .and_then(|rv| rv.parse().ok())
        .ok_or_else(|| StoreError::Backend("stored object lacks metadata.resourceVersion".into()))
}

pub(crate) fn uid_of(object: &Value) -> Option<&str> {
    object.pointer("/metadata/uid").and_then(Value::as_str)
}

pub(crate) fn body_text(object: &Value) -> Result<String> {
    serde_json::to_string(object).map_err(|e| StoreError::Backend(format!("encoding object: {e}")))
}

pub(crate) fn parse_body(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Backend(format!("stored object: {e}")))
}

/// resourceVersions are u64 in the API and signed 64-bit integers in SQL.
pub(crate) fn rv_to_sql(rv: u64) -> Result<i64> {
    i64::try_from(rv).map_err(|_| StoreError::Backend(format!("resourceVersion {rv} overflows")))
}

pub(crate) fn rv_from_sql(rv: i64) -> Result<u64> {
    u64::try_from(rv).map_err(|_| StoreError::Backend(format!("stored resourceVersion {rv}")))
}

pub(crate) fn event_type_name(event_type: EventType) -> &'static str {
    match event_type {
        EventType::Added => "ADDED",
        EventType::Modified => "MODIFIED",
        EventType::Deleted => "DELETED",
    }
}

pub(crate) fn parse_event_type(name: &str) -> Result<EventType> {
    match name {
        "ADDED" => Ok(EventType::Added),
        "MODIFIED" => Ok(EventType::Modified),
        "DELETED" => Ok(EventType::Deleted),
        other => Err(StoreError::Backend(format!("stored event type {other:?}"))),
    }
}

/// Checks a write's precondition against the stored object's resourceVersion and uid.
pub(crate) fn check_precondition(
    key: &ObjectKey,
    precondition: &Precondition,
    stored_rv: u64,
    stored_uid: Option<&str>,
) -> Result<()> {
    if let Some(expected) = precondition.resource_version
        && expected != stored_rv
    {
        return Err(StoreError::Conflict {
            key: key.clone(),
            reason: format!(
                "the object has been modified: resourceVersion is {stored_rv}, expected {expected}"
            ),
        });
    }
    if let Some(expected) = &precondition.uid
        && stored_uid != Some(expected.as_str())
    {
        return Err(StoreError::Conflict {
            key: key.clone(),
            reason: format!(
                "uid is {}, expected {expected}",
                stored_uid.unwrap_or("unset")
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn resource_version_is_written_as_a_decimal_string() {
        let object = with_resource_version(json!({"metadata": {"name": "a"}}), 42).unwrap();
        assert_eq!(object["metadata"]["resourceVersion"], "42");
        assert_eq!(resource_version_of(&object).unwrap(), 42);
    }

    #[test]
    fn missing_metadata_is_created_and_non_objects_are_refused() {
        let object = with_resource_version(json!({"kind": "X"}), 1).unwrap();
        assert_eq!(object["metadata"]["resourceVersion"], "1");
        assert!(with_resource_version(json!([1]), 1).is_err());
        assert!(with_resource_version(json!({"metadata": 3}), 1).is_err());
    }

    #[test]
    fn bad_stored_data_is_an_error_not_a_panic() {
        assert!(resource_version_of(&json!({"metadata": {"resourceVersion": "x"}})).is_err());
        assert!(parse_body("{").is_err());
        assert!(parse_event_type("BOOKMARK").is_err());
        assert!(rv_from_sql(-1).is_err());
        assert!(rv_to_sql(u64::MAX).is_err());
    }

    #[test]
    fn preconditions_compare_resource_version_and_uid() {
        let key = ObjectKey::new("configmaps", "ns", "a");
        let none = Precondition::default();
        assert!(check_precondition(&key, &none, 5, None).is_ok());
        let rv = Precondition {
            resource_version: Some(5),
            uid: None,
        };
        assert!(check_precondition(&key, &rv, 5, None).is_ok());
        assert!(matches!(
            check_precondition(&key, &rv, 6, None),
            Err(StoreError::Conflict { .. })
        ));
        let uid = Precondition {
            resource_version: None,
            uid: Some("u1".into()),
        };
        assert!(check_precondition(&key, &uid, 5, Some("u1")).is_ok());
        assert!(check_precondition(&key, &uid, 5, Some("u2")).is_err());
        assert!(check_precondition(&key, &uid, 5, None).is_err());
    }
}
