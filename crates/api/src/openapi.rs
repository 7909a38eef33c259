//! OpenAPI v3 documents generated from the registry: one per group-version, with the PATCH
//! operations and their `fieldValidation` parameter that tell kubectl the server validates
//! fields itself, and the component schemas `kubectl explain` walks.

use serde_json::{Map, Value, json};

use crate::registry::{Registry, ResourceType, Storage};
use crate::schema::{IntFormat, ListType, ObjectSchema, Schema, StringFormat};

const META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1";

/// The OpenAPI v3 document of one group-version, or `None` if it is not served.
pub fn group_version_document(registry: &Registry, group: &str, version: &str) -> Option<Value> {
    let mut paths = Map::new();
    let mut components = Components::default();
    components.add_meta_types();
    let mut any = false;
    for t in registry.in_group_version(group, version) {
        any = true;
        let kind_ref = components.add_kind(t);
        match t.storage {
            Storage::Stored => add_stored_paths(&mut paths, t, &kind_ref, &mut components),
            Storage::Virtual => {
                let collection = collection_path(t, t.is_namespaced());
                let op = operation(t, "create", "post", &kind_ref, t.kind);
                paths.insert(collection, path_item(t, false, vec![("post", op)]));
            }
        }
        for sub in t.subresources {
            let path = format!(
                "{}/{{name}}/{}",
                collection_path(t, t.is_namespaced()),
                sub.name
            );
            let mut op = json!({
                "operationId": format!("create{}{}", t.kind, capitalize(sub.name)),
                "description": format!("create {} of a {}", sub.kind, t.kind),
                "parameters": write_parameters(false),
                "responses": {"200": {"description": "OK"}, "201": {"description": "Created"}},
                "x-kubernetes-action": "post",
                "x-kubernetes-group-version-kind": {"group": sub.group, "version": sub.version, "kind": sub.kind},
            });
            if let Some(map) = op.as_object_mut() {
                map.insert(
                    "requestBody".into(),
                    json!({"content": {"application/json": {"schema": {}}}, "required": true}),
                );
            }
            paths.insert(path, path_item(t, true, vec![("post", op)]));
        }
    }
    if !any {
        return None;
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": paths,
        "components": {"schemas": components.schemas},
    }))
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn prefix(t: &ResourceType) -> String {
    if t.group.is_empty() {
        format!("/api/{}", t.version)
    } else {
        format!("/apis/{}/{}", t.group, t.version)
    }
}

fn collection_path(t: &ResourceType, namespaced: bool) -> String {
    if namespaced {
        format!("{}/namespaces/{{namespace}}/{}", prefix(t), t.plural)
    } else {
        format!("{}/{}", prefix(t), t.plural)
    }
}

fn add_stored_paths(
    paths: &mut Map<String, Value>,
    t: &ResourceType,
    kind_ref: &str,
    components: &mut Components,
) {
    let list_ref = components.add_list(t, kind_ref);
    let collection = collection_path(t, t.is_namespaced());
    let mut collection_ops = vec![];
    if t.has_verb("list") {
        collection_ops.push(("get", operation(t, "list", "list", &list_ref, t.kind)));
    }
    if t.has_verb("create") {
        collection_ops.push(("post", operation(t, "create", "post", kind_ref, t.kind)));
    }
    if t.has_verb("deletecollection") {
        collection_ops.push((
            "delete",
            operation(
                t,
                "deletecollection",
                "deletecollection",
                &format!("{META}.Status"),
                t.kind,
            ),
        ));
    }
    paths.insert(collection.clone(), path_item(t, false, collection_ops));

    let mut item_ops = vec![];
    for (verb, method, action) in [
        ("get", "get", "get"),
        ("update", "put", "put"),
        ("patch", "patch", "patch"),
        ("delete", "delete", "delete"),
    ] {
        if t.has_verb(verb) {
            item_ops.push((method, operation(t, verb, action, kind_ref, t.kind)));
        }
    }
    paths.insert(
        format!("{collection}/{{name}}"),
        path_item(t, true, item_ops),
    );

    if t.is_namespaced() && t.has_verb("list") {
        let all = collection_path(t, false);
        paths.insert(
            all,
            path_item_without_namespace(vec![(
                "get",
                operation(t, "list", "list", &list_ref, t.kind),
            )]),
        );
    }
}

