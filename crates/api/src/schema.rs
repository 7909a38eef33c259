//! A small structural schema for every kind the hub serves.
//!
//! One schema drives four things that must agree: the OpenAPI v3 documents (so `kubectl explain`
//! and `kubectl create -f` work), strict field validation (unknown fields, wrong types), the list
//! strategies of strategic merge patch, and protobuf-free type checking of request bodies.

use std::sync::Arc;

/// The shape of a value.
#[derive(Clone, Debug)]
pub enum Schema {
    String(StringFormat),
    Integer(IntFormat),
    Boolean,
    Object(Arc<ObjectSchema>),
    /// An object with arbitrary keys whose values all have one schema (`additionalProperties`).
    Map(Box<Schema>),
    Array(Box<Schema>, ListType),
    /// Anything goes (`x-kubernetes-preserve-unknown-fields`).
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringFormat {
    Plain,
    DateTime,
    /// Base64-encoded bytes.
    Byte,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntFormat {
    Int32,
    Int64,
}

/// How a list is merged by strategic merge patch and described in OpenAPI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListType {
    /// Replaced wholesale by a patch.
    Atomic,
    /// A set of scalars, merged by value (`patchStrategy: merge` on a list of strings).
    Set,
    /// A list of objects merged by a key field (`patchMergeKey`).
    Map(&'static str),
}

/// An object with named fields. Objects with an `id` are emitted as OpenAPI components.
#[derive(Debug)]
pub struct ObjectSchema {
    /// OpenAPI component name, e.g. `io.k8s.api.core.v1.ConfigMap`.
    pub id: Option<&'static str>,
    pub description: &'static str,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: &'static str,
    pub schema: Schema,
    pub description: &'static str,
    pub required: bool,
}

impl ObjectSchema {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The Go-style type name used in error messages (`ConfigMap`, `ObjectMeta`).
    pub fn short_name(&self) -> &'static str {
        self.id
            .and_then(|id| id.rsplit('.').next())
            .unwrap_or("object")
    }
}

impl Schema {
    pub fn string() -> Schema {
        Schema::String(StringFormat::Plain)
    }
    pub fn date_time() -> Schema {
        Schema::String(StringFormat::DateTime)
    }
    pub fn bytes() -> Schema {
        Schema::String(StringFormat::Byte)
    }
    pub fn int32() -> Schema {
        Schema::Integer(IntFormat::Int32)
    }
    pub fn int64() -> Schema {
        Schema::Integer(IntFormat::Int64)
    }
    pub fn map_of(values: Schema) -> Schema {
        Schema::Map(Box::new(values))
    }
    pub fn string_map() -> Schema {
        Schema::map_of(Schema::string())
    }
    pub fn atomic_list(items: Schema) -> Schema {
        Schema::Array(Box::new(items), ListType::Atomic)
    }
    pub fn set_list(items: Schema) -> Schema {
        Schema::Array(Box::new(items), ListType::Set)
    }
    pub fn keyed_list(items: Schema, merge_key: &'static str) -> Schema {
        Schema::Array(Box::new(items), ListType::Map(merge_key))
    }
    pub fn string_list() -> Schema {
        Schema::atomic_list(Schema::string())
    }

    /// A named object (an OpenAPI component).
    pub fn named(id: &'static str, description: &'static str, fields: Vec<Field>) -> Schema {
        Schema::Object(Arc::new(ObjectSchema {
            id: Some(id),
            description,
            fields,
        }))
    }

    /// An anonymous inline object.
    pub fn inline(description: &'static str, fields: Vec<Field>) -> Schema {
        Schema::Object(Arc::new(ObjectSchema {
            id: None,
            description,
            fields,
        }))
    }

    pub fn as_object(&self) -> Option<&ObjectSchema> {
        match self {
            Schema::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The schema of a dotted path such as `spec.rules`, walking objects, maps and arrays.
    pub fn at_path(&self, path: &[&str]) -> Option<&Schema> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        match self {
            Schema::Object(o) => o.field(first)?.schema.at_path(rest),
            Schema::Map(v) => v.at_path(rest),
            Schema::Array(items, _) => items.at_path(path),
            _ => None,
        }
    }
}

/// An optional field.
pub fn field(name: &'static str, schema: Schema, description: &'static str) -> Field {
    Field {
        name,
        schema,
        description,
        required: false,
    }
}

/// A required field.
pub fn required(name: &'static str, schema: Schema, description: &'static str) -> Field {
    Field {
        name,
        schema,
        description,
        required: true,
    }
}
