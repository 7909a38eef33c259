//! `status.lastUsedAt` of Tokens and APITokens, written behind: authentication only notes the time, a task
//! writes it at most once a minute per token, so a busy token costs no write per request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use tokenhub_store::{ObjectKey, Precondition, StoreExt};

use crate::objects::{Objects, rfc3339};

/// The finest `lastUsedAt` is kept at.
const GRANULARITY: SignedDuration = SignedDuration::from_secs(60);

/// A credential: the storage key of its kind and its name.
type Credential = (&'static str, String);

#[derive(Debug, Default)]
pub struct LastUsed {
    pending: Mutex<HashMap<Credential, Timestamp>>,
}

impl LastUsed {
    /// Notes a use of credential `name` (of the kind stored under `resource`) at `now`, unless
    /// the stored time is recent enough.
    pub fn record(
        &self,
        resource: &'static str,
        name: &str,
        stored: Option<Timestamp>,
        now: Timestamp,
    ) {
        if stored.is_some_and(|t| now.duration_since(t) < GRANULARITY) {
            return;
        }
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((resource, name.to_string()), now);
    }

    fn take(&self) -> HashMap<Credential, Timestamp> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Writes the noted times every `every`, for as long as the hub runs.
    pub async fn write_behind(self: std::sync::Arc<Self>, objects: Objects, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            for ((resource, name), used) in self.take() {
                if let Err(e) = write(&objects, resource, &name, used).await {
                    tracing::debug!(error = %e, %name, "lastUsedAt not written");
                }
            }
        }
    }
}

/// Stores `used` as the token's `status.lastUsedAt`; a token changed meanwhile is read again.
async fn write(
    objects: &Objects,
    resource: &str,
    name: &str,
    used: Timestamp,
) -> Result<(), tokenhub_store::StoreError> {
    let key = ObjectKey::new(resource, "", name);
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
        last.record(
            "tokens",
            "t1",
            Some(now - SignedDuration::from_secs(30)),
            now,
        );
        assert!(last.take().is_empty());
        last.record(
            "tokens",
            "t1",
            Some(now - SignedDuration::from_secs(61)),
            now,
        );
        last.record("tokens", "t2", None, now);
        assert_eq!(last.take().len(), 2);
    }
}
