//! What is acknowledged stays: across a clean restart and across a crash.

use tokenhub_store::{Precondition, StoreExt, WatchQuery};

use crate::harness::{Harness, data_of, key, next_event, object};

contract_tests!(
    everything_survives_a_restart,
    an_acknowledged_write_is_there_for_the_next_process,
);

async fn everything_survives_a_restart(h: &mut Harness) {
    let a = key("configmaps", "ns", "a");
    let b = key("configmaps", "ns", "b");
    let cluster = key("namespaces", "", "ns");
    h.create(&cluster, "ns").await;
    h.create(&a, "a1").await;
    h.create(&b, "b1").await;
    h.advance_minutes(10);
    h.store()
        .update(a.clone(), object(&a, "a2"), Precondition::default())
        .await
        .unwrap();
    h.store()
        .delete(b.clone(), Precondition::default())
        .await
        .unwrap();
    assert_eq!(h.store().compact(h.now_ms()).await.unwrap(), 3);
    let rv_before = h.store().current_resource_version().await.unwrap();
    let listed_before = h.list_all("configmaps", None).await;

    h.restart().await;

    assert_eq!(
        h.store().current_resource_version().await.unwrap(),
        rv_before
    );
    assert_eq!(h.list_all("configmaps", None).await, listed_before);
    assert_eq!(
        data_of(&h.store().get(&a).await.unwrap().unwrap().object),
        "a2"
    );
    assert_eq!(h.store().get(&b).await.unwrap(), None);
    assert!(h.store().get(&cluster).await.unwrap().is_some());

    // The feed and its compaction point survived too.
    let mut feed = h
        .watch(WatchQuery {
            after: rv_before - 2,
            ..Default::default()
        })
        .await;
    assert_eq!(next_event(&mut feed).await.key, a);
    assert_eq!(next_event(&mut feed).await.key, b);
    let mut expired = h.watch(WatchQuery::default()).await;
    assert!(crate::harness::next_item(&mut expired).await.is_err());

    // The counter continues where it stopped.
    let c = h.create(&key("configmaps", "ns", "c"), "c1").await;
    assert!(c.resource_version > rv_before);
    assert_eq!(
        next_event(&mut feed).await.resource_version,
        c.resource_version
    );
}

async fn an_acknowledged_write_is_there_for_the_next_process(h: &mut Harness) {
    let k = key("configmaps", "ns", "a");
    let written = h.create(&k, "a1").await;
    // The first store is never closed, as if its process had been killed.
    let next_process = h.open_again().await;
    assert_eq!(next_process.get(&k).await.unwrap(), Some(written.clone()));
    assert_eq!(
        next_process.current_resource_version().await.unwrap(),
        written.resource_version
    );
}
