//! `status.lastUsedAt` of Tokens, written behind: authentication only notes the time, a task
//! writes it at most once a minute per token, so a busy token costs no write per request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use tokenhub_api::kinds::tokenhub_v1::TOKENS;
use tokenhub_store::{ObjectKey, Precondition, StoreExt};

use crate::objects::{Objects, rfc3339};

/// The finest `lastUsedAt` is kept at.
const GRANULARITY: SignedDuration = SignedDuration::from_secs(60);

#[derive(Debug, Default)]
pub struct LastUsed {
    pending: Mutex<HashMap<String, Timestamp>>,
}

impl LastUsed {
    /// Notes a use of token `name` at `now`, unless the stored time is recent enough.
    pub fn record(&self, name: &str, stored: Option<Timestamp>, now: Timestamp) {
        if stored.is_some_and(|t| now.duration_since(t) < GRANULARITY) {
            return;
        }
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string(), now);
    }

    fn take(&self) -> HashMap<String, Timestamp> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Writes the noted times every `every`, for as long as the hub runs.
    pub async fn write_behind(self: std::sync::Arc<Self>, objects: Objects, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            for (name, used) in self.take() {
                if let Err(e) = write(&objects, &name, used).await {
                    tracing::debug!(error = %e, %name, "lastUsedAt not written");
                }
            }
        }
    }
}

/// Stores `used` as the token's `status.lastUsedAt`; a token changed meanwhile is read again.
async fn write(
    objects: &Objects,
    name: &str,
    used: Timestamp,
) -> Result<(), tokenhub_store::StoreError> {
    let key = ObjectKey::new(TOKENS.storage_key(), "", name);
    for _ in 0..3 {
        let Some(stored) = objects.store().get(&key).await? else {
            return Ok(());
        };
        let mut token = stored.object;
        let Some(map) = token.as_object_mut() else {
            return Ok(());
        };
        let status = map
            .entry("status")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Value::Object(status) = status {
            status.insert("lastUsedAt".into(), rfc3339(used).into());
        }
        let precondition = Precondition {
            resource_version: Some(stored.resource_version),
            uid: None,
        };
        match objects
            .store()
            .update(key.clone(), token, precondition)
            .await
        {
            Err(tokenhub_store::StoreError::Conflict { .. }) => continue,
            other => return other.map(|_| ()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_are_noted_at_most_once_a_minute_per_token() {
        let last = LastUsed::default();
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        last.record("t1", Some(now - SignedDuration::from_secs(30)), now);
        assert!(last.take().is_empty());
        last.record("t1", Some(now - SignedDuration::from_secs(61)), now);
        last.record("t2", None, now);
        assert_eq!(last.take().len(), 2);
    }
}
