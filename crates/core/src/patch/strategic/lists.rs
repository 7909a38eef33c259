//! Merging lists: replaced, unioned as sets of scalars, or merged item by item on a key.

use serde_json::{Map, Value};
use tokenhub_api::schema::Schema;

use super::errors::{
    GO_MAP, bad_arg_type, bad_patch_type, malformed, no_list_of_lists, no_merge_key,
};
use super::order::normalize_element_order;
use super::{DIRECTIVE_MARKER, ListStrategy, list_strategy, merge_map};
use crate::go_fmt;
use crate::patch::PatchError;

/// What the items of a list are; all items of the lists being merged must agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ElementKind {
    Null,
    Bool,
    Number,
    String,
    Object,
}

pub(super) fn merge_list(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: Option<&Schema>,
) -> Result<Vec<Value>, PatchError> {
    match list_strategy(schema) {
        ListStrategy::Replace => Ok(patch),
        ListStrategy::MergeScalars(items) => merge_slice(original, patch, None, items),
        ListStrategy::MergeByKey(key, items) => merge_slice(original, patch, Some(key), items),
    }
}

/// Upstream's `mergeSlice`: merge, then order the result so that the patch's items keep the
/// patch's order and the others keep the original's, interleaved as in the original.
pub(super) fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: Option<&str>,
    items: &Schema,
) -> Result<Vec<Value>, PatchError> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let kind = element_kind(&[&original, &patch])?;
    let (original, patch, merged) = if kind == ElementKind::Object {
        let Some(key) = merge_key else {
            return Err(malformed(format!(
                "cannot merge lists without merge key for type {}",
                go_kind_name(items)
            )));
        };
        let (original, patch) = apply_special_elements(original, patch, key)?;
        let merged = merge_by_key(original.clone(), &patch, key, items)?;
        (original, patch, merged)
    } else {
        let mut both = original.clone();
        both.extend(patch.iter().cloned());
        let merged = deduplicate_scalars(both);
        (original, patch, merged)
    };
    let (patch_items, server_only) = partition(merged, &patch, merge_key)?;
    normalize_element_order(patch_items, server_only, &patch, &original, merge_key, kind)
}

/// Items carrying `$patch`: `delete` removes the original items with the same key, `replace`
/// makes the other patch items the whole list. Returns the new original and the plain patch.
fn apply_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut plain = Vec::with_capacity(patch.len());
    let mut replace = false;
    for item in patch {
        let Value::Object(map) = &item else {
            return Err(bad_arg_type(GO_MAP, &item));
        };
        let Some(directive) = map.get(DIRECTIVE_MARKER) else {
            plain.push(item);
            continue;
        };
        match directive.as_str() {
            Some("delete") => {
                let Some(value) = map.get(key) else {
                    return Err(no_merge_key(map, key));
                };
                original.retain(|o| !has_key_value(o, key, value));
            }
            // Keep going: the other `$patch` items still have to be dropped.
            Some("replace") => replace = true,
            Some("merge") => {
                return Err(malformed(
                    "merging lists cannot yet be specified in the patch",
                ));
            }
            _ => return Err(bad_patch_type(directive, map)),
        }
    }
    Ok(if replace {
        (plain, Vec::new())
    } else {
        (original, plain)
    })
}

/// Each patch item is merged into the original item with the same key, or appended.
fn merge_by_key(
    mut original: Vec<Value>,
    patch: &[Value],
    key: &str,
    items: &Schema,
) -> Result<Vec<Value>, PatchError> {
    for item in patch {
        let Value::Object(map) = item else {
            return Err(bad_arg_type(GO_MAP, item));
        };
        let Some(value) = map.get(key) else {
            return Err(no_merge_key(map, key));
        };
        match original.iter().position(|o| has_key_value(o, key, value)) {
            Some(i) => {
                let current = match std::mem::take(&mut original[i]) {
                    Value::Object(current) => current,
                    _ => Map::new(),
                };
                original[i] = Value::Object(merge_map(current, map.clone(), Some(items))?);
            }
            None => original.push(Value::Object(merge_map(
                Map::new(),
                map.clone(),
                Some(items),
            )?)),
        }
    }
    Ok(original)
}

