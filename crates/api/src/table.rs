//! `meta.k8s.io/v1` Table: server-side printing for kubectl.

use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub kind: &'static str,
    pub api_version: &'static str,
    pub metadata: Map<String, Value>,
    pub column_definitions: Vec<ColumnDefinition>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnDefinition {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub format: &'static str,
    pub description: &'static str,
    pub priority: u8,
}

#[derive(Debug, Serialize)]
pub struct TableRow {
    pub cells: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<Value>,
}

/// What each row carries besides its cells (`includeObject`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    #[default]
    Metadata,
    Object,
}

impl IncludeObject {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "None" => Some(Self::None),
            "Metadata" | "" => Some(Self::Metadata),
            "Object" => Some(Self::Object),
            _ => None,
        }
    }
}

impl Table {
    pub fn new(metadata: Map<String, Value>, column_definitions: Vec<ColumnDefinition>) -> Self {
        Table {
            kind: "Table",
            api_version: "meta.k8s.io/v1",
            metadata,
            column_definitions,
            rows: Vec::new(),
        }
    }
}

/// The row object for `includeObject=Metadata`.
pub fn partial_object_metadata(obj: &Value) -> Value {
    let mut out = Map::new();
    out.insert("kind".into(), "PartialObjectMetadata".into());
    out.insert("apiVersion".into(), "meta.k8s.io/v1".into());
    out.insert(
        "metadata".into(),
        obj.get("metadata")
            .cloned()
            .unwrap_or(Value::Object(Map::new())),
    );
    Value::Object(out)
}
