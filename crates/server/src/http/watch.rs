//! Watch responses: a chunked stream of JSON events, one per line, with Table events when the
//! client asked for Tables, periodic bookmarks when it allows them, and an end at the timeout.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};
use serde_json::{Map, Value, json};
use tokenhub_api::registry::ResourceType;
use tokenhub_api::table::IncludeObject;
use tokio_stream::wrappers::IntervalStream;

use super::negotiate::{Answer, TABLE_CONTENT_TYPE};
use super::table;
use crate::objects::{Watch, WatchEvent, WatchEventType};
use crate::state::Hub;

pub struct WatchResponse {
    pub answer: Answer,
    pub include: IncludeObject,
    pub bookmarks: bool,
    pub timeout: Duration,
}

pub fn stream(
    hub: Arc<Hub>,
    t: &'static ResourceType,
    watch: Watch,
    how: WatchResponse,
) -> Response {
    let last_rv = Arc::new(AtomicU64::new(watch.resource_version));
    let seen = Arc::clone(&last_rv);
    let events = watch.events.map(move |event| {
        if let Some(rv) = event
            .object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .and_then(|rv| rv.parse().ok())
        {
            seen.store(rv, Ordering::Relaxed);
        }
        event
    });
    let ticks = if how.bookmarks {
        let mut interval = tokio::time::interval(hub.limits.bookmark_interval);
        interval.reset();
        IntervalStream::new(interval).boxed()
    } else {
        stream::pending().boxed()
    };
    let bookmarks = ticks.map(move |_| WatchEvent {
        event_type: WatchEventType::Bookmark,
        object: json!({
            "kind": t.kind,
            "apiVersion": t.api_version(),
            "metadata": {"resourceVersion": last_rv.load(Ordering::Relaxed).to_string()},
        }),
    });
    // The stream ends after an ERROR event: the client must list again.
    let merged = stream::select(events, bookmarks).scan(false, |errored, event| {
        let done = *errored;
        *errored = event.event_type == WatchEventType::Error;
        std::future::ready((!done).then_some(event))
    });
    let timed = merged.take_until(tokio::time::sleep(how.timeout));

    let mut first_table = true;
    let clock = Arc::clone(&hub.clock);
    let encoded = timed.map(move |event| {
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
