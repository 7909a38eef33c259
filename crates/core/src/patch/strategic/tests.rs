//! Strategic merge patch against the facts kubectl depends on and upstream's own test cases
//! (k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go), on a schema shaped like
//! upstream's `mergeItem`.

use std::sync::LazyLock;

use serde_json::{Value, json};
use tokenhub_api::kinds::core_v1::{CONFIG_MAPS, SERVICE_ACCOUNTS};
use tokenhub_api::schema::{Schema, field};

use super::apply;
use crate::patch::PatchError;

fn item_schema() -> Schema {
    Schema::inline(
        "an item",
        vec![
            field("name", Schema::string(), ""),
            field("value", Schema::string(), ""),
            field("other", Schema::string(), ""),
            field("simpleMap", Schema::string_map(), ""),
            field("mergingIntList", Schema::set_list(Schema::int64()), ""),
        ],
    )
}

static MERGE_ITEM: LazyLock<Schema> = LazyLock::new(|| {
    Schema::named(
        "io.example.MergeItem",
        "upstream's test type",
        vec![
            field("name", Schema::string(), ""),
            field("value", Schema::string(), ""),
            field("other", Schema::string(), ""),
            field("mergingList", Schema::keyed_list(item_schema(), "name"), ""),
            field("nonMergingList", Schema::atomic_list(item_schema()), ""),
            field("mergingIntList", Schema::set_list(Schema::int64()), ""),
            field(
                "nonMergingIntList",
                Schema::atomic_list(Schema::int64()),
                "",
            ),
            field("simpleMap", Schema::string_map(), ""),
            field("mapOfItems", Schema::map_of(item_schema()), ""),
            field("retainKeysMap", item_schema(), ""),
            field(
                "retainKeysMergingList",
                Schema::keyed_list(item_schema(), "name"),
                "",
            ),
            field("free", Schema::Any, ""),
        ],
    )
});

static CLUSTER_ROLE: LazyLock<Schema> = LazyLock::new(|| {
    let rule = Schema::inline(
        "PolicyRule",
        vec![
            field("apiGroups", Schema::string_list(), ""),
            field("resources", Schema::string_list(), ""),
            field("verbs", Schema::string_list(), ""),
        ],
    );
    Schema::named(
        "io.k8s.api.rbac.v1.ClusterRole",
        "ClusterRole",
        vec![
            field("metadata", tokenhub_api::meta::object_meta(), ""),
            field("rules", Schema::atomic_list(rule), ""),
        ],
    )
});

fn smp_with(original: &Value, patch: &Value, schema: &Schema) -> Result<Value, PatchError> {
    apply(original, patch.to_string().as_bytes(), schema)
}

fn smp(original: Value, patch: Value) -> Result<Value, PatchError> {
    smp_with(&original, &patch, &MERGE_ITEM)
}

/// Compares lists in order and maps as sets of keys, as upstream's test does after sorting.
fn check(original: Value, patch: Value, want: Value) {
    let got = smp(original.clone(), patch.clone());
    assert_eq!(got, Ok(want), "\noriginal: {original}\npatch: {patch}");
}

fn check_error(original: Value, patch: Value, want: &str) {
    let got = smp(original.clone(), patch.clone()).map_err(|e| e.to_string());
    match got {
        Err(message) => assert!(
            message.contains(want),
            "{message:?} does not contain {want:?}\noriginal: {original}\npatch: {patch}"
        ),
        Ok(v) => panic!("expected an error containing {want:?}, got {v}"),
    }
}

#[test]
fn service_account_edit_from_kubectl() {
    let schema = (SERVICE_ACCOUNTS.schema)();
    let original = json!({
        "apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": {"name": "bot", "namespace": "default"},
        "secrets": [{"name": "s1"}, {"name": "s2"}]
    });
    let patch = json!({
        "$setElementOrder/secrets": [{"name": "s2"}],
        "imagePullSecrets": [{"name": "reg"}],
        "secrets": [{"$patch": "delete", "name": "s1"}]
    });
    assert_eq!(
        smp_with(&original, &patch, schema),
        Ok(json!({
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "bot", "namespace": "default"},
            "secrets": [{"name": "s2"}],
            "imagePullSecrets": [{"name": "reg"}]
        }))
    );
}

