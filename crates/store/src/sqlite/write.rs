//! Applying a batch of writes: one transaction, one resourceVersion per write, one event per
//! write. The caller holds the write lock and publishes the returned events after the commit.

use serde_json::Value;
use sqlx::{SqliteConnection, SqlitePool};

use super::read_meta;
use crate::encoding::{
    body_text, check_precondition, event_type_name, parse_body, rv_from_sql, rv_to_sql, uid_of,
    with_resource_version,
};
use crate::{
    Event, EventType, ObjectKey, Precondition, Result, StoreError, Stored, Write, Written,
};

/// Applies `batch` in one transaction stamped `at_ms`; on any failure nothing is committed.
pub(super) async fn apply(
    writer: &SqlitePool,
    batch: Vec<Write>,
    at_ms: i64,
) -> Result<(Vec<Written>, Vec<Event>)> {
    if batch.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    // IMMEDIATE takes SQLite's write lock up front instead of upgrading a read transaction,
    // which could fail with SQLITE_BUSY if another process wrote in between.
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
    let outcome = apply_in(&mut tx, batch, at_ms).await;
    match outcome {
        Ok(done) => {
            tx.commit().await?;
            Ok(done)
        }
        Err(error) => {
            if let Err(rollback) = tx.rollback().await {
                tracing::warn!(%rollback, "rolling back a failed batch");
            }
            Err(error)
        }
    }
}

async fn apply_in(
    conn: &mut SqliteConnection,
    batch: Vec<Write>,
    at_ms: i64,
) -> Result<(Vec<Written>, Vec<Event>)> {
    let last_rv = read_meta(&mut *conn).await?.current_rv;
    let mut writer = BatchWriter {
        conn,
        last_rv,
        at_ms,
        written: Vec::with_capacity(batch.len()),
        events: Vec::with_capacity(batch.len()),
    };
    for write in batch {
        match write {
            Write::Create { key, object } => writer.create(key, object).await?,
            Write::Update {
                key,
                object,
                precondition,
            } => writer.update(key, object, &precondition).await?,
            Write::Delete { key, precondition } => writer.delete(key, &precondition).await?,
            Write::DeleteIfExists { key } => writer.delete_if_exists(key).await?,
            Write::DeleteNamespaceContents { namespace } => {
                writer.delete_namespace_contents(&namespace).await?
            }
        }
    }
    if writer.last_rv != last_rv {
        sqlx::query("UPDATE meta SET current_rv = $1 WHERE singleton = 1")
            .bind(rv_to_sql(writer.last_rv)?)
            .execute(&mut *writer.conn)
            .await?;
    }
    Ok((writer.written, writer.events))
}

/// An object as found in the `objects` table during the transaction.
struct Current {
    rv: u64,
    uid: Option<String>,
    /// Kept verbatim to become the event's `prev_body`.
    body: String,
    object: Value,
}

struct BatchWriter<'c> {
    conn: &'c mut SqliteConnection,
    /// The resourceVersion of the latest write, this batch's included.
    last_rv: u64,
    at_ms: i64,
    written: Vec<Written>,
    events: Vec<Event>,
}

