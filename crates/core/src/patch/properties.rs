//! Properties over many generated objects and patches: no input panics, an empty strategic
//! patch changes nothing, merge-patching an object with itself changes nothing, and without
//! directives strategic merge patch on a schema-less object is merge patch.

use serde_json::Value;
use tokenhub_api::kinds::core_v1::{CONFIG_MAPS, NAMESPACES, SERVICE_ACCOUNTS};
use tokenhub_api::schema::Schema;

use super::{PatchType, apply_patch};
use crate::testgen::{Gen, without_nulls_and_directives};

/// Keys that reach schema fields (merging lists, maps, sets) and every directive.
const KEYS: &[&str] = &[
    "metadata",
    "labels",
    "finalizers",
    "ownerReferences",
    "uid",
    "name",
    "secrets",
    "imagePullSecrets",
    "data",
    "spec",
    "status",
    "conditions",
    "type",
    "a",
    "b",
    "$patch",
    "$retainKeys",
    "$setElementOrder/secrets",
    "$setElementOrder/finalizers",
    "$deleteFromPrimitiveList/finalizers",
    "$setElementOrder",
    "$deleteFromPrimitiveList/a",
];

fn schemas() -> Vec<&'static Schema> {
    vec![
        (SERVICE_ACCOUNTS.schema)(),
        (CONFIG_MAPS.schema)(),
        (NAMESPACES.schema)(),
        &Schema::Any,
    ]
}

#[test]
fn strategic_merge_patch_never_panics() {
    let mut g = Gen::new(0x53a7);
    for _ in 0..5_000 {
        let original = Value::Object(g.object(KEYS, 3, true));
        let patch = Value::Object(g.object(KEYS, 3, true)).to_string();
        for schema in schemas() {
            let _ = apply_patch(
                &original,
                patch.as_bytes(),
                PatchType::StrategicMergePatch,
                schema,
            );
        }
    }
}

#[test]
fn json_and_merge_patches_never_panic() {
    let mut g = Gen::new(0x7a7c4);
    let paths = [
        "",
        "/",
        "/a",
        "/a/0",
        "/a/-",
        "/b/c",
        "/metadata/labels/x",
        "a",
        "/a/~1",
    ];
    let ops = ["add", "remove", "replace", "move", "copy", "test", "bogus"];
    for _ in 0..5_000 {
        let original = Value::Object(g.object(KEYS, 3, true));
        let operations: Vec<Value> = (0..g.below(4))
            .map(|_| {
                serde_json::json!({
                    "op": g.pick(&ops),
                    "path": g.pick(&paths),
                    "from": g.pick(&paths),
                    "value": g.value(KEYS, 2, true),
                })
            })
            .collect();
        let json_patch = Value::Array(operations).to_string();
        let _ = apply_patch(
            &original,
            json_patch.as_bytes(),
            PatchType::JsonPatch,
            &Schema::Any,
        );
        let merge = g.value(KEYS, 3, true).to_string();
        let _ = apply_patch(
            &original,
            merge.as_bytes(),
            PatchType::MergePatch,
            &Schema::Any,
        );
    }
}

#[test]
fn an_empty_strategic_patch_is_the_identity() {
    let mut g = Gen::new(0xe4);
    for _ in 0..5_000 {
        let original = Value::Object(g.object(KEYS, 3, true));
        for schema in schemas() {
            assert_eq!(
                apply_patch(&original, b"{}", PatchType::StrategicMergePatch, schema),
                Ok(original.clone())
            );
        }
    }
}

#[test]
fn merge_patching_an_object_with_itself_is_the_identity() {
    let mut g = Gen::new(0x1d);
    for _ in 0..5_000 {
        let original = without_nulls_and_directives(&Value::Object(g.object(KEYS, 3, false)));
        let patch = original.to_string();
        assert_eq!(
            apply_patch(
                &original,
                patch.as_bytes(),
                PatchType::MergePatch,
                &Schema::Any
            ),
            Ok(original.clone())
        );
    }
}

#[test]
fn without_directives_strategic_patch_on_free_form_objects_is_merge_patch() {
    let mut g = Gen::new(0x3e6);
    for _ in 0..5_000 {
        let original = Value::Object(g.object(KEYS, 3, true));
        let patch = without_nulls_and_directives(&Value::Object(g.object(KEYS, 3, true)));
        // Nulls that delete keys are part of both formats; keep some at the top level.
        let mut patch = patch;
        if let (Value::Object(p), true) = (&mut patch, g.below(2) == 0) {
            p.insert("a".to_string(), Value::Null);
        }
        let bytes = patch.to_string();
        assert_eq!(
            apply_patch(
                &original,
                bytes.as_bytes(),
                PatchType::StrategicMergePatch,
                &Schema::Any
            ),
            apply_patch(
                &original,
                bytes.as_bytes(),
                PatchType::MergePatch,
                &Schema::Any
            ),
            "original {original}\npatch {patch}"
        );
    }
}
