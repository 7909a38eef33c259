//! Lists: order, filters, limits, and continuing from a consistent snapshot.

use serde_json::Value;
use tokenhub_store::{ContinuePoint, ListPage, ListQuery, Precondition, StoreError, StoreExt};

use crate::harness::{Harness, data_of, key, names, object};

contract_tests!(
    a_list_is_ordered_by_namespace_then_name,
    a_list_can_be_limited_to_one_namespace,
    an_empty_list_carries_the_current_resource_version,
    the_filter_applies_before_the_limit,
    pages_cover_everything_exactly_once_at_one_resource_version,
    a_page_that_ends_exactly_at_the_last_object_has_no_next,
    a_zero_limit_means_no_limit,
    a_continued_list_shows_the_snapshot_of_its_first_page,
    a_continued_list_in_one_namespace_shows_the_snapshot_too,
    continuing_from_before_the_compacted_feed_is_expired,
    a_continue_point_from_another_namespace_bounds_by_namespace_order,
);

async fn list_page(
    h: &Harness,
    resource: &str,
    namespace: Option<&str>,
    filter: &(dyn Fn(&Value) -> bool + Send + Sync),
    limit: Option<usize>,
    continue_from: Option<ContinuePoint>,
) -> tokenhub_store::Result<ListPage> {
    h.store()
        .list(ListQuery {
            resource,
            namespace,
            filter,
            limit,
            continue_from,
        })
        .await
}

fn everything(_: &Value) -> bool {
    true
}

async fn a_list_is_ordered_by_namespace_then_name(h: &mut Harness) {
    for (namespace, name) in [("b", "a"), ("a", "z"), ("a", "b"), ("", "x"), ("b", "0")] {
        h.create(&key("configmaps", namespace, name), "v").await;
    }
    h.create(&key("secrets", "a", "c"), "other resource").await;
    let page = h.list_all("configmaps", None).await;
    assert_eq!(names(&page), ["/x", "a/b", "a/z", "b/0", "b/a"]);
    assert_eq!(page.next, None);
    assert_eq!(
        page.resource_version,
        h.store().current_resource_version().await.unwrap()
    );
    for stored in &page.items {
        assert_eq!(
            h.store().get(&stored.key).await.unwrap().as_ref(),
            Some(stored)
        );
    }
}

async fn a_list_can_be_limited_to_one_namespace(h: &mut Harness) {
    for (namespace, name) in [("b", "a"), ("a", "z"), ("ab", "a"), ("a", "b"), ("", "a")] {
        h.create(&key("configmaps", namespace, name), "v").await;
    }
    assert_eq!(
        names(&h.list_all("configmaps", Some("a")).await),
        ["a/b", "a/z"]
    );
    assert_eq!(names(&h.list_all("configmaps", Some("")).await), ["/a"]);
    assert!(h.list_all("configmaps", Some("c")).await.items.is_empty());
}

async fn an_empty_list_carries_the_current_resource_version(h: &mut Harness) {
    h.create(&key("secrets", "a", "c"), "v").await;
    let page = h.list_all("configmaps", None).await;
    assert!(page.items.is_empty());
    assert_eq!(page.next, None);
    assert_eq!(
        page.resource_version,
        h.store().current_resource_version().await.unwrap()
    );
}

async fn the_filter_applies_before_the_limit(h: &mut Harness) {
    for i in 0..10 {
        let colour = if i % 3 == 0 { "red" } else { "blue" };
        h.create(&key("configmaps", "ns", &format!("o{i}")), colour)
            .await;
    }
    let red = |object: &Value| data_of(object) == "red";
    let first = list_page(h, "configmaps", None, &red, Some(2), None)
        .await
        .unwrap();
    assert_eq!(names(&first), ["ns/o0", "ns/o3"]);
    let next = first.next.clone().expect("more red objects");
    assert_eq!((next.namespace.as_str(), next.name.as_str()), ("ns", "o3"));
    assert_eq!(next.resource_version, first.resource_version);
    let second = list_page(h, "configmaps", None, &red, Some(2), Some(next))
        .await
        .unwrap();
    assert_eq!(names(&second), ["ns/o6", "ns/o9"]);
    assert_eq!(second.next, None);
}