impl BatchWriter<'_> {
    async fn create(&mut self, key: ObjectKey, object: Value) -> Result<()> {
        if self.load(&key).await?.is_some() {
            return Err(StoreError::AlreadyExists(key));
        }
        let rv = self.take_rv();
        let object = with_resource_version(object, rv)?;
        let body = body_text(&object)?;
        sqlx::query(
            "INSERT INTO objects (resource, namespace, name, uid, rv, body) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&key.resource)
        .bind(&key.namespace)
        .bind(&key.name)
        .bind(uid_of(&object))
        .bind(rv_to_sql(rv)?)
        .bind(&body)
        .execute(&mut *self.conn)
        .await?;
        self.record(EventType::Added, rv, key, object, &body, None)
            .await
    }

    async fn update(
        &mut self,
        key: ObjectKey,
        object: Value,
        precondition: &Precondition,
    ) -> Result<()> {
        let current = self.load_existing(&key, precondition).await?;
        let rv = self.take_rv();
        let object = with_resource_version(object, rv)?;
        let body = body_text(&object)?;
        sqlx::query(
            "UPDATE objects SET uid = $4, rv = $5, body = $6 \
             WHERE resource = $1 AND namespace = $2 AND name = $3",
        )
        .bind(&key.resource)
        .bind(&key.namespace)
        .bind(&key.name)
        .bind(uid_of(&object))
        .bind(rv_to_sql(rv)?)
        .bind(&body)
        .execute(&mut *self.conn)
        .await?;
        self.record(
            EventType::Modified,
            rv,
            key,
            object,
            &body,
            Some((current.body, current.object)),
        )
        .await
    }

    async fn delete(&mut self, key: ObjectKey, precondition: &Precondition) -> Result<()> {
        let current = self.load_existing(&key, precondition).await?;
        self.remove(key, current).await
    }

    async fn delete_if_exists(&mut self, key: ObjectKey) -> Result<()> {
        match self.load(&key).await? {
            Some(current) => self.remove(key, current).await,
            None => Ok(()),
        }
    }

    async fn delete_namespace_contents(&mut self, namespace: &str) -> Result<()> {
        // An empty namespace is where cluster-scoped objects live: "delete the contents of the
        // namespace ''" would wipe every cluster-scoped object, which no caller means.
        if namespace.is_empty() {
            return Err(StoreError::Backend(
                "DeleteNamespaceContents needs a namespace name".into(),
            ));
        }
        // No index leads with namespace: deleting a namespace is rare, a scan is cheaper than
        // one more index to maintain on every write.
        let rows: Vec<(String, String, Option<String>, i64, String)> = sqlx::query_as(
            "SELECT resource, name, uid, rv, body FROM objects WHERE namespace = $1 \
             ORDER BY resource, name",
        )
        .bind(namespace)
        .fetch_all(&mut *self.conn)
        .await?;
        for (resource, name, uid, rv, body) in rows {
            let current = Current {
                rv: rv_from_sql(rv)?,
                uid,
                object: parse_body(&body)?,
                body,
            };
            self.remove(ObjectKey::new(resource, namespace, name), current)
                .await?;
        }
        Ok(())
    }

    async fn remove(&mut self, key: ObjectKey, current: Current) -> Result<()> {
        let rv = self.take_rv();
        sqlx::query("DELETE FROM objects WHERE resource = $1 AND namespace = $2 AND name = $3")
            .bind(&key.resource)
            .bind(&key.namespace)
            .bind(&key.name)
            .execute(&mut *self.conn)
            .await?;
        // Watchers learn of a deletion through the last state, stamped with the deletion's rv.
        let last_state = with_resource_version(current.object.clone(), rv)?;
        let body = body_text(&last_state)?;
        self.record(
            EventType::Deleted,
            rv,
            key,
            last_state,
            &body,
            Some((current.body, current.object)),
        )
        .await
    }

    async fn load(&mut self, key: &ObjectKey) -> Result<Option<Current>> {
        let row: Option<(i64, Option<String>, String)> = sqlx::query_as(
            "SELECT rv, uid, body FROM objects \
             WHERE resource = $1 AND namespace = $2 AND name = $3",
        )
        .bind(&key.resource)
        .bind(&key.namespace)
        .bind(&key.name)
        .fetch_optional(&mut *self.conn)
        .await?;
        row.map(|(rv, uid, body)| {
            Ok(Current {
                rv: rv_from_sql(rv)?,
                uid,
                object: parse_body(&body)?,
                body,
            })
        })
        .transpose()
    }

    /// The stored object, which must exist and meet `precondition`.
    async fn load_existing(
        &mut self,
        key: &ObjectKey,
        precondition: &Precondition,
    ) -> Result<Current> {
        let current = self
            .load(key)
            .await?
            .ok_or_else(|| StoreError::NotFound(key.clone()))?;
        check_precondition(key, precondition, current.rv, current.uid.as_deref())?;
        Ok(current)
    }

    fn take_rv(&mut self) -> u64 {
        self.last_rv += 1;
        self.last_rv
    }

    /// Appends the event to the feed table and remembers it for the result and for publication.
    /// `previous` is the stored text and the parsed value of the object before the write.
    async fn record(
        &mut self,
        event_type: EventType,
        rv: u64,
        key: ObjectKey,
        object: Value,
        body: &str,
        previous: Option<(String, Value)>,
    ) -> Result<()> {
        let (prev_body, previous) = previous.unzip();
        sqlx::query(
            "INSERT INTO events (rv, resource, namespace, name, event_type, body, prev_body, at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(rv_to_sql(rv)?)
        .bind(&key.resource)
        .bind(&key.namespace)
        .bind(&key.name)
        .bind(event_type_name(event_type))
        .bind(body)
        .bind(prev_body)
        .bind(self.at_ms)
        .execute(&mut *self.conn)
        .await?;

        let stored = Stored {
            key: key.clone(),
            resource_version: rv,
            object: object.clone(),
        };
        self.written.push(match event_type {
            EventType::Added => Written::Created(stored),
            EventType::Modified => Written::Updated(stored),
            EventType::Deleted => Written::Deleted(stored),
        });
        self.events.push(Event {
            event_type,
            resource_version: rv,
            key,
            object,
            previous,
        });
        Ok(())
    }
}
