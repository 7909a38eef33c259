//! Server-side printing: objects as a `meta.k8s.io/v1` Table, with the columns the registry
//! declares and ages rendered the way kubectl shows them.

use jiff::Timestamp;
use serde_json::{Map, Value};
use tokenhub_api::registry::{Cell, ResourceType};
use tokenhub_api::table::{
    ColumnDefinition, IncludeObject, Table, TableRow, partial_object_metadata,
};
use tokenhub_core::duration::human_duration;
use tokenhub_core::tokens::human_ttl;

pub fn column_definitions(t: &ResourceType) -> Vec<ColumnDefinition> {
    t.columns
        .iter()
        .map(|c| ColumnDefinition {
            name: c.name,
            type_: c.type_,
            format: c.format,
            description: c.description,
            priority: c.priority,
        })
        .collect()
}

/// A Table of `objects`; `with_columns` is false for watch events after the first.
pub fn render<'a>(
    t: &ResourceType,
    objects: impl IntoIterator<Item = &'a Value>,
    include: IncludeObject,
    now: Timestamp,
    list_meta: Map<String, Value>,
    with_columns: bool,
) -> Table {
    let columns = if with_columns {
        column_definitions(t)
    } else {
        Vec::new()
    };
    let mut table = Table::new(list_meta, columns);
    table.rows = objects
        .into_iter()
        .map(|object| TableRow {
            cells: t
                .columns
                .iter()
                .map(|c| cell(&c.cell, object, now))
                .collect(),
            object: match include {
                IncludeObject::None => None,
                IncludeObject::Metadata => Some(partial_object_metadata(object)),
                IncludeObject::Object => Some(object.clone()),
            },
        })
        .collect();
    table
}

fn cell(cell: &Cell, object: &Value, now: Timestamp) -> Value {
    match cell {
        Cell::Name => object
            .pointer("/metadata/name")
            .cloned()
            .unwrap_or(Value::String(String::new())),
        Cell::Age => Value::String(age(object, now)),
        Cell::Computed(f) => f(object),
        Cell::MillisDuration(pointer) => match object.pointer(pointer).and_then(Value::as_i64) {
            Some(ms) => Value::String(human_ttl(ms)),
            None => Value::String(String::new()),
        },
    }
}

fn age(object: &Value, now: Timestamp) -> String {
    object
        .pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Timestamp>().ok())
        .map_or_else(
            || "<unknown>".to_string(),
            |created| human_duration(now.duration_since(created)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tokenhub_api::kinds::core_v1::CONFIG_MAPS;

    #[test]
    fn rows_have_name_computed_cells_and_age() {
        let now: Timestamp = "2026-11-23T12:05:00Z".parse().unwrap();
        let cm = json!({"metadata": {"name": "app", "creationTimestamp": "2026-11-23T12:00:00Z"}, "data": {"a": "1", "b": "2"}});
        let table = render(
            &CONFIG_MAPS,
            [&cm],
            IncludeObject::Metadata,
            now,
            Map::new(),
            true,
        );
        assert_eq!(
            table.rows[0].cells,
            vec![json!("app"), json!(2), json!("5m")]
        );
        assert_eq!(table.column_definitions[0].format, "name");
        assert_eq!(
            table.rows[0].object.as_ref().unwrap()["kind"],
            "PartialObjectMetadata"
        );
        let bare = render(
            &CONFIG_MAPS,
            [&cm],
            IncludeObject::None,
            now,
            Map::new(),
            false,
        );
        assert!(bare.rows[0].object.is_none());
        assert!(bare.column_definitions.is_empty());
    }
}
