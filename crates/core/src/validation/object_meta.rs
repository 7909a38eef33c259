//! `metadata` validation on create and update, as kube-apiserver's ValidateObjectMeta and
//! ValidateObjectMetaUpdate do it: same checks, same order, same field paths and messages.
//!
//! Metadata arrives as JSON. A field of the wrong JSON type is the business of schema
//! validation, which runs first; here it is read as absent.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use tokenhub_api::registry::NameRule;

use super::field_error::FieldError;
use super::formats::{
    is_dns1123_label, is_qualified_name, is_valid_label_value, validate_generate_name,
    validate_name,
};

/// The most bytes all annotation keys and values together may hold.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

const FIELD_IMMUTABLE: &str = "field is immutable";
const FIELD_MANAGER_MAX_LENGTH: usize = 128;
const MAX_SUBRESOURCE_NAME_LENGTH: usize = 256;

/// Validates the `metadata` of an object being created.
///
/// A name is required unless `generateName` is set, so this may run before or after the name is
/// generated. `namespaced` says whether the kind lives in namespaces.
pub fn validate_object_meta(
    meta: &Value,
    name_rule: NameRule,
    namespaced: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = str_field(meta, "name");
    let generate_name = str_field(meta, "generateName");

    if !generate_name.is_empty() {
        for msg in validate_generate_name(generate_name, name_rule) {
            errs.push(FieldError::invalid(
                "metadata.generateName",
                generate_name,
                msg,
            ));
        }
    }
    if name.is_empty() {
        if generate_name.is_empty() {
            errs.push(FieldError::required(
                "metadata.name",
                "name or generateName is required",
            ));
        }
    } else {
        for msg in validate_name(name, name_rule) {
            errs.push(FieldError::invalid("metadata.name", name, msg));
        }
    }

    let namespace = str_field(meta, "namespace");
    if namespaced {
        if namespace.is_empty() {
            errs.push(FieldError::required("metadata.namespace", ""));
        } else {
            for msg in is_dns1123_label(namespace) {
                errs.push(FieldError::invalid("metadata.namespace", namespace, msg));
            }
        }
    } else if !namespace.is_empty() {
        errs.push(FieldError::forbidden(
            "metadata.namespace",
            "not allowed on this type",
        ));
    }

    let generation = int_field(meta, "generation");
    if generation < 0 {
        errs.push(FieldError::invalid(
            "metadata.generation",
            generation,
            "must be greater than or equal to 0",
        ));
    }
    errs.extend(validate_labels(
        map_field(meta, "labels"),
        "metadata.labels",
    ));
    errs.extend(validate_annotations(
        map_field(meta, "annotations"),
        "metadata.annotations",
    ));
    errs.extend(validate_owner_references(meta.get("ownerReferences")));
    errs.extend(validate_finalizers(meta.get("finalizers")));
    errs.extend(validate_managed_fields(meta.get("managedFields")));
    errs
}

