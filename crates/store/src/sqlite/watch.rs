//! Following the change feed: first replay from the events table, then the live broadcast.
//!
//! The subscription to the live feed is taken before the first read of the table, so every
//! event is in one or the other (or both); `seen_through` removes the overlap. A watcher that
//! falls too far behind the live feed (the broadcast lagged) goes back to the table.

use std::collections::VecDeque;
use std::sync::Arc;

use sqlx::SqlitePool;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::read_meta;
use crate::encoding::{parse_body, parse_event_type, rv_from_sql, rv_to_sql};
use crate::{Event, EventStream, ObjectKey, Result, StoreError, WatchQuery};

/// Events read from the table per query while replaying.
const REPLAY_CHUNK: usize = 256;

pub(super) fn stream(
    reader: SqlitePool,
    live: broadcast::Receiver<Arc<Event>>,
    query: WatchQuery,
) -> EventStream {
    let follower = FeedFollower {
        reader,
        live,
        seen_through: query.after,
        query,
        replayed: VecDeque::new(),
        phase: Phase::Replaying,
    };
    Box::pin(futures_util::stream::unfold(
        follower,
        |mut follower| async move {
            let item = follower.next().await?;
            Some((item, follower))
        },
    ))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Replaying,
    Live,
    Ended,
}

struct FeedFollower {
    reader: SqlitePool,
    live: broadcast::Receiver<Arc<Event>>,
    query: WatchQuery,
    /// Every event up to this resourceVersion has been delivered if it matched the query (or is
    /// waiting in `replayed`).
    seen_through: u64,
    replayed: VecDeque<Arc<Event>>,
    phase: Phase,
}

impl FeedFollower {
    async fn next(&mut self) -> Option<Result<Arc<Event>>> {
        loop {
            if let Some(event) = self.replayed.pop_front() {
                return Some(Ok(event));
            }
            match self.phase {
                Phase::Ended => return None,
                Phase::Replaying => {
                    if let Err(error) = self.replay_chunk().await {
                        self.phase = Phase::Ended;
                        return Some(Err(error));
                    }
                }
                Phase::Live => match self.live.recv().await {
                    Ok(event) => {
                        if event.resource_version <= self.seen_through {
                            continue;
                        }
                        self.seen_through = event.resource_version;
                        if self.matches(&event) {
                            return Some(Ok(event));
                        }
                    }
                    Err(RecvError::Lagged(missed)) => {
                        tracing::debug!(missed, "watcher fell behind the live feed; replaying");
                        self.phase = Phase::Replaying;
                    }
                    // The store is gone.
                    Err(RecvError::Closed) => self.phase = Phase::Ended,
                },
            }
        }
    }

    fn matches(&self, event: &Event) -> bool {
        self.query
            .resource
            .as_ref()
            .is_none_or(|resource| *resource == event.key.resource)
            && self
                .query
                .namespace
                .as_ref()
                .is_none_or(|namespace| *namespace == event.key.namespace)
    }

    /// Reads the next matching events after `seen_through` into `replayed`; switches to the
    /// live feed once the table has nothing more.
    async fn replay_chunk(&mut self) -> Result<()> {
        let mut tx = self.reader.begin().await?;
        let meta = read_meta(&mut *tx).await?;
        if self.seen_through < meta.compacted_rv {
            return Err(StoreError::Expired {
                requested: self.seen_through,
                oldest: meta.compacted_rv,
            });
        }
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT rv, resource, namespace, name, event_type, body, prev_body FROM events \
             WHERE rv > $1 AND ($2 IS NULL OR resource = $2) AND ($3 IS NULL OR namespace = $3) \
             ORDER BY rv LIMIT $4",
        )
        .bind(rv_to_sql(self.seen_through)?)
        .bind(self.query.resource.as_deref())
        .bind(self.query.namespace.as_deref())
        .bind(REPLAY_CHUNK as i64)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;

        let complete = rows.len() < REPLAY_CHUNK;
        for row in rows {
            let event = event_from_row(row)?;
            self.seen_through = event.resource_version;
            self.replayed.push_back(Arc::new(event));
        }
        if complete {
            // The snapshot held every event up to its current_rv; none of the rest matched.
            self.seen_through = self.seen_through.max(meta.current_rv);
            self.phase = Phase::Live;
        }
        Ok(())
    }
}

/// rv, resource, namespace, name, event_type, body, prev_body.
type EventRow = (i64, String, String, String, String, String, Option<String>);

fn event_from_row(
    (rv, resource, namespace, name, event_type, body, prev_body): EventRow,
) -> Result<Event> {
    Ok(Event {
        event_type: parse_event_type(&event_type)?,
        resource_version: rv_from_sql(rv)?,
        key: ObjectKey::new(resource, namespace, name),
        object: parse_body(&body)?,
        previous: prev_body.as_deref().map(parse_body).transpose()?,
    })
}