#[test]
fn service_account_secrets_merge_by_name() {
    let schema = (SERVICE_ACCOUNTS.schema)();
    let original = json!({"secrets": [{"name": "s1", "namespace": "a"}, {"name": "s2"}]});
    let patch = json!({"secrets": [{"name": "s1", "namespace": "b"}, {"name": "s3"}]});
    assert_eq!(
        smp_with(&original, &patch, schema),
        // Upstream puts items the original does not know before the server-only ones.
        Ok(json!({"secrets": [{"name": "s1", "namespace": "b"}, {"name": "s3"}, {"name": "s2"}]}))
    );
    // imagePullSecrets has no merge strategy: replaced wholesale.
    let original = json!({"imagePullSecrets": [{"name": "a"}, {"name": "b"}]});
    let patch = json!({"imagePullSecrets": [{"name": "c"}]});
    assert_eq!(
        smp_with(&original, &patch, schema),
        Ok(json!({"imagePullSecrets": [{"name": "c"}]}))
    );
}

#[test]
fn config_map_data_merges_like_merge_patch() {
    let schema = (CONFIG_MAPS.schema)();
    let original = json!({
        "metadata": {"name": "app", "labels": {"a": "1", "b": "2"}},
        "data": {"config": "hello", "keep": "me"}
    });
    let patch = json!({
        "metadata": {"labels": {"a": null, "c": "3"}},
        "data": {"config": "hello: edited\n"}
    });
    assert_eq!(
        smp_with(&original, &patch, schema),
        Ok(json!({
            "metadata": {"name": "app", "labels": {"b": "2", "c": "3"}},
            "data": {"config": "hello: edited\n", "keep": "me"}
        }))
    );
}

#[test]
fn cluster_role_rules_are_replaced_wholesale() {
    let original = json!({
        "metadata": {"name": "token-admin"},
        "rules": [
            {"apiGroups": ["tokenhub.io"], "resources": ["tokens"], "verbs": ["get"]},
            {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["list"]}
        ]
    });
    let patch = json!({"rules": [
        {"apiGroups": ["tokenhub.io"], "resources": ["tokens"], "verbs": ["get", "list"]}
    ]});
    assert_eq!(
        smp_with(&original, &patch, &CLUSTER_ROLE),
        Ok(json!({
            "metadata": {"name": "token-admin"},
            "rules": [{"apiGroups": ["tokenhub.io"], "resources": ["tokens"], "verbs": ["get", "list"]}]
        }))
    );
}

#[test]
fn finalizers_are_a_set() {
    let schema = (CONFIG_MAPS.schema)();
    let original = json!({"metadata": {"finalizers": ["a", "b"]}});
    let patch = json!({"metadata": {"finalizers": ["c", "a"]}});
    assert_eq!(
        smp_with(&original, &patch, schema),
        Ok(json!({"metadata": {"finalizers": ["c", "a", "b"]}}))
    );
    let patch = json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}});
    assert_eq!(
        smp_with(&original, &patch, schema),
        Ok(json!({"metadata": {"finalizers": ["b"]}}))
    );
}

#[test]
fn maps_and_directives_on_maps() {
    let cases = [
        // nil patch
        (json!({"name": 1}), json!({}), json!({"name": 1})),
        // add field, delete field
        (
            json!({"name": 1}),
            json!({"name": null, "value": 1}),
            json!({"value": 1}),
        ),
        // delete field from nested map
        (
            json!({"simpleMap": {"key1": 1, "key2": 1}}),
            json!({"simpleMap": {"key2": null}}),
            json!({"simpleMap": {"key1": 1}}),
        ),
        // delete map from nested map: upstream leaves an empty map
        (
            json!({"simpleMap": {"key1": 1, "key2": 1}}),
            json!({"simpleMap": {"$patch": "delete"}}),
            json!({"simpleMap": {}}),
        ),
        // delete all keys from map
        (
            json!({"name": 1, "value": 1}),
            json!({"$patch": "replace"}),
            json!({}),
        ),
        // add key and delete all keys from map
        (
            json!({"name": 1, "value": 1}),
            json!({"other": "a", "$patch": "replace"}),
            json!({"other": "a"}),
        ),
        // replace a nested map
        (
            json!({"simpleMap": {"a": "1"}, "name": "x"}),
            json!({"simpleMap": {"$patch": "replace", "b": "2"}}),
            json!({"simpleMap": {"b": "2"}, "name": "x"}),
        ),
        // null for a missing key is dropped
        (
            json!({"name": 1}),
            json!({"other": null}),
            json!({"name": 1}),
        ),
        // nulls inside a new map are dropped
        (
            json!({}),
            json!({"simpleMap": {"a": "1", "b": null}}),
            json!({"simpleMap": {"a": "1"}}),
        ),
        // a value of another kind replaces
        (
            json!({"name": {"x": 1}}),
            json!({"name": "flat"}),
            json!({"name": "flat"}),
        ),
        // maps of objects merge per key
        (
            json!({"mapOfItems": {"a": {"name": "a", "value": "1"}}}),
            json!({"mapOfItems": {"a": {"other": "x"}, "b": {"name": "b"}}}),
            json!({"mapOfItems": {"a": {"name": "a", "value": "1", "other": "x"}, "b": {"name": "b"}}}),
        ),
        // free-form fields merge like merge patch
        (
            json!({"free": {"a": {"b": 1, "c": [1, 2]}}}),
            json!({"free": {"a": {"b": null, "c": [3]}, "d": true}}),
            json!({"free": {"a": {"c": [3]}, "d": true}}),
        ),
        // unknown fields are set
        (
            json!({"name": "x"}),
            json!({"unknown": {"a": 1}}),
            json!({"name": "x", "unknown": {"a": 1}}),
        ),
    ];
    for (original, patch, want) in cases {
        check(original, patch, want);
    }
}