/// Validates the `metadata` of an object replacing `old_meta`: identity and creation fields
/// may not change, and the new labels, annotations and references must be valid.
///
/// Like upstream, an update must carry a `resourceVersion`; an unconditional update copies the
/// stored one in before validating.
pub fn validate_object_meta_update(old_meta: &Value, new_meta: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();

    if old_meta
        .get("deletionTimestamp")
        .is_some_and(|v| !v.is_null())
    {
        let old: BTreeSet<&str> = strings(old_meta.get("finalizers")).into_iter().collect();
        let added: BTreeSet<&str> = strings(new_meta.get("finalizers"))
            .into_iter()
            .filter(|f| !old.contains(f))
            .collect();
        if !added.is_empty() {
            let quoted: Vec<String> = added.iter().map(|f| crate::go_fmt::quote(f)).collect();
            errs.push(FieldError::forbidden(
                "metadata.finalizers",
                format!(
                    "no new finalizers can be added if the object is being deleted, found new finalizers []string{{{}}}",
                    quoted.join(", ")
                ),
            ));
        }
    }

    if str_field(new_meta, "resourceVersion").is_empty() {
        errs.push(FieldError::invalid(
            "metadata.resourceVersion",
            "",
            "must be specified for an update",
        ));
    }

    let new_generation = int_field(new_meta, "generation");
    if new_generation < int_field(old_meta, "generation") {
        errs.push(FieldError::invalid(
            "metadata.generation",
            new_generation,
            "must not be decremented",
        ));
    }

    for key in ["name", "namespace", "uid"] {
        let new = str_field(new_meta, key);
        if new != str_field(old_meta, key) {
            errs.push(FieldError::invalid(
                format!("metadata.{key}"),
                new,
                FIELD_IMMUTABLE,
            ));
        }
    }
    for key in ["creationTimestamp", "deletionTimestamp"] {
        let (old, new) = (old_meta.get(key), new_meta.get(key));
        if !same_time(old, new) {
            errs.push(FieldError::invalid(
                format!("metadata.{key}"),
                new.cloned().unwrap_or(Value::Null),
                FIELD_IMMUTABLE,
            ));
        }
    }
    let grace = "deletionGracePeriodSeconds";
    if present(old_meta.get(grace)) != present(new_meta.get(grace)) {
        errs.push(FieldError::invalid(
            format!("metadata.{grace}"),
            new_meta.get(grace).cloned().unwrap_or(Value::Null),
            FIELD_IMMUTABLE,
        ));
    }

    errs.extend(validate_labels(
        map_field(new_meta, "labels"),
        "metadata.labels",
    ));
    errs.extend(validate_annotations(
        map_field(new_meta, "annotations"),
        "metadata.annotations",
    ));
    errs.extend(validate_owner_references(new_meta.get("ownerReferences")));
    errs.extend(validate_managed_fields(new_meta.get("managedFields")));
    errs
}

/// Label keys must be qualified names and values label values; both are reported at `field`.
pub fn validate_labels(labels: Option<&Map<String, Value>>, field: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (key, value) in labels.into_iter().flatten() {
        for msg in is_qualified_name(key) {
            errs.push(FieldError::invalid(field, key.as_str(), msg));
        }
        let value = value.as_str().unwrap_or_default();
        for msg in is_valid_label_value(value) {
            errs.push(FieldError::invalid(field, value, msg));
        }
    }
    errs
}

/// Annotation keys are qualified names in any case; all keys and values together hold at most
/// 256 KiB.
pub fn validate_annotations(
    annotations: Option<&Map<String, Value>>,
    field: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut total = 0usize;
    for (key, value) in annotations.into_iter().flatten() {
        for msg in is_qualified_name(&key.to_lowercase()) {
            errs.push(FieldError::invalid(field, key.as_str(), msg));
        }
        total = total
            .saturating_add(key.len())
            .saturating_add(value.as_str().map_or(0, str::len));
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.push(FieldError::too_long(field, TOTAL_ANNOTATION_SIZE_LIMIT));
    }
    errs
}

/// Each owner must be named fully, Events may not own anything, and only one owner may be the
/// controller. Upstream reports these at `metadata.ownerReferences`, without an index.
fn validate_owner_references(refs: Option<&Value>) -> Vec<FieldError> {
    const FIELD: &str = "metadata.ownerReferences";
    let mut errs = Vec::new();
    let Some(Value::Array(refs)) = refs else {
        return errs;
    };
    let mut first_controller: Option<String> = None;
    for reference in refs {
        let api_version = str_field(reference, "apiVersion");
        let kind = str_field(reference, "kind");
        let name = str_field(reference, "name");
        let (group, version) = parse_group_version(api_version);
        if version.is_empty() {
            errs.push(FieldError::invalid(
                format!("{FIELD}.apiVersion"),
                api_version,
                "version must not be empty",
            ));
        }
        if kind.is_empty() {
            errs.push(FieldError::invalid(
                format!("{FIELD}.kind"),
                kind,
                "must not be empty",
            ));
        }
        if name.is_empty() {
            errs.push(FieldError::invalid(
                format!("{FIELD}.name"),
                name,
                "must not be empty",
            ));
        }
        let uid = str_field(reference, "uid");
        if uid.is_empty() {
            errs.push(FieldError::invalid(
                format!("{FIELD}.uid"),
                uid,
                "must not be empty",
            ));
        }
        if group.is_empty() && version == "v1" && kind == "Event" {
            errs.push(FieldError::invalid(
                FIELD,
                reference.clone(),
                format!("{group}/{version}, Kind={kind} is disallowed from being an owner"),
            ));
        }
        if reference.get("controller").and_then(Value::as_bool) == Some(true) {
            let current = format!("{kind}/{name}");
            match &first_controller {
                Some(first) => errs.push(FieldError::invalid(
                    FIELD,
                    Value::Array(refs.clone()),
                    format!("Only one reference can have Controller set to true. Found \"true\" in references for {first} and {current}"),
                )),
                None => first_controller = Some(current),
            }
        }
    }
    errs
}

