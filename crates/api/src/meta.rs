//! `meta/v1`: ObjectMeta's schema and accessors for objects held as JSON values.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::schema::{Schema, field, required};

/// Read access to the metadata of an object held as a JSON value.
pub trait ObjectExt {
    fn meta_str(&self, key: &str) -> Option<&str>;
    fn name(&self) -> Option<&str> {
        self.meta_str("name")
    }
    fn namespace(&self) -> Option<&str> {
        self.meta_str("namespace")
    }
    fn uid(&self) -> Option<&str> {
        self.meta_str("uid")
    }
    fn resource_version(&self) -> Option<&str> {
        self.meta_str("resourceVersion")
    }
    fn labels(&self) -> Option<&Map<String, Value>>;
}

impl ObjectExt for Value {
    fn meta_str(&self, key: &str) -> Option<&str> {
        self.get("metadata")?.get(key)?.as_str()
    }

    fn labels(&self) -> Option<&Map<String, Value>> {
        self.get("metadata")?.get("labels")?.as_object()
    }
}

/// The `metadata` object of `obj`, created if missing or not an object.
pub fn metadata_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.is_object() {
        *obj = Value::Object(Map::new());
    }
    let Value::Object(root) = obj else {
        unreachable!("made an object above")
    };
    let meta = root
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    match meta {
        Value::Object(m) => m,
        _ => unreachable!("made an object above"),
    }
}

pub const OBJECT_META_ID: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

pub fn object_meta() -> Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let owner_reference = Schema::named(
            "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
            "OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.",
            vec![
                required(
                    "apiVersion",
                    Schema::string(),
                    "API version of the referent.",
                ),
                required("kind", Schema::string(), "Kind of the referent."),
                required("name", Schema::string(), "Name of the referent."),
                required("uid", Schema::string(), "UID of the referent."),
                field(
                    "controller",
                    Schema::Boolean,
                    "If true, this reference points to the managing controller.",
                ),
                field(
                    "blockOwnerDeletion",
                    Schema::Boolean,
                    "If true, AND if the owner has the \"foregroundDeletion\" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.",
                ),
            ],
        );
        let managed_fields = Schema::named(
            "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry",
            "ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.",
            vec![
                field(
                    "apiVersion",
                    Schema::string(),
                    "APIVersion defines the version of this resource that this field set applies to.",
                ),
                field(
                    "fieldsType",
                    Schema::string(),
                    "FieldsType is the discriminator for the different fields format and version.",
                ),
                field(
                    "fieldsV1",
                    Schema::Any,
                    "FieldsV1 holds the first JSON version format as described in the \"FieldsV1\" type.",
                ),
                field(
                    "manager",
                    Schema::string(),
                    "Manager is an identifier of the workflow managing these fields.",
                ),
                field(
                    "operation",
                    Schema::string(),
                    "Operation is the type of operation which lead to this ManagedFieldsEntry being created.",
                ),
                field(
                    "subresource",
                    Schema::string(),
                    "Subresource is the name of the subresource used to update that object.",
                ),
                field(
                    "time",
                    Schema::date_time(),
                    "Time is the timestamp of when the ManagedFields entry was added.",
                ),
            ],
        );
        Schema::named(
            OBJECT_META_ID,
            "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
            vec![
                field(
                    "annotations",
                    Schema::string_map(),
                    "Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. They are not queryable and should be preserved when modifying objects.",
                ),
                field(
                    "creationTimestamp",
                    Schema::date_time(),
                    "CreationTimestamp is a timestamp representing the server time when this object was created. Populated by the system. Read-only.",
                ),
                field(
                    "deletionGracePeriodSeconds",
                    Schema::int64(),
                    "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Read-only.",
                ),
                field(
                    "deletionTimestamp",
                    Schema::date_time(),
                    "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. Read-only.",
                ),
                field(
                    "finalizers",
                    Schema::set_list(Schema::string()),
                    "Must be empty before the object is deleted from the registry.",
                ),
                field(
                    "generateName",
                    Schema::string(),
                    "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.",
                ),
                field(
                    "generation",
                    Schema::int64(),
                    "A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.",
                ),
                field(
                    "labels",
                    Schema::string_map(),
                    "Map of string keys and values that can be used to organize and categorize (scope and select) objects.",
                ),
                field(
                    "managedFields",
                    Schema::atomic_list(managed_fields),
                    "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.",
                ),
                field(
                    "name",
                    Schema::string(),
                    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Cannot be updated.",
                ),
                field(
                    "namespace",
                    Schema::string(),
                    "Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the \"default\" namespace, but \"default\" is the canonical representation. Cannot be updated.",
                ),
                field(
                    "ownerReferences",
                    Schema::keyed_list(owner_reference, "uid"),
                    "List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected.",
                ),
                field(
                    "resourceVersion",
                    Schema::string(),
                    "An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. Populated by the system. Read-only.",
                ),
                field(
                    "selfLink",
                    Schema::string(),
                    "Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.",
                ),
                field(
                    "uid",
                    Schema::string(),
                    "UID is the unique in time and space value for this object. Populated by the system. Read-only.",
                ),
            ],
        )
    });
    S.clone()
}

/// The `apiVersion`, `kind` and `metadata` fields every top-level object starts with.
pub fn type_and_object_meta() -> Vec<crate::schema::Field> {
    vec![
        field(
            "apiVersion",
            Schema::string(),
            "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.",
        ),
        field(
            "kind",
            Schema::string(),
            "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.",
        ),
        field("metadata", object_meta(), "Standard object's metadata."),
    ]
}
