//! Single writes: create, get, update, delete, and the resourceVersion they stamp.

use tokenhub_store::{Precondition, StoreError, StoreExt};

use crate::harness::{Harness, data_of, key, object, rv_in_metadata};

contract_tests!(
    an_empty_store_is_at_resource_version_zero,
    created_objects_can_be_read_back,
    reading_a_missing_key_finds_nothing,
    creating_a_taken_key_is_already_exists,
    updating_replaces_the_object,
    updating_or_deleting_a_missing_key_is_not_found,
    deleting_returns_the_last_state_at_the_deletion_resource_version,
    resource_versions_increase_across_the_whole_store,
    resource_namespace_and_name_together_make_the_key,
);

async fn an_empty_store_is_at_resource_version_zero(h: &mut Harness) {
    assert_eq!(h.store().current_resource_version().await.unwrap(), 0);
}

async fn created_objects_can_be_read_back(h: &mut Harness) {
    let k = key("configmaps", "default", "a");
    let created = h.create(&k, "one").await;
    assert_eq!(created.key, k);
    assert!(created.resource_version > 0);
    assert_eq!(rv_in_metadata(&created.object), created.resource_version);
    assert_eq!(data_of(&created.object), "one");

    let read = h.store().get(&k).await.unwrap().expect("stored");
    assert_eq!(read, created);
    assert_eq!(
        h.store().current_resource_version().await.unwrap(),
        created.resource_version
    );
}

async fn reading_a_missing_key_finds_nothing(h: &mut Harness) {
    let found = h.store().get(&key("configmaps", "default", "nope")).await;
    assert_eq!(found.unwrap(), None);
}

async fn creating_a_taken_key_is_already_exists(h: &mut Harness) {
    let k = key("configmaps", "default", "a");
    let first = h.create(&k, "one").await;
    let again = h.store().create(k.clone(), object(&k, "two")).await;
    assert_eq!(again, Err(StoreError::AlreadyExists(k.clone())));
    assert_eq!(h.store().get(&k).await.unwrap(), Some(first.clone()));
    assert_eq!(
        h.store().current_resource_version().await.unwrap(),
        first.resource_version
    );
}

async fn updating_replaces_the_object(h: &mut Harness) {
    let k = key("configmaps", "default", "a");
    let created = h.create(&k, "one").await;
    let updated = h
        .store()
        .update(k.clone(), object(&k, "two"), Precondition::default())
        .await
        .unwrap();
    assert!(updated.resource_version > created.resource_version);
    assert_eq!(rv_in_metadata(&updated.object), updated.resource_version);
    assert_eq!(data_of(&updated.object), "two");
    assert_eq!(h.store().get(&k).await.unwrap(), Some(updated));
}

async fn updating_or_deleting_a_missing_key_is_not_found(h: &mut Harness) {
    let k = key("configmaps", "default", "ghost");
    let update = h
        .store()
        .update(k.clone(), object(&k, "x"), Precondition::default())
        .await;
    assert_eq!(update, Err(StoreError::NotFound(k.clone())));
    let delete = h.store().delete(k.clone(), Precondition::default()).await;
    assert_eq!(delete, Err(StoreError::NotFound(k.clone())));
    assert_eq!(h.store().current_resource_version().await.unwrap(), 0);
}

async fn deleting_returns_the_last_state_at_the_deletion_resource_version(h: &mut Harness) {
    let k = key("configmaps", "default", "a");
    let created = h.create(&k, "one").await;
    let deleted = h
        .store()
        .delete(k.clone(), Precondition::default())
        .await
        .unwrap();
    assert!(deleted.resource_version > created.resource_version);
    assert_eq!(rv_in_metadata(&deleted.object), deleted.resource_version);
    assert_eq!(data_of(&deleted.object), "one");
    assert_eq!(h.store().get(&k).await.unwrap(), None);
    assert_eq!(
        h.store().current_resource_version().await.unwrap(),
        deleted.resource_version
    );

    // The key is free again.
    let recreated = h.create(&k, "two").await;
    assert!(recreated.resource_version > deleted.resource_version);
}

async fn resource_versions_increase_across_the_whole_store(h: &mut Harness) {
    let mut last = 0;
    for (resource, namespace, name) in [
        ("configmaps", "a", "x"),
        ("serviceaccounts", "b", "x"),
        ("rbac.authorization.k8s.io/clusterroles", "", "x"),
        ("configmaps", "a", "y"),
    ] {
        let stored = h.create(&key(resource, namespace, name), "v").await;
        assert!(stored.resource_version > last, "{stored:?} after {last}");
        last = stored.resource_version;
    }
    let k = key("configmaps", "a", "x");
    let updated = h
        .store()
        .update(k.clone(), object(&k, "w"), Precondition::default())
        .await
        .unwrap();
    assert!(updated.resource_version > last);
    assert_eq!(
        h.store().current_resource_version().await.unwrap(),
        updated.resource_version
    );
}

async fn resource_namespace_and_name_together_make_the_key(h: &mut Harness) {
    let keys = [
        key("configmaps", "a", "same"),
        key("configmaps", "b", "same"),
        key("serviceaccounts", "a", "same"),
        key("namespaces", "", "same"),
    ];
    for (i, k) in keys.iter().enumerate() {
        h.create(k, &i.to_string()).await;
    }
    for (i, k) in keys.iter().enumerate() {
        let stored = h.store().get(k).await.unwrap().expect("stored");
        assert_eq!(data_of(&stored.object), i.to_string());
    }
}