async fn pages_cover_everything_exactly_once_at_one_resource_version(h: &mut Harness) {
    let mut expected = Vec::new();
    for namespace in ["", "a", "b"] {
        for i in 0..7 {
            let k = key("configmaps", namespace, &format!("n{i:02}"));
            h.create(&k, "v").await;
            expected.push(format!("{namespace}/n{i:02}"));
        }
    }
    let mut seen = Vec::new();
    let mut continue_from = None;
    let mut snapshot = None;
    loop {
        let page = list_page(h, "configmaps", None, &everything, Some(4), continue_from)
            .await
            .unwrap();
        assert!(page.items.len() <= 4);
        assert_eq!(
            *snapshot.get_or_insert(page.resource_version),
            page.resource_version
        );
        seen.extend(names(&page));
        match page.next {
            Some(next) => continue_from = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, expected);
}

async fn a_page_that_ends_exactly_at_the_last_object_has_no_next(h: &mut Harness) {
    for name in ["a", "b", "c", "d"] {
        h.create(&key("configmaps", "ns", name), "v").await;
    }
    let first = list_page(h, "configmaps", None, &everything, Some(2), None)
        .await
        .unwrap();
    let second = list_page(h, "configmaps", None, &everything, Some(2), first.next)
        .await
        .unwrap();
    assert_eq!(names(&second), ["ns/c", "ns/d"]);
    assert_eq!(second.next, None);
    let whole = list_page(h, "configmaps", None, &everything, Some(4), None)
        .await
        .unwrap();
    assert_eq!(whole.items.len(), 4);
    assert_eq!(whole.next, None);
}

async fn a_zero_limit_means_no_limit(h: &mut Harness) {
    for name in ["a", "b", "c"] {
        h.create(&key("configmaps", "ns", name), "v").await;
    }
    let page = list_page(h, "configmaps", None, &everything, Some(0), None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.next, None);
}

/// Writes between two pages: the second page must still show the first page's snapshot.
async fn a_continued_list_shows_the_snapshot_of_its_first_page(h: &mut Harness) {
    check_snapshot_across_pages(h, None).await;
}

async fn a_continued_list_in_one_namespace_shows_the_snapshot_too(h: &mut Harness) {
    // Objects in a neighbouring namespace must not leak into the namespaced pages.
    for name in ["a", "c", "e"] {
        h.create(&key("configmaps", "ns-other", name), "other")
            .await;
    }
    check_snapshot_across_pages(h, Some("ns")).await;
}

async fn check_snapshot_across_pages(h: &mut Harness, namespace: Option<&str>) {
    let in_ns = |name: &str| key("configmaps", "ns", name);
    for name in ["a", "b", "c", "d", "e", "f"] {
        h.create(&in_ns(name), &format!("{name}-v1")).await;
    }
    let first = list_page(h, "configmaps", namespace, &everything, Some(2), None)
        .await
        .unwrap();
    assert_eq!(names(&first), ["ns/a", "ns/b"]);
    let snapshot_state: Vec<_> = h
        .list_all("configmaps", namespace)
        .await
        .items
        .into_iter()
        .skip(2)
        .collect();

    // Everything that can happen to the rest of the list, and more besides.
    let store = h.store();
    let update = |name: &str, data: &str| {
        let k = in_ns(name);
        store.update(k.clone(), object(&k, data), Precondition::default())
    };
    update("d", "d-v2").await.unwrap();
    update("d", "d-v3").await.unwrap();
    store
        .delete(in_ns("e"), Precondition::default())
        .await
        .unwrap();
    h.create(&in_ns("cc"), "created after the snapshot").await;
    h.create(&in_ns("z"), "created after the snapshot").await;
    store
        .delete(in_ns("c"), Precondition::default())
        .await
        .unwrap();
    h.create(&in_ns("c"), "c-recreated").await;
    update("b", "b-v2").await.unwrap();
    store
        .delete(in_ns("f"), Precondition::default())
        .await
        .unwrap();
    h.create(&key("configmaps", "ns-other", "b"), "other").await;

    let second = list_page(
        h,
        "configmaps",
        namespace,
        &everything,
        None,
        first.next.clone(),
    )
    .await
    .unwrap();
    let expected: Vec<_> = snapshot_state
        .into_iter()
        .filter(|stored| stored.key.namespace == "ns")
        .collect();
    assert_eq!(second.items, expected);
    assert_eq!(names(&second), ["ns/c", "ns/d", "ns/e", "ns/f"]);
    assert_eq!(second.resource_version, first.resource_version);
    assert_eq!(second.next, None);

    // A page of one, continued again, stays in the same snapshot.
    let third = list_page(h, "configmaps", namespace, &everything, Some(1), first.next)
        .await
        .unwrap();
    assert_eq!(names(&third), ["ns/c"]);
    assert_eq!(data_of(&third.items[0].object), "c-v1");
    let fourth = list_page(h, "configmaps", namespace, &everything, Some(1), third.next)
        .await
        .unwrap();
    assert_eq!(names(&fourth), ["ns/d"]);
    assert_eq!(data_of(&fourth.items[0].object), "d-v1");

    // A new list sees the present.
    let now: Vec<_> = h
        .list_all("configmaps", Some("ns"))
        .await
        .items
        .iter()
        .map(|stored| format!("{}={}", stored.key.name, data_of(&stored.object)))
        .collect();
    assert_eq!(
        now,
        [
            "a=a-v1",
            "b=b-v2",
            "c=c-recreated",
            "cc=created after the snapshot",
            "d=d-v3",
            "z=created after the snapshot"
        ]
    );
}

async fn continuing_from_before_the_compacted_feed_is_expired(h: &mut Harness) {
    for name in ["a", "b", "c"] {
        h.create(&key("configmaps", "ns", name), "v").await;
    }
    let first = list_page(h, "configmaps", None, &everything, Some(1), None)
        .await
        .unwrap();
    // A change after the snapshot that compaction forgets: the snapshot can no longer be rebuilt.
    let k = key("configmaps", "ns", "b");
    h.store()
        .update(k.clone(), object(&k, "changed"), Precondition::default())
        .await
        .unwrap();
    h.advance_minutes(10);
    let k = key("configmaps", "ns", "c");
    h.store()
        .update(k.clone(), object(&k, "changed"), Precondition::default())
        .await
        .unwrap();
    h.store().compact(h.now_ms()).await.unwrap();

    let continued = list_page(h, "configmaps", None, &everything, Some(1), first.next).await;
    match continued {
        Err(StoreError::Expired { requested, oldest }) => {
            assert_eq!(requested, first.resource_version);
            assert!(oldest > requested);
        }
        other => panic!("expected Expired, got {other:?}"),
    }
}

/// The continue key is a position in (namespace, name) order, even when a namespaced list is
/// given a point from another namespace.
async fn a_continue_point_from_another_namespace_bounds_by_namespace_order(h: &mut Harness) {
    for name in ["x", "y"] {
        h.create(&key("configmaps", "b", name), "v").await;
    }
    let rv = h.store().current_resource_version().await.unwrap();
    let point = |namespace: &str, name: &str| ContinuePoint {
        resource_version: rv,
        namespace: namespace.into(),
        name: name.into(),
    };
    let from_before = list_page(
        h,
        "configmaps",
        Some("b"),
        &everything,
        None,
        Some(point("a", "z")),
    )
    .await
    .unwrap();
    assert_eq!(names(&from_before), ["b/x", "b/y"]);
    let from_within = list_page(
        h,
        "configmaps",
        Some("b"),
        &everything,
        None,
        Some(point("b", "x")),
    )
    .await
    .unwrap();
    assert_eq!(names(&from_within), ["b/y"]);
    let from_after = list_page(
        h,
        "configmaps",
        Some("b"),
        &everything,
        None,
        Some(point("c", "")),
    )
    .await
    .unwrap();
    assert!(from_after.items.is_empty());
}
