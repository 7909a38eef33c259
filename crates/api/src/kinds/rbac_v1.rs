//! `rbac.authorization.k8s.io/v1`: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

use std::sync::LazyLock;

use serde_json::Value;

use crate::meta::type_and_object_meta;
use crate::registry::{AGE_COLUMN, Cell, Column, NAME_COLUMN, NameRule, ResourceType, Scope};
use crate::schema::{Schema, field, required};

pub const GROUP: &str = "rbac.authorization.k8s.io";
const CATEGORIES: &[&str] = &[];

const CREATED_AT_COLUMN: Column = Column {
    name: "Created At",
    type_: "date",
    format: "",
    description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
    priority: 0,
    cell: Cell::Computed(created_at),
};

const BINDING_COLUMNS: &[Column] = &[
    NAME_COLUMN,
    Column {
        name: "Role",
        type_: "string",
        format: "",
        description: "RoleRef is the reference to the role that this binding grants.",
        priority: 0,
        cell: Cell::Computed(role_of_binding),
    },
    AGE_COLUMN,
    Column {
        name: "Users",
        type_: "string",
        format: "",
        description: "Users in the roleBinding",
        priority: 1,
        cell: Cell::Computed(users_of_binding),
    },
    Column {
        name: "Groups",
        type_: "string",
        format: "",
        description: "Groups in the roleBinding",
        priority: 1,
        cell: Cell::Computed(groups_of_binding),
    },
    Column {
        name: "ServiceAccounts",
        type_: "string",
        format: "",
        description: "ServiceAccounts in the roleBinding",
        priority: 1,
        cell: Cell::Computed(service_accounts_of_binding),
    },
];

pub static ROLES: ResourceType = ResourceType {
    categories: CATEGORIES,
    columns: &[NAME_COLUMN, CREATED_AT_COLUMN],
    name_rule: NameRule::PathSegment,
    ..ResourceType::new(
        GROUP,
        "v1",
        "Role",
        "RoleList",
        "roles",
        "role",
        Scope::Namespaced,
        role_schema,
    )
};

pub static CLUSTER_ROLES: ResourceType = ResourceType {
    categories: CATEGORIES,
    columns: &[NAME_COLUMN, CREATED_AT_COLUMN],
    name_rule: NameRule::PathSegment,
    ..ResourceType::new(
        GROUP,
        "v1",
        "ClusterRole",
        "ClusterRoleList",
        "clusterroles",
        "clusterrole",
        Scope::Cluster,
        cluster_role_schema,
    )
};

pub static ROLE_BINDINGS: ResourceType = ResourceType {
    categories: CATEGORIES,
    columns: BINDING_COLUMNS,
    name_rule: NameRule::PathSegment,
    ..ResourceType::new(
        GROUP,
        "v1",
        "RoleBinding",
        "RoleBindingList",
        "rolebindings",
        "rolebinding",
        Scope::Namespaced,
        role_binding_schema,
    )
};

pub static CLUSTER_ROLE_BINDINGS: ResourceType = ResourceType {
    categories: CATEGORIES,
    columns: BINDING_COLUMNS,
    name_rule: NameRule::PathSegment,
    ..ResourceType::new(
        GROUP,
        "v1",
        "ClusterRoleBinding",
        "ClusterRoleBindingList",
        "clusterrolebindings",
        "clusterrolebinding",
        Scope::Cluster,
        cluster_role_binding_schema,
    )
};

fn created_at(obj: &Value) -> Value {
    obj.pointer("/metadata/creationTimestamp")
        .cloned()
        .unwrap_or(Value::String(String::new()))
}

