//! Forgetting old feed entries. The feed then starts right after `compacted_rv`: every event
//! with a greater resourceVersion is kept, so a continued list or a watch from at least there
//! is still answered exactly, and one from before is `Expired`.

use sqlx::SqlitePool;

use crate::Result;

/// Deletes the events recorded before `keep_after_unix_ms`, except the latest event of all.
/// Returns how many were deleted.
pub(super) async fn compact(writer: &SqlitePool, keep_after_unix_ms: i64) -> Result<u64> {
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
    // The newest old-enough event bounds the cut. Should the clock have gone backwards, a few
    // younger events below it go too: the feed must stay gapless after compacted_rv.
    let boundary: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(rv) FROM events \
         WHERE at_ms < $1 AND rv < (SELECT MAX(rv) FROM events)",
    )
    .bind(keep_after_unix_ms)
    .fetch_one(&mut *tx)
    .await?;
    let Some(boundary) = boundary else {
        return Ok(0);
    };
    let deleted = sqlx::query("DELETE FROM events WHERE rv <= $1")
        .bind(boundary)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("UPDATE meta SET compacted_rv = $1 WHERE singleton = 1 AND compacted_rv < $1")
        .bind(boundary)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(deleted)
}
