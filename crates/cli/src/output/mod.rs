//! Printers: kubectl's tables and its `-o json|yaml|name|jsonpath=…` formats.

pub mod format;
pub mod jsonpath;
pub mod table;

use serde_json::Value;

pub use format::{OutputArgs, OutputFormat};

use crate::client::CliError;

/// Writes to stdout. A closed pipe (`tokenhub tokens list | head -1`) is not an error.
pub fn emit(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::local(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}

/// One line to stderr: notes and warnings that must not mix with what scripts read.
pub fn note(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// JSON as `kubectl -o json` prints it: indented by four spaces, with a final newline.
pub fn to_json(value: &Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serializing a Value into a Vec cannot fail.
    let _ = serde::Serialize::serialize(value, &mut serializer);
    let mut text = String::from_utf8_lossy(&out).into_owned();
    text.push('\n');
    text
}

pub fn to_yaml(value: &Value) -> Result<String, CliError> {
    serde_saphyr::to_string(value).map_err(|e| CliError::local(format!("cannot print YAML: {e}")))
}

/// `kind.group/name`, as `kubectl -o name` prints an object (`namespace/default` for the
/// core group).
pub fn qualified_name(kind: &str, group: &str, name: &str) -> String {
    let kind = kind.to_lowercase();
    if group.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}.{group}/{name}")
    }
}

/// An object or a list printed in a non-table format. `kind` and `group` name the items of a
/// list, whose items often carry no `kind` of their own.
pub fn print_data(
    value: &Value,
    format: &OutputFormat,
    kind: &str,
    group: &str,
) -> Result<String, CliError> {
    Ok(match format {
        OutputFormat::Json => to_json(value),
        OutputFormat::Yaml => to_yaml(value)?,
        OutputFormat::JsonPath(template) => template.render(value),
        OutputFormat::Name => {
            let items = match value.get("items").and_then(Value::as_array) {
                Some(items) => items.iter().collect(),
                None => vec![value],
            };
            items
                .into_iter()
                .filter_map(|item| item.pointer("/metadata/name").and_then(Value::as_str))
                .map(|name| qualified_name(kind, group, name) + "\n")
                .collect()
        }
        OutputFormat::Table | OutputFormat::Wide => to_json(value),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_kind_dot_group_slash_name() {
        let list = json!({"items": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}]});
        let out = print_data(&list, &OutputFormat::Name, "Token", "tokenhub.io").unwrap();
        assert_eq!(out, "token.tokenhub.io/a\ntoken.tokenhub.io/b\n");
        let one = json!({"metadata": {"name": "default"}});
        let out = print_data(&one, &OutputFormat::Name, "Namespace", "").unwrap();
        assert_eq!(out, "namespace/default\n");
    }

    #[test]
    fn json_is_indented_by_four_and_yaml_is_block_style() {
        let obj =
            json!({"apiVersion": "tokenhub.io/v1", "kind": "Token", "spec": {"groups": ["a"]}});
        assert_eq!(
            to_json(&obj),
            "{\n    \"apiVersion\": \"tokenhub.io/v1\",\n    \"kind\": \"Token\",\n    \"spec\": {\n        \"groups\": [\n            \"a\"\n        ]\n    }\n}\n"
        );
        let yaml = to_yaml(&obj).unwrap();
        assert!(
            yaml.starts_with("apiVersion: tokenhub.io/v1\nkind: Token\nspec:\n"),
            "{yaml}"
        );
        assert!(yaml.contains("groups:\n"), "{yaml}");
    }
}
