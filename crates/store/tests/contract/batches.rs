//! Atomic batches and namespace deletion.

use tokenhub_store::{EventType, Precondition, StoreError, WatchQuery, Write, Written};

use crate::harness::{Harness, data_of, key, next_event, object, rv_in_metadata};

contract_tests!(
    a_batch_applies_every_write_in_order,
    a_failing_write_leaves_the_whole_batch_unapplied,
    deleting_a_namespace_contents_removes_every_resource_in_it_only,
    deleting_the_contents_of_an_empty_namespace_is_no_error,
    deleting_the_contents_of_the_cluster_scope_is_refused,
    delete_if_exists_removes_a_dependent_and_ignores_a_missing_one,
);

async fn delete_if_exists_removes_a_dependent_and_ignores_a_missing_one(h: &mut Harness) {
    let owner = key("tokens", "", "t1");
    let dependent = key("tokensecrets", "", "t1");
    h.create(&owner, "o").await;
    h.create(&dependent, "d").await;
    let written = h
        .store()
        .apply(vec![
            Write::Delete {
                key: owner.clone(),
                precondition: Precondition::default(),
            },
            Write::DeleteIfExists {
                key: dependent.clone(),
            },
            Write::DeleteIfExists {
                key: key("tokensecrets", "", "never-there"),
            },
        ])
        .await
        .unwrap();
    assert_eq!(written.len(), 2, "a missing dependent reports nothing");
    assert!(written.iter().all(|w| matches!(w, Written::Deleted(_))));
    assert_eq!(h.store().get(&owner).await.unwrap(), None);
    assert_eq!(h.store().get(&dependent).await.unwrap(), None);
}

async fn a_batch_applies_every_write_in_order(h: &mut Harness) {
    let existing = key("configmaps", "default", "existing");
    h.create(&existing, "old").await;
    let new = key("configmaps", "default", "new");
    let written = h
        .store()
        .apply(vec![
            Write::Create {
                key: new.clone(),
                object: object(&new, "n"),
            },
            Write::Update {
                key: existing.clone(),
                object: object(&existing, "updated"),
                precondition: Precondition::default(),
            },
            Write::Delete {
                key: new.clone(),
                precondition: Precondition::default(),
            },
        ])
        .await
        .unwrap();
    assert!(matches!(
        written.as_slice(),
        [
            Written::Created(_),
            Written::Updated(_),
            Written::Deleted(_)
        ]
    ));
    let rvs: Vec<u64> = written
        .iter()
        .map(|w| w.stored().resource_version)
        .collect();
    assert!(rvs.windows(2).all(|pair| pair[0] < pair[1]), "{rvs:?}");
    for w in &written {
        assert_eq!(
            rv_in_metadata(&w.stored().object),
            w.stored().resource_version
        );
    }
    assert_eq!(h.store().current_resource_version().await.unwrap(), rvs[2]);
    assert_eq!(h.store().get(&new).await.unwrap(), None);
    let existing_now = h.store().get(&existing).await.unwrap().unwrap();
    assert_eq!(data_of(&existing_now.object), "updated");
}

async fn a_failing_write_leaves_the_whole_batch_unapplied(h: &mut Harness) {
    let taken = key("configmaps", "default", "taken");
    let before = h.create(&taken, "original").await;
    let mut feed = h
        .watch(WatchQuery {
            after: before.resource_version,
            ..Default::default()
        })
        .await;

    let fresh = key("configmaps", "default", "fresh");
    let failing_batches = vec![
        (
            vec![
                Write::Create {
                    key: fresh.clone(),
                    object: object(&fresh, "x"),
                },
                Write::Update {
                    key: taken.clone(),
                    object: object(&taken, "changed"),
                    precondition: Precondition::default(),
                },
                Write::Create {
                    key: taken.clone(),
                    object: object(&taken, "again"),
                },
            ],
            StoreError::AlreadyExists(taken.clone()),
        ),
        (
            vec![
                Write::Delete {
                    key: taken.clone(),
                    precondition: Precondition::default(),
                },
                Write::Create {
                    key: fresh.clone(),
                    object: object(&fresh, "x"),
                },
                Write::Delete {
                    key: key("configmaps", "default", "ghost"),
                    precondition: Precondition::default(),
                },
            ],
            StoreError::NotFound(key("configmaps", "default", "ghost")),
        ),
    ];
    for (batch, expected) in failing_batches {
        assert_eq!(h.store().apply(batch).await, Err(expected));
        assert_eq!(h.store().get(&fresh).await.unwrap(), None);
        assert_eq!(h.store().get(&taken).await.unwrap(), Some(before.clone()));
        assert_eq!(
            h.store().current_resource_version().await.unwrap(),
            before.resource_version
        );
    }
    let conflicting = h
        .store()
        .apply(vec![
            Write::Create {
                key: fresh.clone(),
                object: object(&fresh, "x"),
            },
            Write::Update {
                key: taken.clone(),
                object: object(&taken, "changed"),
                precondition: Precondition {
                    resource_version: Some(before.resource_version + 100),
                    uid: None,
                },
            },
        ])
        .await;
    assert!(matches!(conflicting, Err(StoreError::Conflict { .. })));
    assert_eq!(h.store().get(&fresh).await.unwrap(), None);

    // Nothing was published: the first event the watcher sees is a later, successful write.
    let sentinel = h
        .create(&key("configmaps", "default", "sentinel"), "s")
        .await;
    let first = next_event(&mut feed).await;
    assert_eq!(first.key, sentinel.key);
    assert_eq!(first.resource_version, sentinel.resource_version);
}

