//! Successful answers: objects, lists and Tables as JSON, with warnings as `Warning` headers.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::{Map, Value, json};
use tokenhub_api::registry::ResourceType;
use tokenhub_api::table::IncludeObject;

use super::negotiate::{Answer, TABLE_CONTENT_TYPE};
use super::table;
use crate::objects::ObjectList;

pub fn json(code: StatusCode, body: &impl serde::Serialize) -> Response {
    json_with_warnings(code, body, &[])
}

/// kubectl prints each `Warning: 299 - "text"` header as `Warning: text`.
pub fn json_with_warnings(
    code: StatusCode,
    body: &impl serde::Serialize,
    warnings: &[String],
) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = (code, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for warning in warnings {
        let text = format!("299 - {}", serde_json::Value::String(warning.clone()));
        if let Ok(value) = HeaderValue::from_str(&text) {
            headers.append(header::WARNING, value);
        }
    }
    response
}

fn table_response(table: &impl serde::Serialize) -> Response {
    let mut response = json(StatusCode::OK, table);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(TABLE_CONTENT_TYPE),
    );
    response
}

/// One object, or a one-row Table.
pub fn object(
    t: &ResourceType,
    object: &Value,
    answer: Answer,
    include: IncludeObject,
    now: Timestamp,
) -> Response {
    match answer {
        Answer::Object => json(StatusCode::OK, object),
        Answer::Table => {
            let meta = Map::from_iter([(
                "resourceVersion".to_string(),
                object
                    .pointer("/metadata/resourceVersion")
                    .cloned()
                    .unwrap_or(Value::Null),
            )]);
            table_response(&table::render(t, [object], include, now, meta, true))
        }
    }
}

pub fn list_meta(list: &ObjectList) -> Map<String, Value> {
    let mut meta = Map::new();
    meta.insert(
        "resourceVersion".into(),
        list.resource_version.to_string().into(),
    );
    if let Some(token) = &list.continue_token {
        meta.insert("continue".into(), token.clone().into());
    }
    meta
}

/// A `XList`, or a Table of its items.
pub fn list(
    t: &ResourceType,
    list: &ObjectList,
    answer: Answer,
    include: IncludeObject,
    now: Timestamp,
) -> Response {
    match answer {
        Answer::Object => json(
            StatusCode::OK,
            &json!({
                "kind": t.list_kind,
                "apiVersion": t.api_version(),
                "metadata": list_meta(list),
                "items": list.items,
            }),
        ),
        Answer::Table => table_response(&table::render(
            t,
            &list.items,
            include,
            now,
            list_meta(list),
            true,
        )),
    }
}
