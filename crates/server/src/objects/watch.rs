//! Watch: the change feed of one kind, as Kubernetes watch events. Without a resourceVersion
//! (or with `0`) the current state comes first as ADDED events. With a selector, an object that
//! starts matching is ADDED and one that stops matching is DELETED, as kube-apiserver does.

use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt, stream};
use serde_json::Value;
use tokenhub_api::registry::ResourceType;
use tokenhub_store::{Event, EventType, ListQuery, StoreError, WatchQuery};

use super::list::Selection;
use super::{Objects, target};
use crate::error::ApiError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchEventType {
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}

impl WatchEventType {
    pub fn as_str(self) -> &'static str {
        match self {
            WatchEventType::Added => "ADDED",
            WatchEventType::Modified => "MODIFIED",
            WatchEventType::Deleted => "DELETED",
            WatchEventType::Bookmark => "BOOKMARK",
            WatchEventType::Error => "ERROR",
        }
    }
}

#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub event_type: WatchEventType,
    pub object: Value,
}

pub type WatchStream = Pin<Box<dyn Stream<Item = WatchEvent> + Send>>;

/// A started watch: its events, and the resourceVersion they follow from.
pub struct Watch {
    pub events: WatchStream,
    pub resource_version: u64,
}

#[derive(Clone, Debug, Default)]
pub struct WatchOptions {
    pub resource_version: Option<String>,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
}

impl Objects {
    pub async fn watch(
        &self,
        t: &'static ResourceType,
        namespace: Option<&str>,
        options: &WatchOptions,
    ) -> Result<Watch, ApiError> {
        let selection = Arc::new(Selection::parse(
            options.label_selector.as_deref(),
            options.field_selector.as_deref(),
        )?);
        let namespace = if t.is_namespaced() {
            namespace.map(str::to_string)
        } else {
            None
        };
        let resource = t.storage_key();

        let (initial, after) = match options.resource_version.as_deref().unwrap_or("") {
            "" | "0" => {
                let filter = |object: &Value| selection.matches(object);
                let page = self
                    .store
                    .list(ListQuery {
                        resource: &resource,
                        namespace: namespace.as_deref(),
                        filter: &filter,
                        limit: None,
                        continue_from: None,
                    })
                    .await
                    .map_err(|e| ApiError::from_store(e, target(t, "")))?;
                let added: Vec<WatchEvent> = page
                    .items
                    .into_iter()
                    .map(|s| WatchEvent {
                        event_type: WatchEventType::Added,
                        object: s.object,
                    })
                    .collect();
                (added, page.resource_version)
            }
            rv => {
                let after = rv.parse::<u64>().map_err(|_| {
                    ApiError::BadRequest(format!("invalid resource version: {rv:?}"))
                })?;
                (Vec::new(), after)
            }
        };

        let feed = self
            .store
            .watch(WatchQuery {
                resource: Some(resource),
                namespace,
                after,
            })
            .await
            .map_err(|e| ApiError::from_store(e, target(t, "")))?;
        let changes = feed.filter_map(move |item| {
            let selection = Arc::clone(&selection);
            async move {
                match item {
                    Ok(event) => as_watch_event(&event, &selection),
                    Err(err) => Some(error_event(err)),
                }
            }
        });
        Ok(Watch {
            events: Box::pin(stream::iter(initial).chain(changes)),
            resource_version: after,
        })
    }
}

/// The watch event a change is for a watcher with `selection`, if any.
fn as_watch_event(event: &Event, selection: &Selection) -> Option<WatchEvent> {
    let now = selection.matches(&event.object);
    let before = event
        .previous
        .as_ref()
        .is_some_and(|p| selection.matches(p));
    let event_type = match event.event_type {
        EventType::Added if now => WatchEventType::Added,
        EventType::Modified if now && before => WatchEventType::Modified,
        EventType::Modified if now => WatchEventType::Added,
        EventType::Modified if before => WatchEventType::Deleted,
        EventType::Deleted if now => WatchEventType::Deleted,
        _ => return None,
    };
    Some(WatchEvent {
        event_type,
        object: event.object.clone(),
    })
}

/// An ERROR event carrying a Status, then the stream ends (the client re-lists).
fn error_event(err: StoreError) -> WatchEvent {
    let api_error = match err {
        StoreError::Expired { requested, oldest } => {
            ApiError::Expired(format!("too old resource version: {requested} ({oldest})"))
        }
        other => ApiError::internal(other),
    };
    WatchEvent {
        event_type: WatchEventType::Error,
        object: serde_json::to_value(api_error.to_status()).unwrap_or(Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tokenhub_store::ObjectKey;

    fn event(event_type: EventType, object: Value, previous: Option<Value>) -> Event {
        Event {
            event_type,
            resource_version: 7,
            key: ObjectKey::new("configmaps", "default", "a"),
            object,
            previous,
        }
    }

    fn labelled(v: &str) -> Value {
        json!({"metadata": {"name": "a", "labels": {"app": v}}})
    }

    #[test]
    fn selection_turns_modifications_into_additions_and_deletions() {
        let sel = Selection::parse(Some("app=web"), None).unwrap();
        let types = |e: Event| as_watch_event(&e, &sel).map(|w| w.event_type);
        assert_eq!(
            types(event(EventType::Added, labelled("web"), None)),
            Some(WatchEventType::Added)
        );
        assert_eq!(types(event(EventType::Added, labelled("db"), None)), None);
        assert_eq!(
            types(event(
                EventType::Modified,
                labelled("web"),
                Some(labelled("web"))
            )),
            Some(WatchEventType::Modified)
        );
        assert_eq!(
            types(event(
                EventType::Modified,
                labelled("web"),
                Some(labelled("db"))
            )),
            Some(WatchEventType::Added)
        );
        assert_eq!(
            types(event(
                EventType::Modified,
                labelled("db"),
                Some(labelled("web"))
            )),
            Some(WatchEventType::Deleted)
        );
        assert_eq!(
            types(event(
                EventType::Modified,
                labelled("db"),
                Some(labelled("db"))
            )),
            None
        );
        assert_eq!(
            types(event(
                EventType::Deleted,
                labelled("web"),
                Some(labelled("web"))
            )),
            Some(WatchEventType::Deleted)
        );
    }

    #[test]
    fn an_expired_feed_becomes_a_410_error_event() {
        let e = error_event(StoreError::Expired {
            requested: 3,
            oldest: 10,
        });
        assert_eq!(e.event_type, WatchEventType::Error);
        assert_eq!(e.object["code"], 410);
        assert_eq!(e.object["reason"], "Expired");
    }
}