#[test]
fn merging_lists_of_objects() {
    let cases = [
        // delete all items from merging list
        (
            json!({"mergingList": [{"name": 1}, {"name": 2}]}),
            json!({"mergingList": [{"$patch": "replace"}]}),
            json!({"mergingList": []}),
        ),
        // replace a merging list
        (
            json!({"mergingList": [{"name": 1}, {"name": 2}]}),
            json!({"mergingList": [{"name": 3}, {"$patch": "replace"}]}),
            json!({"mergingList": [{"name": 3}]}),
        ),
        // merge empty merging lists
        (
            json!({"mergingList": []}),
            json!({"mergingList": []}),
            json!({"mergingList": []}),
        ),
        // delete all duplicate entries in a merging list
        (
            json!({"mergingList": [{"name": 1}, {"name": 1}, {"name": 2, "value": "a"}, {"name": 3}, {"name": 3}]}),
            json!({"mergingList": [{"name": 1, "$patch": "delete"}, {"name": 3, "$patch": "delete"}]}),
            json!({"mergingList": [{"name": 2, "value": "a"}]}),
        ),
        // delete all maps from merging list
        (
            json!({"mergingList": [{"name": 1}, {"name": 2}]}),
            json!({"mergingList": [{"name": 1, "$patch": "delete"}, {"name": 2, "$patch": "delete"}]}),
            json!({"mergingList": []}),
        ),
        // retainKeys list can change and delete fields
        (
            json!({"retainKeysMergingList": [{"name": "bar"}, {"name": "foo", "value": "a"}]}),
            json!({"retainKeysMergingList": [{"name": "foo", "value": null, "other": "b"}]}),
            json!({"retainKeysMergingList": [{"name": "bar"}, {"name": "foo", "other": "b"}]}),
        ),
        // preserve the order from the patch in a merging list
        (
            json!({"mergingList": [{"name": 1}, {"name": 2, "value": "b"}, {"name": 3}]}),
            json!({"mergingList": [{"name": 3, "value": "c"}, {"name": 1, "value": "a"}, {"name": 2, "other": "x"}]}),
            json!({"mergingList": [{"name": 3, "value": "c"}, {"name": 1, "value": "a"}, {"name": 2, "value": "b", "other": "x"}]}),
        ),
        // preserve the order from the patch in a merging list 2
        (
            json!({"mergingList": [{"name": 1}, {"name": 2, "value": "b"}, {"name": 3}]}),
            json!({"mergingList": [{"name": 3, "value": "c"}, {"name": 1, "value": "a"}]}),
            json!({"mergingList": [{"name": 2, "value": "b"}, {"name": 3, "value": "c"}, {"name": 1, "value": "a"}]}),
        ),
        // nested merging in list items
        (
            json!({"mergingList": [{"name": "a", "simpleMap": {"x": "1"}, "mergingIntList": [1]}]}),
            json!({"mergingList": [{"name": "a", "simpleMap": {"y": "2"}, "mergingIntList": [2]}]}),
            json!({"mergingList": [{"name": "a", "simpleMap": {"x": "1", "y": "2"}, "mergingIntList": [2, 1]}]}),
        ),
        // a new list is taken, its directives applied
        (
            json!({}),
            json!({"mergingList": [{"name": 1, "value": null}, {"name": 2, "$patch": "delete"}]}),
            json!({"mergingList": [{"name": 1}]}),
        ),
        // non-merging lists are replaced
        (
            json!({"nonMergingList": [{"name": 1}, {"name": 2}]}),
            json!({"nonMergingList": [{"name": 3}]}),
            json!({"nonMergingList": [{"name": 3}]}),
        ),
    ];
    for (original, patch, want) in cases {
        check(original, patch, want);
    }
}

