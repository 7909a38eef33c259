//! The change feed: replay from a resourceVersion, then live events, without gaps or repeats.

use std::sync::Arc;

use tokenhub_store::{
    Event, EventType, ObjectKey, Precondition, StoreError, StoreExt, WatchQuery, Write,
};

use crate::harness::{Harness, data_of, key, next_event, next_item, object, rv_in_metadata};

contract_tests!(
    a_watch_from_zero_replays_everything_then_follows_live,
    a_watch_from_the_current_version_sees_only_new_changes,
    events_written_while_a_watch_starts_arrive_once_in_order,
    a_watcher_that_falls_far_behind_misses_nothing,
    a_watch_can_follow_one_resource_one_namespace_or_both,
    a_watch_from_before_the_compacted_feed_is_expired,
);

async fn a_watch_from_zero_replays_everything_then_follows_live(h: &mut Harness) {
    let a = key("configmaps", "ns", "a");
    let b = key("configmaps", "ns", "b");
    let created = h.create(&a, "a1").await;
    let updated = h
        .store()
        .update(a.clone(), object(&a, "a2"), Precondition::default())
        .await
        .unwrap();
    let b_created = h.create(&b, "b1").await;

    let mut feed = h.watch(WatchQuery::default()).await;
    let first = next_event(&mut feed).await;
    assert_eq!(first.event_type, EventType::Added);
    assert_eq!(first.key, a);
    assert_eq!(first.resource_version, created.resource_version);
    assert_eq!(first.object, created.object);
    assert_eq!(first.previous, None);

    let second = next_event(&mut feed).await;
    assert_eq!(second.event_type, EventType::Modified);
    assert_eq!(second.resource_version, updated.resource_version);
    assert_eq!(second.object, updated.object);
    assert_eq!(second.previous.as_ref(), Some(&created.object));

    let third = next_event(&mut feed).await;
    assert_eq!(
        (third.event_type, third.resource_version),
        (EventType::Added, b_created.resource_version)
    );

    // Live from here on.
    let deleted = h
        .store()
        .delete(a.clone(), Precondition::default())
        .await
        .unwrap();
    let fourth = next_event(&mut feed).await;
    assert_eq!(fourth.event_type, EventType::Deleted);
    assert_eq!(fourth.key, a);
    assert_eq!(fourth.resource_version, deleted.resource_version);
    assert_eq!(rv_in_metadata(&fourth.object), deleted.resource_version);
    assert_eq!(data_of(&fourth.object), "a2");
    assert_eq!(fourth.previous.as_ref(), Some(&updated.object));
}

async fn a_watch_from_the_current_version_sees_only_new_changes(h: &mut Harness) {
    h.create(&key("configmaps", "ns", "old"), "v").await;
    let current = h.store().current_resource_version().await.unwrap();
    let mut feed = h
        .watch(WatchQuery {
            after: current,
            ..Default::default()
        })
        .await;
    let new = h.create(&key("configmaps", "ns", "new"), "v").await;
    let event = next_event(&mut feed).await;
    assert_eq!(event.key, new.key);
    assert_eq!(event.resource_version, new.resource_version);
}

/// Events committed after the watch subscribed but before it read the table are in both the
/// table and the live feed; each must be delivered exactly once.
async fn events_written_while_a_watch_starts_arrive_once_in_order(h: &mut Harness) {
    let mut written = Vec::new();
    for i in 0..5 {
        let stored = h
            .create(&key("configmaps", "ns", &format!("before-{i}")), "v")
            .await;
        written.push(stored.resource_version);
    }
    let mut feed = h.watch(WatchQuery::default()).await;
    for i in 0..5 {
        let stored = h
            .create(&key("configmaps", "ns", &format!("after-{i}")), "v")
            .await;
        written.push(stored.resource_version);
    }
    let writer = {
        let store = h.shared_store();
        tokio::spawn(async move {
            let mut written = Vec::new();
            for i in 0..20 {
                let k = key("configmaps", "ns", &format!("during-{i}"));
                let stored = store.create(k.clone(), object(&k, "v")).await.unwrap();
                written.push(stored.resource_version);
            }
            written
        })
    };
    let delivered = collect_rvs(&mut feed, 30).await;
    written.extend(writer.await.unwrap());
    assert_eq!(delivered, written);
    assert_next_is_a_new_write(h, &mut feed).await;
}

