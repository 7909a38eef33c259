//! Structural decoding of a JSON body against a kind's schema, as kube-apiserver's strict decoder
//! does for Go types: wrong types are refused, unknown fields are reported and dropped.

use serde_json::Value;

use crate::schema::{IntFormat, Schema};

/// A value whose JSON type cannot be decoded into the field's type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("json: cannot unmarshal {found} into Go struct field {owner}.{path} of type {expected}")]
pub struct TypeMismatch {
    /// The Go type name of the object that holds the field (`ConfigMap`, `ObjectMeta`).
    pub owner: &'static str,
    /// The struct fields from the root, as Go's decoder prints them: map keys and list
    /// indices are left out (`metadata.labels`, not `metadata.labels.app`).
    pub path: String,
    pub found: &'static str,
    pub expected: &'static str,
}

/// Removes the fields `schema` does not know from `value` and returns their paths
/// (`spec.foo`, `rules[0].bar`), or the first value of a wrong type.
pub fn prune_unknown_fields(
    value: &mut Value,
    schema: &Schema,
) -> Result<Vec<String>, TypeMismatch> {
    let mut unknown = Vec::new();
    let root = Location {
        path: String::new(),
        go_path: String::new(),
        owner: "object",
    };
    walk(value, schema, &root, &mut unknown)?;
    Ok(unknown)
}

/// Where a value is: its path as unknown fields are reported (`rules[0].verbs`), its path as
/// Go's decoder names a mistyped field (`rules.verbs`) and the Go struct that holds it.
struct Location {
    path: String,
    go_path: String,
    owner: &'static str,
}

impl Location {
    fn field(&self, key: &str, owner: &'static str) -> Location {
        Location {
            path: join(&self.path, key),
            go_path: join(&self.go_path, key),
            owner,
        }
    }

    /// A map value or list item: a new reporting path, the same Go field.
    fn element(&self, path: String) -> Location {
        Location {
            path,
            go_path: self.go_path.clone(),
            owner: self.owner,
        }
    }
}

fn walk(
    value: &mut Value,
    schema: &Schema,
    at: &Location,
    unknown: &mut Vec<String>,
) -> Result<(), TypeMismatch> {
    if value.is_null() {
        return Ok(());
    }
    let mismatch = |expected: &'static str, value: &Value| TypeMismatch {
        owner: at.owner,
        path: at.go_path.clone(),
        found: json_type(value),
        expected,
    };
    match schema {
        Schema::Any => Ok(()),
        Schema::String(_) => value
            .is_string()
            .then_some(())
            .ok_or_else(|| mismatch("string", value)),
        Schema::Boolean => value
            .is_boolean()
            .then_some(())
            .ok_or_else(|| mismatch("bool", value)),
        Schema::Integer(format) => {
            let expected = match format {
                IntFormat::Int32 => "int32",
                IntFormat::Int64 => "int64",
            };
            let fits = match (value.as_i64(), format) {
                (Some(n), IntFormat::Int32) => i32::try_from(n).is_ok(),
                (Some(_), IntFormat::Int64) => true,
                (None, _) => false,
            };
            fits.then_some(()).ok_or_else(|| mismatch(expected, value))
        }
        Schema::Map(values) => {
            let Value::Object(map) = value else {
                return Err(mismatch("map[string]", value));
            };
            for (key, item) in map.iter_mut() {
                walk(item, values, &at.element(join(&at.path, key)), unknown)?;
            }
            Ok(())
        }
        Schema::Array(items, _) => {
            let Value::Array(list) = value else {
                return Err(mismatch("array", value));
            };
            for (i, item) in list.iter_mut().enumerate() {
                walk(
                    item,
                    items,
                    &at.element(format!("{}[{i}]", at.path)),
                    unknown,
                )?;
            }
            Ok(())
        }
        Schema::Object(object) => {
            let Value::Object(map) = value else {
                return Err(mismatch(object.short_name(), value));
            };
            let owner = if object.id.is_some() {
                object.short_name()
            } else {
                at.owner
            };
            let mut unknown_here = Vec::new();
            for (key, item) in map.iter_mut() {
                match object.field(key) {
                    Some(field) => walk(item, &field.schema, &at.field(key, owner), unknown)?,
                    None => unknown_here.push(key.clone()),
                }
            }
            for key in unknown_here {
                map.remove(&key);
                unknown.push(join(&at.path, &key));
            }
            Ok(())
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The JSON kind of a value as Go's `encoding/json` names it in "cannot unmarshal X" messages.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Schema, field};
    use serde_json::json;

    fn config_map() -> Schema {
        Schema::named(
            "io.k8s.api.core.v1.ConfigMap",
            "",
            vec![
                field(
                    "metadata",
                    Schema::named(
                        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
                        "",
                        vec![
                            field("name", Schema::string(), ""),
                            field("labels", Schema::string_map(), ""),
                        ],
                    ),
                    "",
                ),
                field("data", Schema::string_map(), ""),
                field(
                    "items",
                    Schema::atomic_list(Schema::inline("", vec![field("a", Schema::int32(), "")])),
                    "",
                ),
            ],
        )
    }

    #[test]
    fn unknown_fields_are_reported_with_their_path_and_dropped() {
        let mut v = json!({"metadata": {"name": "x", "nope": 1}, "extra": true, "items": [{"a": 1, "b": 2}]});
        let unknown = prune_unknown_fields(&mut v, &config_map()).unwrap();
        assert_eq!(unknown, vec!["metadata.nope", "items[0].b", "extra"]);
        assert_eq!(v, json!({"metadata": {"name": "x"}, "items": [{"a": 1}]}));
    }

    #[test]
    fn a_wrong_type_names_the_go_struct_field() {
        let mut v = json!({"metadata": {"labels": {"a": 5}}});
        let err = prune_unknown_fields(&mut v, &config_map()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
        );
        let mut v = json!({"items": [{"a": "x"}]});
        let err = prune_unknown_fields(&mut v, &config_map()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "json: cannot unmarshal string into Go struct field ConfigMap.items.a of type int32"
        );
    }

    #[test]
    fn integers_must_fit_their_format_and_nulls_are_accepted() {
        let mut v = json!({"items": [{"a": 5_000_000_000_i64}]});
        assert!(prune_unknown_fields(&mut v, &config_map()).is_err());
        let mut v = json!({"items": [{"a": 1.5}]});
        assert!(prune_unknown_fields(&mut v, &config_map()).is_err());
        let mut v = json!({"data": null, "metadata": {"labels": null}});
        assert!(
            prune_unknown_fields(&mut v, &config_map())
                .unwrap()
                .is_empty()
        );
    }
}
