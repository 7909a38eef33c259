//! Optimistic concurrency: resourceVersion and uid preconditions.

use tokenhub_store::{Precondition, StoreError, StoreExt};

use crate::harness::{Harness, data_of, key, object};

contract_tests!(
    an_update_at_the_stored_resource_version_succeeds,
    a_stale_resource_version_is_a_conflict,
    a_different_uid_is_a_conflict,
    of_two_concurrent_updates_from_the_same_version_exactly_one_wins,
);

fn at_rv(rv: u64) -> Precondition {
    Precondition {
        resource_version: Some(rv),
        uid: None,
    }
}

async fn an_update_at_the_stored_resource_version_succeeds(h: &mut Harness) {
    let k = key("configmaps", "default", "a");
    let created = h.create(&k, "one").await;
    let uid = created.object["metadata"]["uid"]
        .as_str()
        .unwrap()
        .to_owned();
    let updated = h
        .store()
        .update(
            k.clone(),
            object(&k, "two"),
            Precondition {
                resource_version: Some(created.resource_version),
                uid: Some(uid.clone()),
            },
        )
        .await
        .unwrap();
    h.store()
        .delete(
            k.clone(),
            Precondition {
                resource_version: Some(updated.resource_version),
                uid: Some(uid),
            },
        )
        .await
        .unwrap();
}

async fn a_stale_resource_version_is_a_conflict(h: &mut Harness) {
    let k = key("configmaps", "default", "a");
    let created = h.create(&k, "one").await;
    let updated = h
        .store()
        .update(
            k.clone(),
            object(&k, "two"),
            at_rv(created.resource_version),
        )
        .await
        .unwrap();

    let stale_update = h
        .store()
        .update(
            k.clone(),
            object(&k, "three"),
            at_rv(created.resource_version),
        )
        .await;
    assert!(
        matches!(&stale_update, Err(StoreError::Conflict { key, .. }) if *key == k),
        "{stale_update:?}"
    );
    let stale_delete = h
        .store()
        .delete(k.clone(), at_rv(created.resource_version))
        .await;
    assert!(
        matches!(stale_delete, Err(StoreError::Conflict { .. })),
        "{stale_delete:?}"
    );
    assert_eq!(h.store().get(&k).await.unwrap(), Some(updated.clone()));
    assert_eq!(
        h.store().current_resource_version().await.unwrap(),
        updated.resource_version
    );
}

async fn a_different_uid_is_a_conflict(h: &mut Harness) {
    let k = key("configmaps", "default", "a");
    let created = h.create(&k, "one").await;
    let other_uid = Precondition {
        resource_version: None,
        uid: Some("someone-else".into()),
    };
    let update = h
        .store()
        .update(k.clone(), object(&k, "two"), other_uid.clone())
        .await;
    assert!(
        matches!(update, Err(StoreError::Conflict { .. })),
        "{update:?}"
    );
    let delete = h.store().delete(k.clone(), other_uid).await;
    assert!(
        matches!(delete, Err(StoreError::Conflict { .. })),
        "{delete:?}"
    );
    assert_eq!(h.store().get(&k).await.unwrap(), Some(created));
}

async fn of_two_concurrent_updates_from_the_same_version_exactly_one_wins(h: &mut Harness) {
    // Several rounds, so that the two writers really overlap at least sometimes.
    for round in 0..20 {
        let k = key("configmaps", "default", &format!("contested-{round}"));
        let created = h.create(&k, "start").await;
        let writers: Vec<_> = ["left", "right"]
            .into_iter()
            .map(|side| {
                let store = h.shared_store();
                let k = k.clone();
                let expected = at_rv(created.resource_version);
                tokio::spawn(async move {
                    store
                        .update(k.clone(), object(&k, side), expected)
                        .await
                        .map(|stored| (side, stored))
                })
            })
            .collect();
        let mut winners = Vec::new();
        let mut conflicts = 0;
        for writer in writers {
            match writer.await.unwrap() {
                Ok(won) => winners.push(won),
                Err(StoreError::Conflict { .. }) => conflicts += 1,
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((winners.len(), conflicts), (1, 1), "round {round}");
        let (side, stored) = &winners[0];
        let now = h.store().get(&k).await.unwrap().expect("stored");
        assert_eq!(&now, stored);
        assert_eq!(data_of(&now.object), *side);
    }
}
