//! Strategic merge patch, as k8s.io/apimachinery/pkg/util/strategicpatch applies it on the
//! server, with the kind's [`Schema`] standing in for Go struct tags:
//!
//! * objects and maps merge key by key; `null` deletes a key;
//! * a list merges by its [`ListType`]: `Atomic` is replaced, `Set` is a union of scalars
//!   (`$deleteFromPrimitiveList/<field>` removes values), `Map(key)` merges items by the key
//!   (`{"$patch": "delete", key: ...}` removes one, `{"$patch": "replace"}` replaces all);
//! * `$setElementOrder/<field>` orders a merged list; `$retainKeys` drops the other keys;
//! * `{"$patch": "replace"}` replaces an object and `{"$patch": "delete"}` empties it;
//! * a field the schema does not know, or knows as `Any`, merges as JSON merge patch would:
//!   objects recursively, lists replaced.
//!
//! Where upstream keeps a patch value verbatim although it is not in the object yet (so nulls
//! and directives inside it would be stored), it is merged into an empty value here instead.

mod directives;
mod errors;
mod lists;
mod order;

use serde_json::{Map, Value};
use tokenhub_api::schema::{ListType, Schema};

use crate::patch::PatchError;
use directives::{DELETE_FROM_PRIMITIVE_LIST, apply_retain_keys, extract_key, merge_ordered_lists};
use errors::{BAD_PRIMITIVE_LIST, bad_patch_type, malformed};
use lists::{merge_list, scalar_eq};

const DIRECTIVE_MARKER: &str = "$patch";

pub(super) fn apply(original: &Value, patch: &[u8], schema: &Schema) -> Result<Value, PatchError> {
    let Value::Object(original) = original else {
        return Err(PatchError::NotAnObject(
            "the object to patch is not a JSON object".to_string(),
        ));
    };
    let patch: Value = serde_json::from_slice(patch).map_err(|e| malformed(e.to_string()))?;
    let patch = match patch {
        // A `null` patch decodes to an empty map in Go: nothing changes.
        Value::Null => return Ok(Value::Object(original.clone())),
        Value::Object(patch) => patch,
        other => {
            return Err(malformed(format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                tokenhub_api::decode::json_type(&other)
            )));
        }
    };
    merge_map(original.clone(), patch, Some(schema)).map(Value::Object)
}

/// Merges `patch` into `original`, an object described by `schema` (`None` when unknown).
fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    schema: Option<&Schema>,
) -> Result<Map<String, Value>, PatchError> {
    if let Some(directive) = patch.get(DIRECTIVE_MARKER) {
        return match directive.as_str() {
            Some("replace") => {
                patch.shift_remove(DIRECTIVE_MARKER);
                Ok(patch)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(bad_patch_type(directive, &patch)),
        };
    }
    apply_retain_keys(&mut original, &mut patch)?;
    merge_ordered_lists(&mut original, &mut patch, schema)?;

    for (key, patch_value) in patch {
        if key.starts_with(DELETE_FROM_PRIMITIVE_LIST) {
            let list_key = extract_key(&key, DELETE_FROM_PRIMITIVE_LIST)?;
            delete_from_list(&mut original, &list_key, patch_value)?;
            continue;
        }
        if patch_value.is_null() {
            original.shift_remove(&key);
            continue;
        }
        let field = field_schema(schema, &key);
        match original.get_mut(&key) {
            Some(current) if same_kind(current, &patch_value) => {
                let merged = merge_value(std::mem::take(current), patch_value, field)?;
                *current = merged;
            }
            Some(current) => *current = fresh_value(patch_value, field)?,
            None => {
                let value = fresh_value(patch_value, field)?;
                original.insert(key, value);
            }
        }
    }
    Ok(original)
}

/// Merges two values of the same JSON kind.
fn merge_value(current: Value, patch: Value, schema: Option<&Schema>) -> Result<Value, PatchError> {
    Ok(match (current, patch) {
        (Value::Object(current), Value::Object(patch)) => {
            Value::Object(merge_map(current, patch, schema)?)
        }
        (Value::Array(current), Value::Array(patch)) => {
            Value::Array(merge_list(current, patch, schema)?)
        }
        (_, patch) => patch,
    })
}

/// A patch value for a field the object does not have (or has with another kind): merged into
/// nothing, so its directives are applied and its nulls dropped.
fn fresh_value(patch: Value, schema: Option<&Schema>) -> Result<Value, PatchError> {
    Ok(match patch {
        Value::Object(patch) => Value::Object(merge_map(Map::new(), patch, schema)?),
        Value::Array(patch) => Value::Array(merge_list(Vec::new(), patch, schema)?),
        scalar => scalar,
    })
}

/// `$deleteFromPrimitiveList/<key>`: removes the listed values from the list at `key`.
fn delete_from_list(
    original: &mut Map<String, Value>,
    key: &str,
    to_delete: Value,
) -> Result<(), PatchError> {
    match to_delete {
        // As upstream, a null deletion list deletes the list.
        Value::Null => {
            original.shift_remove(key);
        }
        Value::Array(to_delete) => {
            if let Some(Value::Array(items)) = original.get_mut(key) {
                items.retain(|item| !to_delete.iter().any(|d| scalar_eq(d, item)));
            }
        }
        _ => return Err(malformed(BAD_PRIMITIVE_LIST)),
    }
    Ok(())
}

/// Whether two values are of the same JSON kind (Go compares their decoded types).
fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// The schema of field `key` of an object described by `schema`; `None` when unknown or free.
fn field_schema<'s>(schema: Option<&'s Schema>, key: &str) -> Option<&'s Schema> {
    match schema? {
        Schema::Object(object) => object.field(key).map(|f| &f.schema),
        Schema::Map(values) => Some(values),
        _ => None,
    }
}

/// How a list field merges.
#[derive(Clone, Copy)]
enum ListStrategy<'s> {
    Replace,
    /// A set of scalars, merged by value.
    MergeScalars(&'s Schema),
    /// Objects merged by the value of a key field.
    MergeByKey(&'static str, &'s Schema),
}

fn list_strategy(schema: Option<&Schema>) -> ListStrategy<'_> {
    match schema {
        Some(Schema::Array(items, ListType::Set)) => ListStrategy::MergeScalars(items),
        Some(Schema::Array(items, ListType::Map(key))) => ListStrategy::MergeByKey(key, items),
        _ => ListStrategy::Replace,
    }
}

#[cfg(test)]
mod tests;