/// `schema.ParseGroupVersion`, where a malformed string yields an empty group and version.
fn parse_group_version(api_version: &str) -> (&str, &str) {
    if api_version.is_empty() || api_version == "/" {
        return ("", "");
    }
    match api_version.matches('/').count() {
        0 => ("", api_version),
        1 => api_version.split_once('/').unwrap_or(("", "")),
        _ => ("", ""),
    }
}

/// Finalizers are qualified names, and orphaning and foreground deletion exclude each other.
fn validate_finalizers(finalizers: Option<&Value>) -> Vec<FieldError> {
    const FIELD: &str = "metadata.finalizers";
    let mut errs = Vec::new();
    let names = strings(finalizers);
    for finalizer in &names {
        for msg in is_qualified_name(finalizer) {
            errs.push(FieldError::invalid(FIELD, *finalizer, msg));
        }
    }
    if names.contains(&"orphan") && names.contains(&"foregroundDeletion") {
        errs.push(FieldError::invalid(
            FIELD,
            finalizers.cloned().unwrap_or(Value::Null),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
    errs
}

fn validate_managed_fields(entries: Option<&Value>) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(Value::Array(entries)) = entries else {
        return errs;
    };
    for (i, entry) in entries.iter().enumerate() {
        let path = format!("metadata.managedFields[{i}]");
        let operation = str_field(entry, "operation");
        if operation != "Apply" && operation != "Update" {
            errs.push(FieldError::invalid(
                format!("{path}.operation"),
                operation,
                "must be `Apply` or `Update`",
            ));
        }
        let fields_type = str_field(entry, "fieldsType");
        if !fields_type.is_empty() && fields_type != "FieldsV1" {
            errs.push(FieldError::invalid(
                format!("{path}.fieldsType"),
                fields_type,
                "must be `FieldsV1`",
            ));
        }
        let manager = str_field(entry, "manager");
        if manager.len() > FIELD_MANAGER_MAX_LENGTH {
            errs.push(FieldError::too_long(
                format!("{path}.manager"),
                FIELD_MANAGER_MAX_LENGTH,
            ));
        }
        for (pos, c) in manager.char_indices() {
            if c.is_control() {
                errs.push(FieldError::invalid(
                    format!("{path}.manager"),
                    manager,
                    format!("invalid character U+{:04X} (at position {pos})", c as u32),
                ));
            }
        }
        if str_field(entry, "subresource").len() > MAX_SUBRESOURCE_NAME_LENGTH {
            errs.push(FieldError::too_long(
                format!("{path}.subresource"),
                MAX_SUBRESOURCE_NAME_LENGTH,
            ));
        }
    }
    errs
}

fn str_field<'a>(obj: &'a Value, key: &str) -> &'a str {
    obj.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn int_field(obj: &Value, key: &str) -> i64 {
    obj.get(key).and_then(Value::as_i64).unwrap_or_default()
}

fn map_field<'a>(obj: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    obj.get(key).and_then(Value::as_object)
}