fn role_of_binding(obj: &Value) -> Value {
    let part = |k: &str| {
        obj.pointer(&format!("/roleRef/{k}"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Value::String(format!("{}/{}", part("kind"), part("name")))
}

/// The subjects of one kind, as upstream prints them: `ns/name` for ServiceAccounts, with an
/// empty `ns` when the subject leaves it to the binding (`/name`), as `SubjectsStrings` does.
fn subjects_of_kind(obj: &Value, kind: &str) -> Value {
    let names: Vec<String> = obj
        .get("subjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|s| s.get("kind").and_then(Value::as_str) == Some(kind))
        .map(|s| {
            let name = s.get("name").and_then(Value::as_str).unwrap_or_default();
            if kind == "ServiceAccount" {
                let namespace = s.get("namespace").and_then(Value::as_str).unwrap_or("");
                format!("{namespace}/{name}")
            } else {
                name.to_string()
            }
        })
        .collect();
    Value::String(names.join(", "))
}

fn users_of_binding(obj: &Value) -> Value {
    subjects_of_kind(obj, "User")
}

fn groups_of_binding(obj: &Value) -> Value {
    subjects_of_kind(obj, "Group")
}

fn service_accounts_of_binding(obj: &Value) -> Value {
    subjects_of_kind(obj, "ServiceAccount")
}

fn policy_rule() -> Schema {
    Schema::named(
        "io.k8s.api.rbac.v1.PolicyRule",
        "PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to or which namespace the rule applies to.",
        vec![
            field(
                "apiGroups",
                Schema::string_list(),
                "APIGroups is the name of the APIGroup that contains the resources. If multiple API groups are specified, any action requested against one of the enumerated resources in any API group will be allowed. \"\" represents the core API group and \"*\" represents all API groups.",
            ),
            field(
                "nonResourceURLs",
                Schema::string_list(),
                "NonResourceURLs is a set of partial urls that a user should have access to. *s are allowed, but only as the full, final step in the path. Rules can either apply to API resources (such as \"pods\" or \"secrets\") or non-resource URL paths (such as \"/api\"), but not both.",
            ),
            field(
                "resourceNames",
                Schema::string_list(),
                "ResourceNames is an optional white list of names that the rule applies to. An empty set means that everything is allowed.",
            ),
            field(
                "resources",
                Schema::string_list(),
                "Resources is a list of resources this rule applies to. '*' represents all resources.",
            ),
            required(
                "verbs",
                Schema::string_list(),
                "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' represents all verbs.",
            ),
        ],
    )
}

/// `meta/v1` LabelSelector, as aggregation rules use it.
pub fn label_selector() -> Schema {
    let requirement = Schema::named(
        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
        "A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.",
        vec![
            required(
                "key",
                Schema::string(),
                "key is the label key that the selector applies to.",
            ),
            required(
                "operator",
                Schema::string(),
                "operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist.",
            ),
            field(
                "values",
                Schema::string_list(),
                "values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty.",
            ),
        ],
    );
    Schema::named(
        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
        "A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects.",
        vec![
            field(
                "matchExpressions",
                Schema::atomic_list(requirement),
                "matchExpressions is a list of label selector requirements. The requirements are ANDed.",
            ),
            field(
                "matchLabels",
                Schema::string_map(),
                "matchLabels is a map of {key,value} pairs.",
            ),
        ],
    )
}

fn role_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let mut fields = type_and_object_meta();
        fields.push(field(
            "rules",
            Schema::atomic_list(policy_rule()),
            "Rules holds all the PolicyRules for this Role",
        ));
        Schema::named(
            "io.k8s.api.rbac.v1.Role",
            "Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.",
            fields,
        )
    });
    &S
}

fn cluster_role_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        let aggregation = Schema::named(
            "io.k8s.api.rbac.v1.AggregationRule",
            "AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole",
            vec![field(
                "clusterRoleSelectors",
                Schema::atomic_list(label_selector()),
                "ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules. If any of the selectors match, then the ClusterRole's permissions will be added",
            )],
        );
        let mut fields = type_and_object_meta();
        fields.push(field("aggregationRule", aggregation, "AggregationRule is an optional field that describes how to build the Rules for this ClusterRole. If AggregationRule is set, then the Rules are controller managed and direct changes to Rules will be stomped by the controller."));
        fields.push(field(
            "rules",
            Schema::atomic_list(policy_rule()),
            "Rules holds all the PolicyRules for this ClusterRole",
        ));
        Schema::named(
            "io.k8s.api.rbac.v1.ClusterRole",
            "ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.",
            fields,
        )
    });
    &S
}

fn binding_fields() -> Vec<crate::schema::Field> {
    let role_ref = Schema::named(
        "io.k8s.api.rbac.v1.RoleRef",
        "RoleRef contains information that points to the role being used",
        vec![
            required(
                "apiGroup",
                Schema::string(),
                "APIGroup is the group for the resource being referenced",
            ),
            required(
                "kind",
                Schema::string(),
                "Kind is the type of resource being referenced",
            ),
            required(
                "name",
                Schema::string(),
                "Name is the name of resource being referenced",
            ),
        ],
    );
    let subject = Schema::named(
        "io.k8s.api.rbac.v1.Subject",
        "Subject contains a reference to the object or user identities a role binding applies to. This can either hold a direct API object reference, or a value for non-objects such as user and group names.",
        vec![
            field(
                "apiGroup",
                Schema::string(),
                "APIGroup holds the API group of the referenced subject. Defaults to \"\" for ServiceAccount subjects. Defaults to \"rbac.authorization.k8s.io\" for User and Group subjects.",
            ),
            required(
                "kind",
                Schema::string(),
                "Kind of object being referenced. Values defined by this API group are \"User\", \"Group\", and \"ServiceAccount\".",
            ),
            required(
                "name",
                Schema::string(),
                "Name of the object being referenced.",
            ),
            field(
                "namespace",
                Schema::string(),
                "Namespace of the referenced object. If the object kind is non-namespace, such as \"User\" or \"Group\", and this value is not empty the Authorizer should report an error.",
            ),
        ],
    );
    let mut fields = type_and_object_meta();
    fields.push(required("roleRef", role_ref, "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable."));
    fields.push(field(
        "subjects",
        Schema::atomic_list(subject),
        "Subjects holds references to the objects the role applies to.",
    ));
    fields
}

fn role_binding_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        Schema::named(
            "io.k8s.api.rbac.v1.RoleBinding",
            "RoleBinding references a role, but does not contain it. It can reference a Role in the same namespace or a ClusterRole in the global namespace. It adds who information via Subjects and namespace information by which namespace it exists in.",
            binding_fields(),
        )
    });
    &S
}

fn cluster_role_binding_schema() -> &'static Schema {
    static S: LazyLock<Schema> = LazyLock::new(|| {
        Schema::named(
            "io.k8s.api.rbac.v1.ClusterRoleBinding",
            "ClusterRoleBinding references a ClusterRole, but not contain it. It can reference a ClusterRole in the global namespace, and adds who information via Subject.",
            binding_fields(),
        )
    });
    &S
}
