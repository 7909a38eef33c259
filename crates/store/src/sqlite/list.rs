//! Listing, paged and consistent: every page of a list shows the store as it was at the first
//! page's resourceVersion (the snapshot), however much has been written since.
//!
//! The state at the snapshot is the merge of two sources, both in (namespace, name) order:
//! objects not written since the snapshot, read from `objects` as a stream, and objects written
//! since, whose state at the snapshot is the `prev_body` of their first event after it (NULL:
//! the key did not exist then). Keys deleted since the snapshot are found the same way.

use std::collections::VecDeque;

use futures_util::{Stream, TryStreamExt};
use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};

use super::read_meta;
use crate::encoding::{parse_body, resource_version_of, rv_from_sql, rv_to_sql};
use crate::{ContinuePoint, ListPage, ListQuery, ObjectKey, Result, StoreError, Stored};

pub(super) async fn list(reader: &SqlitePool, query: ListQuery<'_>) -> Result<ListPage> {
    // One read transaction: in WAL mode its snapshot is fixed by its first read, so the
    // resourceVersion and the objects agree.
    let mut tx = reader.begin().await?;
    let meta = read_meta(&mut *tx).await?;
    let (snapshot_rv, after) = match &query.continue_from {
        None => (meta.current_rv, None),
        Some(point) => {
            if point.resource_version < meta.compacted_rv {
                return Err(StoreError::Expired {
                    requested: point.resource_version,
                    oldest: meta.compacted_rv,
                });
            }
            (
                point.resource_version,
                Some((point.namespace.as_str(), point.name.as_str())),
            )
        }
    };

    let changed_since = match after {
        Some(after) if snapshot_rv < meta.current_rv => {
            states_of_changed_keys(&mut tx, &query, snapshot_rv, after).await?
        }
        _ => VecDeque::new(),
    };
    let page = match unchanged_objects(&query, snapshot_rv, after)? {
        Some(unchanged) => {
            let unchanged = unchanged
                .fetch(&mut *tx)
                .map_err(StoreError::from)
                .and_then(|row| async { object_row_into_stored(query.resource, row) });
            merge_into_page(&query, snapshot_rv, changed_since, unchanged).await?
        }
        None => {
            let nothing = futures_util::stream::empty();
            merge_into_page(&query, snapshot_rv, changed_since, nothing).await?
        }
    };
    tx.commit().await?;
    Ok(page)
}

