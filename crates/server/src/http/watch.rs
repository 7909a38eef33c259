//! Watch responses: a chunked stream of JSON events, one per line, with Table events when the
//! client asked for Tables, periodic bookmarks when it allows them, and an end at the timeout.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};
use serde_json::{Map, Value, json};
use tokenhub_api::registry::ResourceType;
use tokenhub_api::table::IncludeObject;

use super::negotiate::{Answer, TABLE_CONTENT_TYPE};
use super::table;
use crate::objects::{Watch, WatchEvent, WatchEventType, WatchStream};
use crate::state::Hub;

/// How a stored object is shown to the caller (computed fields, the group asked through).
pub type Presenter = Arc<dyn Fn(&mut Value) + Send + Sync>;

pub struct WatchResponse {
    pub answer: Answer,
    pub include: IncludeObject,
    pub bookmarks: bool,
    pub timeout: Duration,
    pub present: Presenter,
}

/// Where a watch response is: the events still to come, the next bookmark, the deadline.
struct Progress {
    events: WatchStream,
    bookmarks: Option<tokio::time::Interval>,
    deadline: Pin<Box<tokio::time::Sleep>>,
    /// The resourceVersion of the last event sent, for bookmarks.
    resource_version: u64,
    /// Set after an ERROR event: the client must list again, so the stream ends.
    ended: bool,
}

impl Progress {
    async fn next(&mut self, t: &ResourceType) -> Option<WatchEvent> {
        if self.ended {
            return None;
        }
        let bookmark = async {
            match &mut self.bookmarks {
                Some(interval) => interval.tick().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = &mut self.deadline => None,
            event = self.events.next() => {
                let event = event?;
                self.ended = event.event_type == WatchEventType::Error;
                if let Some(rv) = resource_version_of(&event.object) {
                    self.resource_version = rv;
                }
                Some(event)
            }
            _ = bookmark => Some(WatchEvent {
                event_type: WatchEventType::Bookmark,
                object: json!({
                    "kind": t.kind,
                    "apiVersion": t.api_version(),
                    "metadata": {"resourceVersion": self.resource_version.to_string()},
                }),
            }),
        }
    }
}

fn resource_version_of(object: &Value) -> Option<u64> {
    object
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .and_then(|rv| rv.parse().ok())
}

pub fn stream(
    hub: Arc<Hub>,
    t: &'static ResourceType,
    watch: Watch,
    how: WatchResponse,
) -> Response {
    let bookmarks = how.bookmarks.then(|| {
        let period = hub.limits.bookmark_interval;
        tokio::time::interval_at(tokio::time::Instant::now() + period, period)
    });
    let progress = Progress {
        events: watch.events,
        bookmarks,
        deadline: Box::pin(tokio::time::sleep(how.timeout)),
        resource_version: watch.resource_version,
        ended: false,
    };
    let timed = stream::unfold(progress, move |mut progress| async move {
        let event = progress.next(t).await?;
        Some((event, progress))
    });

    let mut first_table = true;
    let clock = Arc::clone(&hub.clock);
    let encoded = timed.map(move |mut event| {
        if matches!(
            event.event_type,
            WatchEventType::Added | WatchEventType::Modified | WatchEventType::Deleted
        ) {
            (how.present)(&mut event.object);
        }
        let object = match (how.answer, event.event_type) {
            (Answer::Table, WatchEventType::Error) => event.object,
            (Answer::Table, WatchEventType::Bookmark) => {
                let meta = event
                    .object
                    .get("metadata")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                serde_json::to_value(table::render(t, [], how.include, clock.now(), meta, false))
                    .unwrap_or(Value::Null)
            }
            (Answer::Table, _) => {
                let rendered = table::render(
                    t,
                    [&event.object],
                    how.include,
                    clock.now(),
                    row_meta(&event.object),
                    first_table,
                );
                first_table = false;
                serde_json::to_value(rendered).unwrap_or(Value::Null)
            }
            (Answer::Object, _) => event.object,
        };
        let mut line =
            serde_json::to_vec(&json!({"type": event.event_type.as_str(), "object": object}))
                .unwrap_or_default();
        line.push(b'\n');
        Ok::<_, Infallible>(Bytes::from(line))
    });

    let content_type = match how.answer {
        Answer::Table => TABLE_CONTENT_TYPE,
        Answer::Object => "application/json",
    };
    let mut response = (StatusCode::OK, Body::from_stream(encoded)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn row_meta(object: &Value) -> Map<String, Value> {
    let mut meta = Map::new();
    if let Some(rv) = object.pointer("/metadata/resourceVersion") {
        meta.insert("resourceVersion".into(), rv.clone());
    }
    meta
}
