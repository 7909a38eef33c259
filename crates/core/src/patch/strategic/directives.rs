//! The directives that travel beside the fields they act on: `$retainKeys` and
//! `$setElementOrder/<field>` (`$deleteFromPrimitiveList/<field>` is applied with the fields).

use std::collections::HashSet;

use serde_json::{Map, Value};
use tokenhub_api::schema::Schema;

use super::errors::{
    BAD_PRIMITIVE_LIST, BAD_RETAIN_KEYS, BAD_SET_ELEMENT_ORDER, GO_MAP, GO_SLICE, bad_arg_type,
    malformed, no_merge_key,
};
use super::lists::{element_kind, merge_slice, partition, scalar_eq};
use super::order::normalize_element_order;
use super::{DIRECTIVE_MARKER, ListStrategy, field_schema, list_strategy};
use crate::go_fmt;
use crate::patch::PatchError;

pub(super) const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";

/// The field a prefixed directive key names: `$setElementOrder/secrets` → `secrets`.
pub(super) fn extract_key(directive_key: &str, prefix: &str) -> Result<String, PatchError> {
    match directive_key.split_once('/') {
        Some((head, field)) if head == prefix => Ok(field.to_string()),
        _ if prefix == DELETE_FROM_PRIMITIVE_LIST => Err(malformed(BAD_PRIMITIVE_LIST)),
        _ if prefix == SET_ELEMENT_ORDER => Err(malformed(BAD_SET_ELEMENT_ORDER)),
        _ => Err(malformed(format!(
            "fail to find unknown prefix {} in {directive_key}\n",
            go_fmt::quote(prefix)
        ))),
    }
}

/// `$retainKeys`: the original keeps only the listed keys, and the patch may set no others.
pub(super) fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
) -> Result<(), PatchError> {
    let Some(retain) = patch.shift_remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let Value::Array(retain) = retain else {
        return Err(malformed(BAD_RETAIN_KEYS));
    };
    let retained: HashSet<&str> = retain.iter().filter_map(Value::as_str).collect();
    for (key, value) in patch.iter() {
        let exempt = value.is_null()
            || key.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            || key.starts_with(SET_ELEMENT_ORDER);
        if !exempt && !retained.contains(key.as_str()) {
            return Err(malformed(BAD_RETAIN_KEYS));
        }
    }
    original.retain(|key, _| retained.contains(key.as_str()));
    Ok(())
}

/// Every `$setElementOrder/<field>`: merges the patch's list for that field into the
/// original's and orders the result, $setElementOrder first, then the patch, then the original.
/// Both the directive and the patch's list leave the patch.
pub(super) fn merge_ordered_lists(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: Option<&Schema>,
) -> Result<(), PatchError> {
    let directive_keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for directive_key in directive_keys {
        let Some(order) = patch.shift_remove(&directive_key) else {
            continue;
        };
        let Value::Array(order) = order else {
            return Err(bad_arg_type(GO_SLICE, &order));
        };
        let field = extract_key(&directive_key, SET_ELEMENT_ORDER)?;
        let original_list = list_at(original, &field)?;
        let patch_list = list_at(patch, &field)?;
        // kubectl sends the directive only for merging lists; elsewhere the list is replaced
        // by the patch's, already in its order, and the directive has nothing to do.
        let (merge_key, items) = match list_strategy(field_schema(schema, &field)) {
            ListStrategy::Replace => continue,
            ListStrategy::MergeScalars(items) => (None, items),
            ListStrategy::MergeByKey(key, items) => (Some(key), items),
        };
        check_patch_follows_order(patch_list.as_deref(), &order, merge_key)?;

        let original_items = original_list.clone().unwrap_or_default();
        let patch_items = patch_list.clone().unwrap_or_default();
        let merged = match (original_list, patch_list) {
            (None, None) => continue,
            (Some(current), None) => current,
            (current, Some(list)) => {
                merge_slice(current.unwrap_or_default(), list, merge_key, items)?
            }
        };
        let (named, server_only) = partition(merged, &order, merge_key)?;
        let kind = element_kind(&[&original_items, &patch_items])?;
        let ordered =
            normalize_element_order(named, server_only, &order, &original_items, merge_key, kind)?;
        original.insert(field.clone(), Value::Array(ordered));
        patch.shift_remove(&field);
    }
    Ok(())
}

/// The list at `key`, `None` when absent or null.
fn list_at(map: &Map<String, Value>, key: &str) -> Result<Option<Vec<Value>>, PatchError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items.clone())),
        Some(other) => Err(bad_arg_type(GO_SLICE, other)),
    }
}

/// The patch's items (deletions aside) must appear in `$setElementOrder` in the same order.
fn check_patch_follows_order(
    patch_list: Option<&[Value]>,
    order: &[Value],
    merge_key: Option<&str>,
) -> Result<(), PatchError> {
    let patch_list = patch_list.unwrap_or_default();
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let kept: Vec<&Value> = match merge_key {
        Some(_) => {
            let mut kept = Vec::with_capacity(patch_list.len());
            for item in patch_list {
                let Value::Object(map) = item else {
                    return Err(bad_arg_type(GO_MAP, item));
                };
                if map.get(DIRECTIVE_MARKER).and_then(Value::as_str) != Some("delete") {
                    kept.push(item);
                }
            }
            kept
        }
        None => patch_list.iter().collect(),
    };
    let (mut p, mut o) = (0, 0);
    while p < kept.len() && o < order.len() {
        if kept[p].get(DIRECTIVE_MARKER).is_some() {
            p += 1;
            continue;
        }
        if same_merge_key(kept[p], &order[o], merge_key)? {
            p += 1;
        }
        o += 1;
    }
    if p < kept.len() && o >= order.len() {
        return Err(malformed(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
            go_fmt::sprint(&Value::Array(patch_list.to_vec())),
            go_fmt::sprint(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

fn same_merge_key(
    left: &Value,
    right: &Value,
    merge_key: Option<&str>,
) -> Result<bool, PatchError> {
    let Some(key) = merge_key else {
        return Ok(scalar_eq(left, right));
    };
    let Value::Object(left) = left else {
        return Err(bad_arg_type(GO_MAP, left));
    };
    let Value::Object(right) = right else {
        return Err(bad_arg_type(GO_MAP, right));
    };
    let Some(l) = left.get(key) else {
        return Err(no_merge_key(left, key));
    };
    let Some(r) = right.get(key) else {
        return Err(no_merge_key(right, key));
    };
    Ok(scalar_eq(l, r))
}