async fn deleting_a_namespace_contents_removes_every_resource_in_it_only(h: &mut Harness) {
    let doomed = [
        key("configmaps", "doomed", "a"),
        key("configmaps", "doomed", "b"),
        key("serviceaccounts", "doomed", "default"),
        key("rbac.authorization.k8s.io/roles", "doomed", "r"),
    ];
    let spared = [
        key("configmaps", "kept", "a"),
        key("configmaps", "doomed-too-long", "a"),
        key("namespaces", "", "doomed"),
        key("rbac.authorization.k8s.io/clusterroles", "", "doomed"),
    ];
    for k in doomed.iter().chain(&spared) {
        h.create(k, "v").await;
    }
    let before = h.store().current_resource_version().await.unwrap();
    let mut feed = h
        .watch(WatchQuery {
            after: before,
            ..Default::default()
        })
        .await;

    let namespace = key("namespaces", "", "doomed");
    let written = h
        .store()
        .apply(vec![
            Write::DeleteNamespaceContents {
                namespace: "doomed".into(),
            },
            Write::Delete {
                key: namespace.clone(),
                precondition: Precondition::default(),
            },
        ])
        .await
        .unwrap();

    assert_eq!(written.len(), doomed.len() + 1);
    let mut deleted_keys: Vec<_> = written[..doomed.len()]
        .iter()
        .map(|w| {
            assert!(matches!(w, Written::Deleted(_)), "{w:?}");
            w.stored().key.clone()
        })
        .collect();
    deleted_keys.sort();
    let mut expected = doomed.to_vec();
    expected.sort();
    assert_eq!(deleted_keys, expected);
    let rvs: Vec<u64> = written
        .iter()
        .map(|w| w.stored().resource_version)
        .collect();
    assert!(rvs.windows(2).all(|pair| pair[0] < pair[1]), "{rvs:?}");
    assert!(rvs[0] > before);

    for k in &doomed {
        assert_eq!(h.store().get(k).await.unwrap(), None, "{k:?}");
    }
    for k in &spared {
        let still_there = h.store().get(k).await.unwrap().is_some();
        assert_eq!(still_there, *k != namespace, "{k:?}");
    }

    for w in &written {
        let event = next_event(&mut feed).await;
        assert_eq!(event.event_type, EventType::Deleted);
        assert_eq!(event.key, w.stored().key);
        assert_eq!(event.resource_version, w.stored().resource_version);
        assert_eq!(rv_in_metadata(&event.object), event.resource_version);
    }
}

async fn deleting_the_contents_of_an_empty_namespace_is_no_error(h: &mut Harness) {
    let written = h
        .store()
        .apply(vec![Write::DeleteNamespaceContents {
            namespace: "empty".into(),
        }])
        .await
        .unwrap();
    assert!(written.is_empty());
    assert_eq!(h.store().current_resource_version().await.unwrap(), 0);
}

async fn deleting_the_contents_of_the_cluster_scope_is_refused(h: &mut Harness) {
    let cluster_scoped = key("namespaces", "", "kept");
    h.create(&cluster_scoped, "v").await;
    let refused = h
        .store()
        .apply(vec![Write::DeleteNamespaceContents {
            namespace: String::new(),
        }])
        .await;
    assert!(
        matches!(refused, Err(StoreError::Backend(_))),
        "{refused:?}"
    );
    assert!(h.store().get(&cluster_scoped).await.unwrap().is_some());
}