/// Takes objects in key order from both sources, keeps those the filter accepts, and stops one
/// past the limit to learn whether there is a next page.
async fn merge_into_page(
    query: &ListQuery<'_>,
    snapshot_rv: u64,
    mut changed_since: VecDeque<Stored>,
    unchanged: impl Stream<Item = Result<Stored>>,
) -> Result<ListPage> {
    // Kubernetes reads limit=0 as "no limit".
    let limit = query.limit.filter(|&limit| limit > 0);
    let mut unchanged = std::pin::pin!(unchanged);
    let mut next_unchanged = unchanged.try_next().await?;
    let mut items = Vec::new();
    let mut more = false;
    loop {
        // The sources never share a key: a key written since the snapshot is not unchanged.
        let from_changed = match (changed_since.front(), next_unchanged.as_ref()) {
            (None, None) => break,
            (Some(changed), Some(unchanged)) => position(changed) < position(unchanged),
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        let candidate = if from_changed {
            changed_since.pop_front()
        } else {
            let following = unchanged.try_next().await?;
            std::mem::replace(&mut next_unchanged, following)
        };
        let Some(candidate) = candidate else { break };
        if !(query.filter)(&candidate.object) {
            continue;
        }
        if limit.is_some_and(|limit| items.len() == limit) {
            more = true;
            break;
        }
        items.push(candidate);
    }
    let next = match items.last() {
        Some(last) if more => Some(ContinuePoint {
            resource_version: snapshot_rv,
            namespace: last.key.namespace.clone(),
            name: last.key.name.clone(),
        }),
        _ => None,
    };
    Ok(ListPage {
        items,
        resource_version: snapshot_rv,
        next,
    })
}

/// Where an object falls in list order. SQLite compares TEXT bytewise, as `str` does.
fn position(stored: &Stored) -> (&str, &str) {
    (&stored.key.namespace, &stored.key.name)
}

/// A row of `objects`: namespace, name, rv, body.
type ObjectRow = (String, String, i64, String);

fn object_row_into_stored(
    resource: &str,
    (namespace, name, rv, body): ObjectRow,
) -> Result<Stored> {
    Ok(Stored {
        key: ObjectKey::new(resource, namespace, name),
        resource_version: rv_from_sql(rv)?,
        object: parse_body(&body)?,
    })
}

type ObjectsQuery<'q> = sqlx::query::QueryAs<'q, Sqlite, ObjectRow, SqliteArguments>;

/// Objects of the listed resource not written since the snapshot, after the continue key;
/// `None` when no object can be. Each shape of query has its own SQL so that SQLite walks the
/// primary key in list order instead of sorting.
fn unchanged_objects<'q>(
    query: &ListQuery<'q>,
    snapshot_rv: u64,
    after: Option<(&'q str, &'q str)>,
) -> Result<Option<ObjectsQuery<'q>>> {
    let snapshot_rv = rv_to_sql(snapshot_rv)?;
    let resource = query.resource;
    Ok(Some(match (query.namespace, after) {
        (None, None) => sqlx::query_as(
            "SELECT namespace, name, rv, body FROM objects \
             WHERE resource = $1 AND rv <= $2 \
             ORDER BY namespace, name",
        )
        .bind(resource)
        .bind(snapshot_rv),
        (None, Some((after_namespace, after_name))) => sqlx::query_as(
            "SELECT namespace, name, rv, body FROM objects \
             WHERE resource = $1 AND rv <= $2 AND (namespace, name) > ($3, $4) \
             ORDER BY namespace, name",
        )
        .bind(resource)
        .bind(snapshot_rv)
        .bind(after_namespace)
        .bind(after_name),
        (Some(namespace), Some((after_namespace, after_name))) if after_namespace == namespace => {
            sqlx::query_as(
                "SELECT namespace, name, rv, body FROM objects \
                 WHERE resource = $1 AND rv <= $2 AND namespace = $3 AND name > $4 \
                 ORDER BY namespace, name",
            )
            .bind(resource)
            .bind(snapshot_rv)
            .bind(namespace)
            .bind(after_name)
        }
        // A continue key from another namespace: the whole namespace lies after it, or none of
        // it does.
        (Some(namespace), Some((after_namespace, _))) if after_namespace > namespace => {
            return Ok(None);
        }
        (Some(namespace), _) => sqlx::query_as(
            "SELECT namespace, name, rv, body FROM objects \
             WHERE resource = $1 AND rv <= $2 AND namespace = $3 \
             ORDER BY namespace, name",
        )
        .bind(resource)
        .bind(snapshot_rv)
        .bind(namespace),
    }))
}

/// The state at the snapshot of every key (after the continue key) written since, in key order;
/// keys that did not exist at the snapshot are left out. Held in memory: it is bounded by the
/// keys written since the snapshot, not by the size of the resource.
async fn states_of_changed_keys(
    conn: &mut SqliteConnection,
    query: &ListQuery<'_>,
    snapshot_rv: u64,
    (after_namespace, after_name): (&str, &str),
) -> Result<VecDeque<Stored>> {
    let snapshot_rv = rv_to_sql(snapshot_rv)?;
    // Read whole rather than streamed, so the namespace can simply filter rows of the
    // (resource, rv) index walk: one SQL text serves both kinds of list.
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT e.namespace, e.name, e.prev_body FROM events AS e \
         JOIN (SELECT MIN(rv) AS first_rv FROM events \
               WHERE resource = $1 AND rv > $2 AND (namespace, name) > ($3, $4) \
                 AND ($5 IS NULL OR namespace = $5) \
               GROUP BY namespace, name) AS first_change \
           ON e.rv = first_change.first_rv \
         WHERE e.prev_body IS NOT NULL \
         ORDER BY e.namespace, e.name",
    )
    .bind(query.resource)
    .bind(snapshot_rv)
    .bind(after_namespace)
    .bind(after_name)
    .bind(query.namespace)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(namespace, name, prev_body)| {
            let object = parse_body(&prev_body)?;
            Ok(Stored {
                key: ObjectKey::new(query.resource, namespace, name),
                resource_version: resource_version_of(&object)?,
                object,
            })
        })
        .collect()
}