fn strings(list: Option<&Value>) -> Vec<&str> {
    list.and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

/// Timestamps are compared as instants, so `Z` and `+00:00` spell the same time.
fn same_time(old: Option<&Value>, new: Option<&Value>) -> bool {
    match (present(old), present(new)) {
        (None, None) => true,
        (Some(a), Some(b)) => match (a.as_str(), b.as_str()) {
            (Some(a), Some(b)) => {
                match (a.parse::<jiff::Timestamp>(), b.parse::<jiff::Timestamp>()) {
                    (Ok(a), Ok(b)) => a == b,
                    _ => a == b,
                }
            }
            _ => a == b,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    #[test]
    fn create_table() {
        use NameRule::*;
        let cases: Vec<(Value, NameRule, bool, Vec<String>)> = vec![
            (
                json!({"name": "bot", "namespace": "default"}),
                Dns1123Subdomain,
                true,
                vec![],
            ),
            (json!({"name": "ns1"}), Dns1123Label, false, vec![]),
            (
                json!({"generateName": "token-"}),
                Dns1123Subdomain,
                false,
                vec![],
            ),
            (
                json!({"namespace": "default"}),
                Dns1123Subdomain,
                true,
                vec!["metadata.name: Required value: name or generateName is required".into()],
            ),
            (
                json!({"name": "Foo_", "namespace": "default"}),
                Dns1123Subdomain,
                true,
                vec![format!(
                    "metadata.name: Invalid value: \"Foo_\": {SUBDOMAIN_MSG}"
                )],
            ),
            (
                json!({"generateName": "Tok-"}),
                Dns1123Subdomain,
                false,
                vec![format!(
                    "metadata.generateName: Invalid value: \"Tok-\": {SUBDOMAIN_MSG}"
                )],
            ),
            (
                json!({"name": "bot"}),
                Dns1123Subdomain,
                true,
                vec!["metadata.namespace: Required value".into()],
            ),
            (
                json!({"name": "bot", "namespace": "a.b"}),
                Dns1123Subdomain,
                true,
                vec!["metadata.namespace: Invalid value: \"a.b\": must not contain dots".into()],
            ),
            (
                json!({"name": "admin", "namespace": "default"}),
                PathSegment,
                false,
                vec!["metadata.namespace: Forbidden: not allowed on this type".into()],
            ),
            (
                json!({"name": "a/b"}),
                PathSegment,
                false,
                vec!["metadata.name: Invalid value: \"a/b\": may not contain '/'".into()],
            ),
            (
                json!({"name": "x", "generation": -1}),
                Dns1123Subdomain,
                false,
                vec![
                    "metadata.generation: Invalid value: -1: must be greater than or equal to 0"
                        .into(),
                ],
            ),
        ];
        for (meta, rule, namespaced, want) in cases {
            assert_eq!(
                messages(&validate_object_meta(&meta, rule, namespaced)),
                want,
                "{meta}"
            );
        }
    }

    #[test]
    fn labels_and_annotations() {
        let meta = json!({
            "name": "x",
            "labels": {"ok": "yes", "bad key": "v", "k": "-bad"},
            "annotations": {"Example.COM/Key": "fine", "a/b/c": "v"}
        });
        let errs = validate_object_meta(&meta, NameRule::Dns1123Subdomain, false);
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["metadata.labels", "metadata.labels", "metadata.annotations"]
        );
        assert!(
            errs[0]
                .message()
                .starts_with("Invalid value: \"bad key\": name part must consist")
        );
        assert!(
            errs[1]
                .message()
                .starts_with("Invalid value: \"-bad\": a valid label must be an empty string")
        );
        assert!(
            errs[2]
                .message()
                .starts_with("Invalid value: \"a/b/c\": a qualified name must consist")
        );
    }

    #[test]
    fn annotations_may_not_exceed_256_kib() {
        let big = "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT);
        let meta = json!({"name": "x", "annotations": {"a": big}});
        assert_eq!(
            messages(&validate_object_meta(
                &meta,
                NameRule::Dns1123Subdomain,
                false
            )),
            ["metadata.annotations: Too long: may not be more than 262144 bytes"]
        );
        let fits = "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT - 1);
        let meta = json!({"name": "x", "annotations": {"a": fits}});
        assert!(validate_object_meta(&meta, NameRule::Dns1123Subdomain, false).is_empty());
    }

    #[test]
    fn owner_references() {
        let meta = json!({"name": "x", "ownerReferences": [
            {"apiVersion": "", "kind": "", "name": "", "uid": ""},
            {"apiVersion": "v1", "kind": "Event", "name": "e", "uid": "1"},
            {"apiVersion": "apps/v1", "kind": "A", "name": "a", "uid": "2", "controller": true},
            {"apiVersion": "apps/v1", "kind": "B", "name": "b", "uid": "3", "controller": true}
        ]});
        let errs = validate_object_meta(&meta, NameRule::Dns1123Subdomain, false);
        let got = messages(&errs);
        assert_eq!(
            got[0],
            "metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty"
        );
        assert_eq!(
            got[1],
            "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty"
        );
        assert_eq!(
            got[2],
            "metadata.ownerReferences.name: Invalid value: \"\": must not be empty"
        );
        assert_eq!(
            got[3],
            "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty"
        );
        assert_eq!(
            got[4],
            "metadata.ownerReferences: Invalid value: {\"apiVersion\":\"v1\",\"kind\":\"Event\",\"name\":\"e\",\"uid\":\"1\"}: /v1, Kind=Event is disallowed from being an owner"
        );
        assert!(got[5].ends_with("Only one reference can have Controller set to true. Found \"true\" in references for A/a and B/b"));
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn finalizers_and_managed_fields() {
        let meta = json!({
            "name": "x",
            "finalizers": ["orphan", "foregroundDeletion", "bad/one/two"],
            "managedFields": [{"operation": "Patch", "fieldsType": "FieldsV2", "manager": "m"}]
        });
        let got = messages(&validate_object_meta(
            &meta,
            NameRule::Dns1123Subdomain,
            false,
        ));
        assert!(
            got[0].starts_with(
                "metadata.finalizers: Invalid value: \"bad/one/two\": a qualified name"
            )
        );
        assert_eq!(
            got[1],
            "metadata.finalizers: Invalid value: [\"orphan\",\"foregroundDeletion\",\"bad/one/two\"]: finalizer orphan and foregroundDeletion cannot be both set"
        );
        assert_eq!(
            got[2],
            "metadata.managedFields[0].operation: Invalid value: \"Patch\": must be `Apply` or `Update`"
        );
        assert_eq!(
            got[3],
            "metadata.managedFields[0].fieldsType: Invalid value: \"FieldsV2\": must be `FieldsV1`"
        );
    }

    #[test]
    fn update_table() {
        let old = json!({
            "name": "a", "namespace": "ns", "uid": "u1", "resourceVersion": "5",
            "creationTimestamp": "2024-01-01T00:00:00Z", "generation": 3
        });
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (old.clone(), vec![]),
            (
                json!({"name": "a", "namespace": "ns", "uid": "u1", "resourceVersion": "5",
                       "creationTimestamp": "2024-01-01T00:00:00+00:00", "generation": 3,
                       "labels": {"x": "y"}}),
                vec![],
            ),
            (
                json!({"name": "b", "namespace": "other", "uid": "u2", "resourceVersion": "5",
                       "creationTimestamp": "2025-01-01T00:00:00Z", "generation": 3}),
                vec![
                    "metadata.name: Invalid value: \"b\": field is immutable",
                    "metadata.namespace: Invalid value: \"other\": field is immutable",
                    "metadata.uid: Invalid value: \"u2\": field is immutable",
                    "metadata.creationTimestamp: Invalid value: \"2025-01-01T00:00:00Z\": field is immutable",
                ],
            ),
            (
                json!({"name": "a", "namespace": "ns", "uid": "u1", "generation": 2}),
                vec![
                    "metadata.resourceVersion: Invalid value: \"\": must be specified for an update",
                    "metadata.generation: Invalid value: 2: must not be decremented",
                    "metadata.creationTimestamp: Invalid value: null: field is immutable",
                ],
            ),
            (
                json!({"name": "a", "namespace": "ns", "uid": "u1", "resourceVersion": "5",
                       "creationTimestamp": "2024-01-01T00:00:00Z", "generation": 3,
                       "labels": {"a": "b c"}}),
                vec![
                    "metadata.labels: Invalid value: \"b c\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                ],
            ),
        ];
        for (new, want) in cases {
            assert_eq!(
                messages(&validate_object_meta_update(&old, &new)),
                want,
                "{new}"
            );
        }
    }

    #[test]
    fn no_new_finalizers_while_deleting() {
        let old = json!({"name": "a", "resourceVersion": "1", "finalizers": ["x"],
                         "deletionTimestamp": "2024-01-01T00:00:00Z"});
        let new = json!({"name": "a", "resourceVersion": "1", "finalizers": ["x", "z", "y"],
                         "deletionTimestamp": "2024-01-01T00:00:00Z"});
        assert_eq!(
            messages(&validate_object_meta_update(&old, &new)),
            [
                "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"y\", \"z\"}"
            ]
        );
    }

    #[test]
    fn wrong_types_do_not_panic() {
        for meta in [
            json!(null),
            json!("x"),
            json!([1]),
            json!({"name": 5, "labels": [1], "ownerReferences": {"a": 1}}),
        ] {
            let _ = validate_object_meta(&meta, NameRule::Dns1123Subdomain, true);
            let _ = validate_object_meta_update(&meta, &meta);
        }
    }
}
