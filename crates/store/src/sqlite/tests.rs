//! What only the SQLite store promises; the shared contract is in tests/contract.

use std::sync::Arc;

use futures_util::StreamExt;
use serde_json::json;
use tokenhub_core::clock::ManualClock;

use super::SqliteStore;
use crate::{ListQuery, ObjectKey, Store, StoreError, StoreExt, WatchQuery};

async fn open(dir: &tempfile::TempDir) -> SqliteStore {
    let clock = Arc::new(ManualClock::new(jiff::Timestamp::UNIX_EPOCH));
    SqliteStore::open(&dir.path().join("store.db"), clock)
        .await
        .unwrap()
}

#[tokio::test]
async fn writes_are_durable_before_they_are_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&store.writer)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    // 2 = FULL: the WAL is synced at every commit.
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&store.writer)
        .await
        .unwrap();
    assert_eq!(synchronous, 2);
}

#[tokio::test]
async fn readers_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let write = sqlx::query("UPDATE meta SET current_rv = 7")
        .execute(&store.reader)
        .await;
    assert!(write.is_err());
}

#[tokio::test]
async fn damaged_rows_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let key = ObjectKey::new("configmaps", "ns", "a");
    store
        .create(key.clone(), json!({"metadata": {"name": "a"}}))
        .await
        .unwrap();
    sqlx::query("UPDATE objects SET body = '{not json'")
        .execute(&store.writer)
        .await
        .unwrap();
    sqlx::query("UPDATE events SET event_type = 'EXPLODED'")
        .execute(&store.writer)
        .await
        .unwrap();

    assert!(matches!(store.get(&key).await, Err(StoreError::Backend(_))));
    let listed = store
        .list(ListQuery {
            resource: "configmaps",
            namespace: None,
            filter: &|_| true,
            limit: None,
            continue_from: None,
        })
        .await;
    assert!(matches!(listed, Err(StoreError::Backend(_))));
    let mut feed = store.watch(WatchQuery::default()).await.unwrap();
    assert!(matches!(
        feed.next().await,
        Some(Err(StoreError::Backend(_)))
    ));
    assert!(feed.next().await.is_none());
}