#[test]
fn merging_lists_of_scalars() {
    let cases = [
        // unique scalars when merging lists
        (
            json!({"mergingIntList": [1, 2]}),
            json!({"mergingIntList": [2, 3]}),
            json!({"mergingIntList": [1, 2, 3]}),
        ),
        // preserve the order from the patch in a merging int list
        (
            json!({"mergingIntList": [1, 2, 3]}),
            json!({"mergingIntList": [3, 1, 2]}),
            json!({"mergingIntList": [3, 1, 2]}),
        ),
        (
            json!({"mergingIntList": [1, 2, 3]}),
            json!({"mergingIntList": [3, 1]}),
            json!({"mergingIntList": [2, 3, 1]}),
        ),
        // delete items in lists of scalars
        (
            json!({"mergingIntList": [1, 2, 3]}),
            json!({"$setElementOrder/mergingIntList": [1, 2], "$deleteFromPrimitiveList/mergingIntList": [3]}),
            json!({"mergingIntList": [1, 2]}),
        ),
        // deleting from a list that is not there leaves it absent
        (
            json!({}),
            json!({"$deleteFromPrimitiveList/mergingIntList": [3]}),
            json!({}),
        ),
        // replace list of scalars
        (
            json!({"nonMergingIntList": [1, 2]}),
            json!({"nonMergingIntList": [2, 3]}),
            json!({"nonMergingIntList": [2, 3]}),
        ),
        // a null list deletes it
        (
            json!({"mergingIntList": [1]}),
            json!({"mergingIntList": null}),
            json!({}),
        ),
    ];
    for (original, patch, want) in cases {
        check(original, patch, want);
    }
}

#[test]
fn set_element_order() {
    let cases = [
        // $setElementOrder contains item that is not present in the list to be merged
        (
            json!({"mergingList": [{"name": 1}, {"name": 3}]}),
            json!({"$setElementOrder/mergingList": [{"name": 3}, {"name": 2}, {"name": 1}],
                "mergingList": [{"name": 3, "value": 3}, {"name": 1, "value": 1}]}),
            json!({"mergingList": [{"name": 3, "value": 3}, {"name": 1, "value": 1}]}),
        ),
        // ... in an int list, without the list in the patch
        (
            json!({"mergingIntList": [1, 3]}),
            json!({"$setElementOrder/mergingIntList": [3, 2, 1]}),
            json!({"mergingIntList": [3, 1]}),
        ),
        // reorder and add
        (
            json!({"mergingList": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}),
            json!({"$setElementOrder/mergingList": [{"name": "c"}, {"name": "new"}, {"name": "a"}, {"name": "b"}],
                "mergingList": [{"name": "new", "value": "x"}]}),
            json!({"mergingList": [{"name": "c"}, {"name": "new", "value": "x"}, {"name": "a"}, {"name": "b"}]}),
        ),
        // server-only items keep their place
        (
            json!({"mergingList": [{"name": "a"}, {"name": "server"}, {"name": "b"}]}),
            json!({"$setElementOrder/mergingList": [{"name": "b"}, {"name": "a"}]}),
            json!({"mergingList": [{"name": "server"}, {"name": "b"}, {"name": "a"}]}),
        ),
        // on a list that replaces, the directive has nothing to do
        (
            json!({"nonMergingList": [{"name": 1}]}),
            json!({"$setElementOrder/nonMergingList": [{"name": 2}], "nonMergingList": [{"name": 2}]}),
            json!({"nonMergingList": [{"name": 2}]}),
        ),
    ];
    for (original, patch, want) in cases {
        check(original, patch, want);
    }
}