/// Splits `merged` into the items that appear in `by` (by value, or by merge key) and those
/// only the server has.
pub(super) fn partition(
    merged: Vec<Value>,
    by: &[Value],
    merge_key: Option<&str>,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut in_patch = Vec::with_capacity(merged.len());
    let mut server_only = Vec::with_capacity(merged.len());
    for item in merged {
        let found = match merge_key {
            None => by.iter().any(|b| scalar_eq(b, &item)),
            Some(key) => {
                let Value::Object(map) = &item else {
                    return Err(bad_arg_type(GO_MAP, &item));
                };
                let Some(value) = map.get(key) else {
                    return Err(no_merge_key(map, key));
                };
                find_by_key(by, key, value)?
            }
        };
        if found {
            in_patch.push(item);
        } else {
            server_only.push(item);
        }
    }
    Ok((in_patch, server_only))
}

/// Whether a map in `list` has `key` equal to `value`; every item must be a map.
fn find_by_key(list: &[Value], key: &str, value: &Value) -> Result<bool, PatchError> {
    for (i, item) in list.iter().enumerate() {
        let Value::Object(map) = item else {
            return Err(malformed(format!("value for key {i} is not a map.")));
        };
        if map.get(key).is_some_and(|v| scalar_eq(v, value)) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn has_key_value(item: &Value, key: &str, value: &Value) -> bool {
    item.get(key).is_some_and(|v| scalar_eq(v, value))
}

/// Equality of decoded JSON values as Go's `==` on `interface{}`: numbers by value.
pub(super) fn scalar_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Upstream's in-place deduplication; it reorders, which the ordering step undoes.
fn deduplicate_scalars(mut items: Vec<Value>) -> Vec<Value> {
    let mut i = 0;
    while i + 1 < items.len() {
        let mut j = i + 1;
        while j < items.len() {
            if scalar_eq(&items[i], &items[j]) {
                items.swap_remove(j);
            } else {
                j += 1;
            }
        }
        i += 1;
    }
    items
}

/// The kind of every item of `lists`: the same for all, and never a list.
pub(super) fn element_kind(lists: &[&[Value]]) -> Result<ElementKind, PatchError> {
    let mut kind = None;
    for item in lists.iter().flat_map(|l| l.iter()) {
        let current = match item {
            Value::Null => ElementKind::Null,
            Value::Bool(_) => ElementKind::Bool,
            Value::Number(_) => ElementKind::Number,
            Value::String(_) => ElementKind::String,
            Value::Object(_) => ElementKind::Object,
            Value::Array(_) if kind.is_none() => return Err(no_list_of_lists()),
            Value::Array(_) => {
                return Err(not_identical(lists));
            }
        };
        match kind {
            None => kind = Some(current),
            Some(k) if k != current => return Err(not_identical(lists)),
            Some(_) => {}
        }
    }
    kind.ok_or_else(|| malformed("no elements in any of the given slices"))
}

fn not_identical(lists: &[&[Value]]) -> PatchError {
    let all = Value::Array(lists.iter().map(|l| Value::Array(l.to_vec())).collect());
    malformed(format!(
        "list element types are not identical: {}",
        go_fmt::sprint(&all)
    ))
}

/// The Go kind of a list's element type, for upstream's message.
fn go_kind_name(items: &Schema) -> &'static str {
    match items {
        Schema::String(_) => "string",
        Schema::Integer(_) => "int64",
        Schema::Boolean => "bool",
        Schema::Object(_) => "struct",
        Schema::Map(_) => "map",
        Schema::Array(..) => "slice",
        Schema::Any => "interface",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deduplication_keeps_one_of_each() {
        let got = deduplicate_scalars(vec![json!(1), json!(2), json!(1), json!(3), json!(2)]);
        let mut got: Vec<String> = got.iter().map(ToString::to_string).collect();
        got.sort();
        assert_eq!(got, ["1", "2", "3"]);
        assert!(scalar_eq(&json!(1), &json!(1.0)));
        assert!(!scalar_eq(&json!("1"), &json!(1)));
    }

    #[test]
    fn element_kinds() {
        assert_eq!(
            element_kind(&[&[json!("a")], &[json!("b")]]),
            Ok(ElementKind::String)
        );
        assert_eq!(
            element_kind(&[&[json!([1])]]),
            Err(PatchError::Unprocessable(
                "lists of lists are not supported".into()
            ))
        );
        assert_eq!(
            element_kind(&[&[json!("a")], &[json!(1)]]),
            Err(PatchError::Malformed(
                "list element types are not identical: [[a] [1]]".into()
            ))
        );
        assert_eq!(
            element_kind(&[&[], &[]]),
            Err(PatchError::Malformed(
                "no elements in any of the given slices".into()
            ))
        );
    }
}