fn path_item(t: &ResourceType, named: bool, ops: Vec<(&str, Value)>) -> Value {
    let mut params = vec![];
    if named {
        params.push(json!({"name": "name", "in": "path", "required": true, "description": format!("name of the {}", t.kind), "schema": {"type": "string", "uniqueItems": true}}));
    }
    if t.is_namespaced() {
        params.push(json!({"name": "namespace", "in": "path", "required": true, "description": "object name and auth scope, such as for teams and projects", "schema": {"type": "string", "uniqueItems": true}}));
    }
    let mut item = path_item_without_namespace(ops);
    if let Some(map) = item.as_object_mut() {
        map.insert("parameters".into(), Value::Array(params));
    }
    item
}

fn path_item_without_namespace(ops: Vec<(&str, Value)>) -> Value {
    let mut item = Map::new();
    for (method, op) in ops {
        item.insert(method.to_string(), op);
    }
    Value::Object(item)
}

fn query(name: &str, description: &str, type_: &str) -> Value {
    json!({"name": name, "in": "query", "description": description, "schema": {"type": type_, "uniqueItems": true}})
}

fn write_parameters(patch: bool) -> Vec<Value> {
    let mut params = vec![
        query(
            "dryRun",
            "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed",
            "string",
        ),
        query(
            "fieldManager",
            "fieldManager is a name associated with the actor or entity that is making these changes.",
            "string",
        ),
        query(
            "fieldValidation",
            "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn (the default) - Strict",
            "string",
        ),
    ];
    if patch {
        params.push(query(
            "force",
            "Force is going to \"force\" Apply requests.",
            "boolean",
        ));
    }
    params
}

