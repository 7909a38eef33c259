//! Compaction: the feed forgets old entries, never the latest one.

use tokenhub_store::{Precondition, StoreError, StoreExt, WatchQuery};

use crate::harness::{Harness, key, next_event, next_item, object};

contract_tests!(
    compaction_forgets_entries_older_than_the_cut,
    compaction_always_keeps_the_latest_entry,
    compacting_with_nothing_old_forgets_nothing,
);

async fn compaction_forgets_entries_older_than_the_cut(h: &mut Harness) {
    let k = key("configmaps", "ns", "a");
    h.create(&k, "1").await;
    h.store()
        .update(k.clone(), object(&k, "2"), Precondition::default())
        .await
        .unwrap();
    let last_old = h
        .store()
        .delete(k.clone(), Precondition::default())
        .await
        .unwrap();
    h.advance_minutes(5);
    let cut = h.now_ms();
    let recent = h.create(&key("configmaps", "ns", "b"), "1").await;
    h.advance_minutes(5);
    h.create(&key("configmaps", "ns", "c"), "1").await;

    assert_eq!(h.store().compact(cut).await.unwrap(), 3);
    // Compaction writes nothing the clients see.
    let current = h.store().current_resource_version().await.unwrap();
    assert_eq!(current, recent.resource_version + 1);

    let mut too_old = h
        .watch(WatchQuery {
            after: last_old.resource_version - 1,
            ..Default::default()
        })
        .await;
    assert!(matches!(
        next_item(&mut too_old).await,
        Err(StoreError::Expired { .. })
    ));
    let mut whole = h
        .watch(WatchQuery {
            after: last_old.resource_version,
            ..Default::default()
        })
        .await;
    assert_eq!(
        next_event(&mut whole).await.resource_version,
        recent.resource_version
    );

    // Objects are untouched.
    assert_eq!(h.list_all("configmaps", None).await.items.len(), 2);
    // A second compaction at the same cut has nothing left to do.
    assert_eq!(h.store().compact(cut).await.unwrap(), 0);
}

async fn compaction_always_keeps_the_latest_entry(h: &mut Harness) {
    for name in ["a", "b", "c"] {
        h.create(&key("configmaps", "ns", name), "v").await;
    }
    let latest = h.store().current_resource_version().await.unwrap();
    h.advance_minutes(60);
    assert_eq!(h.store().compact(h.now_ms()).await.unwrap(), 2);
    assert_eq!(h.store().current_resource_version().await.unwrap(), latest);

    let mut feed = h
        .watch(WatchQuery {
            after: latest - 1,
            ..Default::default()
        })
        .await;
    assert_eq!(next_event(&mut feed).await.resource_version, latest);
    let mut expired = h.watch(WatchQuery::default()).await;
    assert!(matches!(
        next_item(&mut expired).await,
        Err(StoreError::Expired { .. })
    ));
    // And the counter goes on from there.
    let next = h.create(&key("configmaps", "ns", "d"), "v").await;
    assert!(next.resource_version > latest);
}

async fn compacting_with_nothing_old_forgets_nothing(h: &mut Harness) {
    assert_eq!(h.store().compact(h.now_ms()).await.unwrap(), 0);
    h.create(&key("configmaps", "ns", "a"), "v").await;
    h.create(&key("configmaps", "ns", "b"), "v").await;
    assert_eq!(h.store().compact(h.now_ms()).await.unwrap(), 0);
    let mut feed = h.watch(WatchQuery::default()).await;
    assert_eq!(next_event(&mut feed).await.key.name, "a");
}