async fn a_watcher_that_falls_far_behind_misses_nothing(h: &mut Harness) {
    let mut feed = h.watch(WatchQuery::default()).await;
    // Go live first, so that what follows overflows the live feed rather than the replay.
    let started = h.create(&key("configmaps", "ns", "start"), "v").await;
    assert_eq!(
        next_event(&mut feed).await.resource_version,
        started.resource_version
    );
    // Far more events than any live buffer holds, while the watcher does not read.
    let mut written = Vec::new();
    for chunk in 0..3 {
        let batch = (0..1500)
            .map(|i| {
                let k = key("configmaps", "ns", &format!("bulk-{chunk}-{i}"));
                Write::Create {
                    object: object(&k, "v"),
                    key: k,
                }
            })
            .collect();
        let done = h.store().apply(batch).await.unwrap();
        written.extend(done.iter().map(|w| w.stored().resource_version));
    }
    let delivered = collect_rvs(&mut feed, written.len()).await;
    assert_eq!(delivered, written);
    assert_next_is_a_new_write(h, &mut feed).await;
}

async fn a_watch_can_follow_one_resource_one_namespace_or_both(h: &mut Harness) {
    let keys = [
        key("configmaps", "a", "x"),
        key("secrets", "a", "x"),
        key("configmaps", "b", "x"),
        key("namespaces", "", "a"),
        key("secrets", "b", "x"),
    ];
    // Each query, and a last write that only it matches.
    let queries = [
        (Some("configmaps"), None, key("configmaps", "z", "last")),
        (None, Some("a"), key("sentinels", "a", "last")),
        (Some("secrets"), Some("b"), key("secrets", "b", "last")),
        (None, Some(""), key("sentinels", "", "last")),
    ];
    // The creations are replayed, the updates arrive live.
    for k in &keys {
        h.create(k, "v1").await;
    }
    let mut feeds = Vec::new();
    for (resource, namespace, last) in queries {
        let query = WatchQuery {
            resource: resource.map(str::to_owned),
            namespace: namespace.map(str::to_owned),
            after: 0,
        };
        feeds.push((query.clone(), last, h.watch(query).await));
    }
    for k in &keys {
        h.store()
            .update(k.clone(), object(k, "v2"), Precondition::default())
            .await
            .unwrap();
    }
    for (_, last, _) in &feeds {
        h.create(last, "last").await;
    }

    for (query, last, mut feed) in feeds {
        let matching: Vec<&ObjectKey> = keys
            .iter()
            .filter(|k| query.resource.as_ref().is_none_or(|r| *r == k.resource))
            .filter(|k| query.namespace.as_ref().is_none_or(|n| *n == k.namespace))
            .collect();
        let mut expected: Vec<(ObjectKey, &str)> =
            matching.iter().map(|k| ((*k).clone(), "v1")).collect();
        expected.extend(matching.iter().map(|k| ((*k).clone(), "v2")));
        expected.push((last, "last"));
        let mut delivered = Vec::new();
        for _ in 0..expected.len() {
            let event = next_event(&mut feed).await;
            delivered.push((event.key.clone(), data_of(&event.object).to_owned()));
        }
        let delivered: Vec<(ObjectKey, &str)> = delivered
            .iter()
            .map(|(k, data)| (k.clone(), data.as_str()))
            .collect();
        assert_eq!(delivered, expected, "{query:?}");
    }
}

async fn a_watch_from_before_the_compacted_feed_is_expired(h: &mut Harness) {
    for name in ["a", "b", "c"] {
        h.create(&key("configmaps", "ns", name), "v").await;
    }
    h.advance_minutes(10);
    let recent = h.create(&key("configmaps", "ns", "d"), "v").await;
    let later = h.create(&key("configmaps", "ns", "e"), "v").await;
    assert_eq!(h.store().compact(h.now_ms()).await.unwrap(), 3);

    let mut expired = h
        .watch(WatchQuery {
            after: 1,
            ..Default::default()
        })
        .await;
    match next_item(&mut expired).await {
        Err(StoreError::Expired { requested, oldest }) => {
            assert_eq!(requested, 1);
            assert!(oldest > 1);
        }
        other => panic!("expected Expired, got {other:?}"),
    }

    // From the last forgotten change on, the feed is whole.
    let mut from_boundary = h
        .watch(WatchQuery {
            after: recent.resource_version - 1,
            ..Default::default()
        })
        .await;
    let events: Vec<Arc<Event>> = vec![
        next_event(&mut from_boundary).await,
        next_event(&mut from_boundary).await,
    ];
    assert_eq!(events[0].resource_version, recent.resource_version);
    assert_eq!(events[1].resource_version, later.resource_version);
}

async fn collect_rvs(feed: &mut tokenhub_store::EventStream, count: usize) -> Vec<u64> {
    let mut rvs = Vec::with_capacity(count);
    for _ in 0..count {
        rvs.push(next_event(feed).await.resource_version);
    }
    rvs
}

/// Nothing else is pending on the feed: the next event is a write made now.
async fn assert_next_is_a_new_write(h: &Harness, feed: &mut tokenhub_store::EventStream) {
    let sentinel = h.create(&key("configmaps", "ns", "sentinel"), "v").await;
    assert_eq!(
        next_event(feed).await.resource_version,
        sentinel.resource_version
    );
}