fn list_parameters(watch: bool) -> Vec<Value> {
    let mut params = vec![
        query(
            "allowWatchBookmarks",
            "allowWatchBookmarks requests watch events with type \"BOOKMARK\".",
            "boolean",
        ),
        query(
            "continue",
            "The continue option should be set when retrieving more results from the server.",
            "string",
        ),
        query(
            "fieldSelector",
            "A selector to restrict the list of returned objects by their fields. Defaults to everything.",
            "string",
        ),
        query(
            "labelSelector",
            "A selector to restrict the list of returned objects by their labels. Defaults to everything.",
            "string",
        ),
        query(
            "limit",
            "limit is a maximum number of responses to return for a list call.",
            "integer",
        ),
        query(
            "resourceVersion",
            "resourceVersion sets a constraint on what resource versions a request may be served from.",
            "string",
        ),
        query(
            "timeoutSeconds",
            "Timeout for the list/watch call.",
            "integer",
        ),
    ];
    if watch {
        params.push(query("watch", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.", "boolean"));
    }
    params
}

fn operation(t: &ResourceType, verb: &str, action: &str, response_ref: &str, kind: &str) -> Value {
    let scope = if t.is_namespaced() { "Namespaced" } else { "" };
    let group_part: String = t.group.split('.').map(capitalize).collect();
    let group_part = if t.group.is_empty() {
        "Core".to_string()
    } else {
        group_part
    };
    let operation_id = format!("{verb}{group_part}{}{scope}{kind}", capitalize(t.version));
    let parameters = match verb {
        "list" => list_parameters(true),
        "deletecollection" => {
            let mut p = list_parameters(false);
            p.push(query(
                "dryRun",
                "When present, indicates that modifications should not be persisted.",
                "string",
            ));
            p
        }
        "create" | "update" => write_parameters(false),
        "patch" => write_parameters(true),
        "delete" => vec![
            query(
                "dryRun",
                "When present, indicates that modifications should not be persisted.",
                "string",
            ),
            query(
                "gracePeriodSeconds",
                "The duration in seconds before the object should be deleted.",
                "integer",
            ),
            query(
                "propagationPolicy",
                "Whether and how garbage collection will be performed.",
                "string",
            ),
        ],
        _ => vec![],
    };
    let response = json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{response_ref}")}}}});
    let mut op = json!({
        "tags": [format!("{}{}", group_part.to_lowercase(), t.version)],
        "description": format!("{verb} {kind}"),
        "operationId": operation_id,
        "parameters": parameters,
        "responses": {"200": response},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": t.group, "version": t.version, "kind": kind},
    });
    let body = match verb {
        "create" | "update" => Some(
            json!({"content": {"*/*": {"schema": {"$ref": format!("#/components/schemas/{response_ref}")}}}, "required": true}),
        ),
        "patch" => {
            let patch = json!({"schema": {"$ref": format!("#/components/schemas/{META}.Patch")}});
            Some(json!({"content": {
                "application/apply-patch+yaml": patch,
                "application/json-patch+json": patch,
                "application/merge-patch+json": patch,
                "application/strategic-merge-patch+json": patch,
            }, "required": true}))
        }
        "delete" | "deletecollection" => Some(
            json!({"content": {"*/*": {"schema": {"$ref": format!("#/components/schemas/{META}.DeleteOptions")}}}}),
        ),
        _ => None,
    };
    if let (Some(body), Some(map)) = (body, op.as_object_mut()) {
        map.insert("requestBody".into(), body);
    }
    op
}

/// The component schemas of one document.
#[derive(Default)]
struct Components {
    schemas: Map<String, Value>,
}

impl Components {
    fn add_meta_types(&mut self) {
        self.schemas.insert(format!("{META}.ListMeta"), json!({
            "type": "object",
            "description": "ListMeta describes metadata that synthetic resources must have, including lists and various status objects.",
            "properties": {
                "continue": {"type": "string", "description": "continue may be set if the user set a limit on the number of items returned."},
                "remainingItemCount": {"type": "integer", "format": "int64", "description": "remainingItemCount is the number of subsequent items in the list which are not included in this list response."},
                "resourceVersion": {"type": "string", "description": "String that identifies the server's internal version of this object."},
                "selfLink": {"type": "string", "description": "Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."},
            }
        }));
        self.schemas.insert(format!("{META}.Patch"), json!({"type": "object", "description": "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body."}));
        self.schemas.insert(format!("{META}.Status"), json!({
            "type": "object",
            "description": "Status is a return value for calls that don't return other objects.",
            "properties": {
                "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                "code": {"type": "integer", "format": "int32"}, "message": {"type": "string"},
                "reason": {"type": "string"}, "status": {"type": "string"},
                "details": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "metadata": {"allOf": [{"$ref": format!("#/components/schemas/{META}.ListMeta")}], "default": {}},
            },
            "x-kubernetes-group-version-kind": [{"group": "", "kind": "Status", "version": "v1"}],
        }));
        self.schemas.insert(format!("{META}.DeleteOptions"), json!({
            "type": "object",
            "description": "DeleteOptions may be provided when deleting an API object.",
            "properties": {
                "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                "dryRun": {"type": "array", "items": {"type": "string", "default": ""}, "x-kubernetes-list-type": "atomic"},
                "gracePeriodSeconds": {"type": "integer", "format": "int64"},
                "orphanDependents": {"type": "boolean"},
                "preconditions": {"type": "object", "properties": {"resourceVersion": {"type": "string"}, "uid": {"type": "string"}}},
                "propagationPolicy": {"type": "string"},
            },
        }));
    }

    /// Adds a kind's schema and everything it references; returns its component name.
    fn add_kind(&mut self, t: &ResourceType) -> String {
        let schema = (t.schema)();
        let Some(object) = schema.as_object() else {
            return String::new();
        };
        let id = object.id.unwrap_or(t.kind).to_string();
        let mut doc = self.object_json(object);
        if let Some(map) = doc.as_object_mut() {
            map.insert(
                "x-kubernetes-group-version-kind".into(),
                json!([{"group": t.group, "kind": t.kind, "version": t.version}]),
            );
        }
        self.schemas.insert(id.clone(), doc);
        id
    }

    fn add_list(&mut self, t: &ResourceType, kind_ref: &str) -> String {
        let id = format!("{kind_ref}List");
        self.schemas.insert(id.clone(), json!({
            "type": "object",
            "description": format!("{} is a list of {} objects.", t.list_kind, t.kind),
            "required": ["items"],
            "properties": {
                "apiVersion": {"type": "string", "description": "APIVersion defines the versioned schema of this representation of an object."},
                "items": {"type": "array", "description": format!("Items is a list of {} objects.", t.kind), "items": {"allOf": [{"$ref": format!("#/components/schemas/{kind_ref}")}], "default": {}}},
                "kind": {"type": "string", "description": "Kind is a string value representing the REST resource this object represents."},
                "metadata": {"allOf": [{"$ref": format!("#/components/schemas/{META}.ListMeta")}], "default": {}, "description": "Standard list metadata."},
            },
            "x-kubernetes-group-version-kind": [{"group": t.group, "kind": t.list_kind, "version": t.version}],
        }));
        id
    }

    fn object_json(&mut self, object: &ObjectSchema) -> Value {
        let mut properties = Map::new();
        let mut required = vec![];
        for f in &object.fields {
            let mut prop = self.schema_json(&f.schema);
            if let Some(map) = prop.as_object_mut() {
                if map.contains_key("$ref") {
                    let reference = map.remove("$ref").unwrap_or_default();
                    map.insert("allOf".into(), json!([{"$ref": reference}]));
                    map.insert("default".into(), json!({}));
                }
                if !f.description.is_empty() {
                    map.insert("description".into(), f.description.into());
                }
            }
            properties.insert(f.name.to_string(), prop);
            if f.required {
                required.push(f.name);
            }
        }
        let mut doc = json!({"type": "object", "properties": properties});
        if let Some(map) = doc.as_object_mut() {
            if !object.description.is_empty() {
                map.insert("description".into(), object.description.into());
            }
            if !required.is_empty() {
                map.insert("required".into(), json!(required));
            }
        }
        doc
    }

    fn schema_json(&mut self, schema: &Schema) -> Value {
        match schema {
            Schema::String(StringFormat::Plain) => json!({"type": "string"}),
            Schema::String(StringFormat::DateTime) => {
                json!({"type": "string", "format": "date-time"})
            }
            Schema::String(StringFormat::Byte) => json!({"type": "string", "format": "byte"}),
            Schema::Integer(IntFormat::Int32) => json!({"type": "integer", "format": "int32"}),
            Schema::Integer(IntFormat::Int64) => json!({"type": "integer", "format": "int64"}),
            Schema::Boolean => json!({"type": "boolean"}),
            Schema::Any => json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
            Schema::Map(values) => {
                json!({"type": "object", "additionalProperties": self.schema_json(values)})
            }
            Schema::Array(items, list_type) => {
                let mut doc = json!({"type": "array", "items": self.schema_json(items)});
                if let Some(map) = doc.as_object_mut() {
                    match list_type {
                        ListType::Atomic => {
                            map.insert("x-kubernetes-list-type".into(), "atomic".into());
                        }
                        ListType::Set => {
                            map.insert("x-kubernetes-list-type".into(), "set".into());
                            map.insert("x-kubernetes-patch-strategy".into(), "merge".into());
                        }
                        ListType::Map(key) => {
                            map.insert("x-kubernetes-list-type".into(), "map".into());
                            map.insert("x-kubernetes-list-map-keys".into(), json!([key]));
                            map.insert("x-kubernetes-patch-merge-key".into(), (*key).into());
                            map.insert("x-kubernetes-patch-strategy".into(), "merge".into());
                        }
                    }
                }
                doc
            }
            Schema::Object(object) => match object.id {
                Some(id) => {
                    if !self.schemas.contains_key(id) {
                        // Insert a placeholder first so that recursive types terminate.
                        self.schemas.insert(id.to_string(), json!({}));
                        let doc = self.object_json(object);
                        self.schemas.insert(id.to_string(), doc);
                    }
                    json!({"$ref": format!("#/components/schemas/{id}")})
                }
                None => self.object_json(object),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::registry;

    #[test]
    fn every_editable_kind_has_a_patch_operation_with_field_validation() {
        let registry = registry();
        let doc = group_version_document(&registry, "", "v1").unwrap();
        let patch = &doc["paths"]["/api/v1/namespaces/{namespace}/configmaps/{name}"]["patch"];
        assert_eq!(
            patch["x-kubernetes-group-version-kind"]["kind"],
            "ConfigMap"
        );
        let names: Vec<&str> = patch["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"fieldValidation"));
        assert!(doc["paths"]["/api/v1/namespaces/{name}"]["patch"].is_object());
    }

    #[test]
    fn components_carry_kinds_with_their_gvk_and_referenced_types() {
        let registry = registry();
        let doc = group_version_document(&registry, "", "v1").unwrap();
        let schemas = &doc["components"]["schemas"];
        let sa = &schemas["io.k8s.api.core.v1.ServiceAccount"];
        assert_eq!(
            sa["x-kubernetes-group-version-kind"][0]["kind"],
            "ServiceAccount"
        );
        assert_eq!(
            sa["properties"]["metadata"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
        );
        assert_eq!(
            sa["properties"]["secrets"]["x-kubernetes-patch-merge-key"],
            "name"
        );
        assert!(
            schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]["labels"]
                .is_object()
        );
        assert!(group_version_document(&registry, "nope.example.com", "v1").is_none());
    }
}
