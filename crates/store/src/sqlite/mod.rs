//! The embedded default store: one SQLite file in the data directory.
//!
//! Writes go through a single connection behind a lock, so commits happen in resourceVersion
//! order and are published to watchers in that order. Reads use a pool of their own: in WAL mode
//! readers see the last commit without waiting for the writer.

mod compact;
mod list;
mod migrations;
mod watch;
mod write;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokenhub_core::clock::Clock;
use tokio::sync::{Mutex, broadcast};

use crate::encoding::{parse_body, rv_from_sql};
use crate::{
    Event, EventStream, ListPage, ListQuery, ObjectKey, Result, Store, StoreError, Stored,
    WatchQuery, Write, Written,
};

/// How long a connection waits for a lock held by another connection (another process, or a
/// checkpoint) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Readers in the read pool; the machine this runs on is small.
const READ_CONNECTIONS: u32 = 4;

/// Events a slow watcher may fall behind before it has to re-read them from the events table.
const LIVE_FEED_CAPACITY: usize = 1024;

#[derive(Debug)]
pub struct SqliteStore {
    /// Held from the start of a write transaction until its events are published, so that
    /// publication order is resourceVersion order.
    write_lock: Mutex<()>,
    /// A pool of exactly one connection: SQLite has one writer anyway.
    writer: SqlitePool,
    reader: SqlitePool,
    live_feed: broadcast::Sender<Arc<Event>>,
    clock: Arc<dyn Clock>,
}

impl SqliteStore {
    /// Opens (creating if missing) the store in the SQLite file at `path` and brings its schema
    /// up to date.
    pub async fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<SqliteStore> {
        // synchronous=FULL: a write is on disk before it is acknowledged, so a kill -9 (or power
        // loss) right after cannot lose it.
        let common = SqliteConnectOptions::new()
            .filename(path)
            .busy_timeout(BUSY_TIMEOUT)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(false);
        let writer_options = common
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(writer_options)
            .await?;
        migrations::run(&writer).await?;

        // The journal mode is a property of the file, already WAL; query_only guards against a
        // write slipping onto a reader, where it would escape the write lock.
        let reader = SqlitePoolOptions::new()
            .max_connections(READ_CONNECTIONS)
            .connect_with(common.pragma("query_only", "ON"))
            .await?;

        let (live_feed, _) = broadcast::channel(LIVE_FEED_CAPACITY);
        Ok(SqliteStore {
            write_lock: Mutex::new(()),
            writer,
            reader,
            live_feed,
            clock,
        })
    }

    /// Closes every connection (checkpointing the WAL); the store fails every call afterwards.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn get(&self, key: &ObjectKey) -> Result<Option<Stored>> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT rv, body FROM objects WHERE resource = $1 AND namespace = $2 AND name = $3",
        )
        .bind(&key.resource)
        .bind(&key.namespace)
        .bind(&key.name)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|(rv, body)| {
            Ok(Stored {
                key: key.clone(),
                resource_version: rv_from_sql(rv)?,
                object: parse_body(&body)?,
            })
        })
        .transpose()
    }

    async fn list(&self, query: ListQuery<'_>) -> Result<ListPage> {
        list::list(&self.reader, query).await
    }

    async fn apply(&self, batch: Vec<Write>) -> Result<Vec<Written>> {
        let _one_writer = self.write_lock.lock().await;
        let at_ms = self.clock.now().as_millisecond();
        let (written, events) = write::apply(&self.writer, batch, at_ms).await?;
        // Still under the write lock: the next batch cannot publish before this one.
        for event in events {
            // An error only means that nobody is watching right now.
            let _ = self.live_feed.send(Arc::new(event));
        }
        Ok(written)
    }

    async fn current_resource_version(&self) -> Result<u64> {
        let meta = read_meta(&self.reader).await?;
        Ok(meta.current_rv)
    }

    async fn watch(&self, query: WatchQuery) -> Result<EventStream> {
        // Subscribe before reading the table: whatever commits from here on is in the live feed,
        // whatever committed before is in the table; the overlap is removed by resourceVersion.
        let live = self.live_feed.subscribe();
        Ok(watch::stream(self.reader.clone(), live, query))
    }

    async fn compact(&self, keep_after_unix_ms: i64) -> Result<u64> {
        let _one_writer = self.write_lock.lock().await;
        compact::compact(&self.writer, keep_after_unix_ms).await
    }
}

/// The `meta` row: the latest resourceVersion and the highest one the feed has forgotten.
#[derive(Clone, Copy, Debug)]
struct Meta {
    current_rv: u64,
    compacted_rv: u64,
}

async fn read_meta<'e>(executor: impl sqlx::SqliteExecutor<'e>) -> Result<Meta> {
    let (current_rv, compacted_rv): (i64, i64) =
        sqlx::query_as("SELECT current_rv, compacted_rv FROM meta WHERE singleton = 1")
            .fetch_optional(executor)
            .await?
            .ok_or_else(|| StoreError::Backend("the meta row is missing".into()))?;
    Ok(Meta {
        current_rv: rv_from_sql(current_rv)?,
        compacted_rv: rv_from_sql(compacted_rv)?,
    })
}

#[cfg(test)]
mod tests;
