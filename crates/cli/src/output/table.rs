//! Prints a server-side `meta.k8s.io/v1` Table the way kubectl prints it: upper-cased column
//! names, priority-1 columns only when wide, cells cut at the first line break, and Go's
//! tabwriter with kubectl's settings (minwidth 6, padding 3, spaces).

use std::io::Write;

use serde::Deserialize;
use serde_json::Value;
use tabwriter::TabWriter;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    #[serde(default)]
    pub column_definitions: Vec<ColumnDefinition>,
    #[serde(default)]
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Deserialize)]
pub struct ColumnDefinition {
    pub name: String,
    #[serde(default)]
    pub priority: i32,
}

#[derive(Debug, Deserialize)]
pub struct TableRow {
    #[serde(default)]
    pub cells: Vec<Value>,
}

impl Table {
    pub fn from_value(value: Value) -> Result<Table, String> {
        if value.get("kind").and_then(Value::as_str) != Some("Table") {
            return Err("the server did not answer with a Table".into());
        }
        serde_json::from_value(value).map_err(|e| format!("the server sent a broken Table: {e}"))
    }
}

/// The table as lines of text; nothing at all when it has no rows (kubectl then says "No
/// resources found" on stderr).
pub fn render_table(table: &Table, wide: bool, headers: bool) -> String {
    if table.rows.is_empty() {
        return String::new();
    }
    let shown: Vec<bool> = table
        .column_definitions
        .iter()
        .map(|c| wide || c.priority == 0)
        .collect();
    let mut lines: Vec<Vec<String>> = Vec::new();
    if headers {
        lines.push(
            table
                .column_definitions
                .iter()
                .zip(&shown)
                .filter(|(_, show)| **show)
                .map(|(c, _)| c.name.to_uppercase())
                .collect(),
        );
    }
    for row in &table.rows {
        lines.push(
            row.cells
                .iter()
                .zip(&shown)
                .filter(|(_, show)| **show)
                .map(|(cell, _)| cell_text(cell))
                .collect(),
        );
    }
    align(&lines)
}

/// Cells separated by tabs through kubectl's tabwriter settings. Go's tabwriter makes a
/// column `max(minwidth, text + padding)` wide, this crate `max(minwidth, text) + padding`:
/// Go's minwidth 6 with padding 3 is this crate's minwidth 3 with padding 3.
pub fn align(lines: &[Vec<String>]) -> String {
    let mut writer = TabWriter::new(Vec::new()).minwidth(3).padding(3);
    for line in lines {
        // Write errors cannot happen on a Vec.
        let _ = writeln!(writer, "{}", line.join("\t"));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A cell as kubectl prints it: strings cut at the first line break (with `...`), other values
/// as Go's `fmt.Sprint` would, null as nothing.
pub fn cell_text(cell: &Value) -> String {
    let text = match cell {
        Value::Null => return String::new(),
        Value::String(s) => match s.find(['\n', '\r', '\x0c']) {
            Some(i) => format!("{}...", &s[..i]),
            None => s.clone(),
        },
        other => go_sprint(other),
    };
    // A tab inside a cell would shift every column after it; control characters could
    // drive the terminal.
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn go_sprint(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(go_sprint).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", go_sprint(&map[k])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `GET /api/v1/namespaces` as Table from a hub, and what `kubectl get namespaces` and
    /// `kubectl get namespaces -o wide` printed for it (kubectl 1.32).
    fn namespaces() -> Value {
        json!({
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "12"},
            "columnDefinitions": [
                {"name": "Name", "type": "string", "format": "name", "description": "Name", "priority": 0},
                {"name": "Status", "type": "string", "format": "", "description": "phase", "priority": 0},
                {"name": "Age", "type": "string", "format": "", "description": "age", "priority": 0}
            ],
            "rows": [
                {"cells": ["default", "Active", "5m"], "object": {"kind": "PartialObjectMetadata"}},
                {"cells": ["kube-public", "Active", "5m"]},
                {"cells": ["a", "Terminating", "3d2h"]}
            ]
        })
    }

    #[test]
    fn a_table_prints_like_kubectl() {
        let table = Table::from_value(namespaces()).unwrap();
        assert_eq!(
            render_table(&table, false, true),
            "NAME          STATUS        AGE\n\
             default       Active        5m\n\
             kube-public   Active        5m\n\
             a             Terminating   3d2h\n"
        );
        assert_eq!(
            render_table(&table, false, false),
            "default       Active        5m\n\
             kube-public   Active        5m\n\
             a             Terminating   3d2h\n"
        );
    }

    /// The Token table of the Rancher seed: `kubectl get tokens` and `-o wide`.
    fn tokens() -> Value {
        json!({
            "kind": "Table", "apiVersion": "meta.k8s.io/v1",
            "columnDefinitions": [
                {"name": "Name", "priority": 0},
                {"name": "User", "priority": 1},
                {"name": "Kind", "priority": 0},
                {"name": "TTL", "priority": 0},
                {"name": "Age", "priority": 0},
                {"name": "Description", "priority": 1}
            ],
            "rows": [
                {"cells": ["token-4xdgb", "user-p9n7l", "session", "16h", "3m", ""]},
                {"cells": ["token-chjsx", "user-p9n7l", "", "90d", "12s", "my token\nsecond line"]}
            ]
        })
    }

    #[test]
    fn wide_adds_priority_one_columns_in_their_place() {
        let table = Table::from_value(tokens()).unwrap();
        assert_eq!(
            render_table(&table, false, true),
            "NAME          KIND      TTL   AGE\n\
             token-4xdgb   session   16h   3m\n\
             token-chjsx             90d   12s\n"
        );
        assert_eq!(
            render_table(&table, true, true),
            "NAME          USER         KIND      TTL   AGE   DESCRIPTION\n\
             token-4xdgb   user-p9n7l   session   16h   3m    \n\
             token-chjsx   user-p9n7l             90d   12s   my token...\n"
        );
    }

    #[test]
    fn names_with_spaces_stay_and_cells_of_other_types_print_as_go_does() {
        let table = Table::from_value(json!({
            "kind": "Table",
            "columnDefinitions": [
                {"name": "Name", "priority": 0},
                {"name": "Display Name", "priority": 0},
                {"name": "Enabled", "priority": 0},
                {"name": "Groups", "priority": 0},
                {"name": "Count", "priority": 0}
            ],
            "rows": [{"cells": ["alice", "Alice A.", true, ["devs", "ops"], 3]},
                     {"cells": ["bob", null, false, [], 1.5]}]
        }))
        .unwrap();
        assert_eq!(
            render_table(&table, false, true),
            "NAME    DISPLAY NAME   ENABLED   GROUPS       COUNT\n\
             alice   Alice A.       true      [devs ops]   3\n\
             bob                    false     []           1.5\n"
        );
    }

    #[test]
    fn an_empty_table_prints_nothing_and_a_non_table_is_refused() {
        let table = Table::from_value(
            json!({"kind": "Table", "columnDefinitions": [{"name": "Name"}], "rows": []}),
        )
        .unwrap();
        assert_eq!(render_table(&table, false, true), "");
        assert!(Table::from_value(json!({"kind": "TokenList"})).is_err());
    }
}
