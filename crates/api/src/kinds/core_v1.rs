//! The core group (`v1`): namespaces, serviceaccounts, configmaps.

use std::sync::LazyLock;

use serde_json::Value;

use crate::meta::type_and_object_meta;
use crate::registry::{
    AGE_COLUMN, Cell, Column, NAME_COLUMN, NameRule, ResourceType, Scope, SubresourceType,
};
use crate::schema::{Schema, field};

pub static NAMESPACES: ResourceType = ResourceType {
    short_names: &["ns"],
    verbs: &[
        "create", "delete", "get", "list", "patch", "update", "watch",
    ],
    columns: &[
        NAME_COLUMN,
        Column {
            name: "Status",
            type_: "string",
            format: "",
            description: "The status of the namespace",
            priority: 0,
            cell: Cell::Computed(namespace_phase),
        },
        AGE_COLUMN,
    ],
    name_rule: NameRule::Dns1123Label,
    ..ResourceType::new(
        "",
        "v1",
        "Namespace",
        "NamespaceList",
        "namespaces",
        "namespace",
        Scope::Cluster,
        namespace_schema,
    )
};

pub static SERVICE_ACCOUNTS: ResourceType = ResourceType {
    short_names: &["sa"],
    subresources: &[SubresourceType {
        name: "token",
        group: "authentication.k8s.io",
        version: "v1",
        kind: "TokenRequest",
        verbs: &["create"],
    }],
    columns: &[
        NAME_COLUMN,
        Column {
            name: "Secrets",
            type_: "integer",
            format: "",
            description: "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
            priority: 0,
            cell: Cell::Computed(secret_count),
        },
        AGE_COLUMN,
    ],
    ..ResourceType::new(
        "",
        "v1",
        "ServiceAccount",
        "ServiceAccountList",
        "serviceaccounts",
        "serviceaccount",
        Scope::Namespaced,
        service_account_schema,
    )
};

pub static CONFIG_MAPS: ResourceType = ResourceType {
    short_names: &["cm"],
    columns: &[
        NAME_COLUMN,
        Column {
            name: "Data",
            type_: "integer",
            format: "",
            description: "Data contains the configuration data.",
            priority: 0,
            cell: Cell::Computed(data_count),
        },
        AGE_COLUMN,
    ],
    ..ResourceType::new(
        "",
        "v1",
        "ConfigMap",
        "ConfigMapList",
        "configmaps",
        "configmap",
        Scope::Namespaced,
        config_map_schema,
    )
};

fn namespace_phase(obj: &Value) -> Value {
    obj.pointer("/status/phase")
        .cloned()
        .unwrap_or(Value::String(String::new()))
}

fn secret_count(obj: &Value) -> Value {
    let n = obj
        .get("secrets")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    Value::from(n)
}

fn data_count(obj: &Value) -> Value {
    let len = |key: &str| {
        obj.get(key)
            .and_then(Value::as_object)
            .map_or(0, |m| m.len())
    };
    Value::from(len("data") + len("binaryData"))
}

fn namespace_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let condition = Schema::named(
            "io.k8s.api.core.v1.NamespaceCondition",
            "NamespaceCondition contains details about state of namespace.",
            vec![
                field(
                    "lastTransitionTime",
                    Schema::date_time(),
                    "Last time the condition transitioned from one status to another.",
                ),
                field(
                    "message",
                    Schema::string(),
                    "Human-readable message indicating details about last transition.",
                ),
                field(
                    "reason",
                    Schema::string(),
                    "Unique, one-word, CamelCase reason for the condition's last transition.",
                ),
                field(
                    "status",
                    Schema::string(),
                    "Status of the condition, one of True, False, Unknown.",
                ),
                field(
                    "type",
                    Schema::string(),
                    "Type of namespace controller condition.",
                ),
            ],
        );
        let mut fields = type_and_object_meta();
        fields.push(field(
            "spec",
            Schema::named(
                "io.k8s.api.core.v1.NamespaceSpec",
                "NamespaceSpec describes the attributes on a Namespace.",
                vec![field("finalizers", Schema::string_list(), "Finalizers is an opaque list of values that must be empty to permanently remove object from storage.")],
            ),
            "Spec defines the behavior of the Namespace.",
        ));
        fields.push(field(
            "status",
            Schema::named(
                "io.k8s.api.core.v1.NamespaceStatus",
                "NamespaceStatus is information about the current status of a Namespace.",
                vec![
                    field("conditions", Schema::keyed_list(condition, "type"), "Represents the latest available observations of a namespace's current state."),
                    field("phase", Schema::string(), "Phase is the current lifecycle phase of the namespace."),
                ],
            ),
            "Status describes the current status of a Namespace.",
        ));
        Schema::named(
            "io.k8s.api.core.v1.Namespace",
            "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
            fields,
        )
    });
    &S
}

fn object_reference() -> Schema {
    Schema::named(
        "io.k8s.api.core.v1.ObjectReference",
        "ObjectReference contains enough information to let you inspect or modify the referred object.",
        vec![
            field(
                "apiVersion",
                Schema::string(),
                "API version of the referent.",
            ),
            field(
                "fieldPath",
                Schema::string(),
                "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.",
            ),
            field("kind", Schema::string(), "Kind of the referent."),
            field("name", Schema::string(), "Name of the referent."),
            field("namespace", Schema::string(), "Namespace of the referent."),
            field(
                "resourceVersion",
                Schema::string(),
                "Specific resourceVersion to which this reference is made, if any.",
            ),
            field("uid", Schema::string(), "UID of the referent."),
        ],
    )
}

fn service_account_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let local_reference = Schema::named(
            "io.k8s.api.core.v1.LocalObjectReference",
            "LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.",
            vec![field("name", Schema::string(), "Name of the referent.")],
        );
        let mut fields = type_and_object_meta();
        fields.extend([
            field("automountServiceAccountToken", Schema::Boolean, "AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted."),
            field("imagePullSecrets", Schema::atomic_list(local_reference), "ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount."),
            field("secrets", Schema::keyed_list(object_reference(), "name"), "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
        ]);
        Schema::named(
            "io.k8s.api.core.v1.ServiceAccount",
            "ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets",
            fields,
        )
    });
    &S
}

fn config_map_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let mut fields = type_and_object_meta();
        fields.extend([
            field("binaryData", Schema::map_of(Schema::bytes()), "BinaryData contains the binary data. Each key must consist of alphanumeric characters, '-', '_' or '.'. BinaryData can contain byte sequences that are not in the UTF-8 range."),
            field("data", Schema::string_map(), "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
            field("immutable", Schema::Boolean, "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified)."),
        ]);
        Schema::named(
            "io.k8s.api.core.v1.ConfigMap",
            "ConfigMap holds configuration data for pods to consume.",
            fields,
        )
    });
    &S
}