#[test]
fn retain_keys() {
    let cases = [
        (
            json!({"retainKeysMap": {"name": "foo"}}),
            json!({"retainKeysMap": {"value": "bar"}}),
            json!({"retainKeysMap": {"name": "foo", "value": "bar"}}),
        ),
        (
            json!({"retainKeysMap": {"name": "foo", "value": "a"}}),
            json!({"retainKeysMap": {}}),
            json!({"retainKeysMap": {"name": "foo", "value": "a"}}),
        ),
        (
            json!({"retainKeysMap": {"name": "foo", "value": "a", "other": "x"}}),
            json!({"retainKeysMap": {"$retainKeys": ["name", "other"], "other": "y"}}),
            json!({"retainKeysMap": {"name": "foo", "other": "y"}}),
        ),
        (
            json!({"name": "a", "value": "b"}),
            json!({"$retainKeys": ["name"]}),
            json!({"name": "a"}),
        ),
        (
            json!({"name": "a", "value": "b"}),
            json!({"$retainKeys": ["name"], "value": null}),
            json!({"name": "a"}),
        ),
    ];
    for (original, patch, want) in cases {
        check(original, patch, want);
    }
}

#[test]
fn malformed_patches() {
    let cases = [
        (
            json!({"mergingList": [{"name": 1}, {"name": 3}, {"name": 2}]}),
            json!({"$setElementOrder/mergingList": [{"name": 1}, {"name": 2}, {"name": 3}],
                "mergingList": [{"name": 3, "value": 3}, {"name": 1, "value": 1}]}),
            "doesn't match",
        ),
        (
            json!({"mergingIntList": [1, 3, 2]}),
            json!({"$setElementOrder/mergingIntList": [1, 2, 3], "mergingIntList": [3, 1]}),
            "doesn't match",
        ),
        (
            json!({"mergingList": [{"name": 1, "value": "a"}]}),
            json!({"mergingList": [{"value": "b"}]}),
            "map: map[value:b] does not contain declared merge key: name",
        ),
        (
            json!({"name": 1}),
            json!({"$patch": "explode"}),
            "unknown patch type: explode in map: map[$patch:explode]",
        ),
        (
            json!({"mergingList": [{"name": 1}]}),
            json!({"mergingList": [{"name": 1, "$patch": "merge"}]}),
            "merging lists cannot yet be specified in the patch",
        ),
        (
            json!({"mergingList": [{"name": 1}]}),
            json!({"mergingList": [{"name": 1, "$patch": "frob"}]}),
            "unknown patch type: frob in map: map[$patch:frob name:1]",
        ),
        (
            json!({"name": "a"}),
            json!({"$retainKeys": "name"}),
            "invalid patch format of retainKeys",
        ),
        (
            json!({"name": "a"}),
            json!({"$retainKeys": ["name"], "value": "x"}),
            "invalid patch format of retainKeys",
        ),
        (
            json!({}),
            json!({"$setElementOrder": []}),
            "invalid patch format of setElementOrder list",
        ),
        (
            json!({}),
            json!({"$deleteFromPrimitiveList": [1]}),
            "invalid patch format of primitive list",
        ),
        (
            json!({"mergingIntList": [1]}),
            json!({"$deleteFromPrimitiveList/mergingIntList": 1}),
            "invalid patch format of primitive list",
        ),
        (
            json!({"mergingIntList": []}),
            json!({"mergingIntList": [[2]]}),
            "lists of lists are not supported",
        ),
        (
            json!({"mergingIntList": [1]}),
            json!({"mergingIntList": [[2]]}),
            "list element types are not identical",
        ),
        (
            json!({"mergingIntList": [1]}),
            json!({"mergingIntList": ["x"]}),
            "list element types are not identical",
        ),
        (
            json!({"mergingIntList": [1]}),
            json!({"$setElementOrder/mergingIntList": "x"}),
            "expected a []interface {}, but received a string",
        ),
    ];
    for (original, patch, want) in cases {
        check_error(original, patch, want);
    }
}

#[test]
fn status_codes_follow_upstream() {
    let err = smp(
        json!({"mergingIntList": []}),
        json!({"mergingIntList": [[2]]}),
    );
    assert!(matches!(err, Err(PatchError::Unprocessable(_))));
    let err = smp(json!({}), json!({"$retainKeys": 1}));
    assert!(matches!(err, Err(PatchError::Malformed(_))));
}

#[test]
fn patch_documents_that_are_not_objects() {
    let original = json!({"name": "a"});
    assert_eq!(apply(&original, b"null", &MERGE_ITEM), Ok(original.clone()));
    assert_eq!(
        apply(&original, b"[1]", &MERGE_ITEM),
        Err(PatchError::Malformed(
            "json: cannot unmarshal array into Go value of type map[string]interface {}".into()
        ))
    );
    assert!(matches!(
        apply(&original, b"{", &MERGE_ITEM),
        Err(PatchError::Malformed(_))
    ));
}
