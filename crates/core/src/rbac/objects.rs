//! The RBAC objects as the hub stores them (rbac.authorization.k8s.io/v1 JSON), typed.
//!
//! Reading is lenient in the way Go's decoder is: a `null` list is an empty list and a `null`
//! string is an empty string, so anything that passed the structural decoder can be read.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// The RBAC API group.
pub const GROUP_NAME: &str = "rbac.authorization.k8s.io";
pub const USER_KIND: &str = "User";
pub const GROUP_KIND: &str = "Group";
pub const SERVICE_ACCOUNT_KIND: &str = "ServiceAccount";
pub const ROLE_KIND: &str = "Role";
pub const CLUSTER_ROLE_KIND: &str = "ClusterRole";

/// The username prefix of ServiceAccounts: `system:serviceaccount:NS:NAME`.
pub const SERVICE_ACCOUNT_USERNAME_PREFIX: &str = "system:serviceaccount:";

/// One rule of a Role or ClusterRole.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PolicyRule {
    #[serde(deserialize_with = "string_list")]
    pub verbs: Vec<String>,
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "string_list"
    )]
    pub api_groups: Vec<String>,
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "string_list"
    )]
    pub resources: Vec<String>,
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "string_list"
    )]
    pub resource_names: Vec<String>,
    #[serde(
        rename = "nonResourceURLs",
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "string_list"
    )]
    pub non_resource_urls: Vec<String>,
}

impl PolicyRule {
    /// A resource rule: `verbs` on `resources` in `api_groups`.
    pub fn resource(verbs: &[&str], api_groups: &[&str], resources: &[&str]) -> PolicyRule {
        PolicyRule {
            verbs: owned(verbs),
            api_groups: owned(api_groups),
            resources: owned(resources),
            ..PolicyRule::default()
        }
    }

    /// A non-resource rule: `verbs` on `urls`.
    pub fn non_resource(verbs: &[&str], urls: &[&str]) -> PolicyRule {
        PolicyRule {
            verbs: owned(verbs),
            non_resource_urls: owned(urls),
            ..PolicyRule::default()
        }
    }

    /// The same rule restricted to `names`.
    pub fn with_names(mut self, names: &[&str]) -> PolicyRule {
        self.resource_names = owned(names);
        self
    }
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

/// Who a binding grants its role to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Subject {
    #[serde(deserialize_with = "nullable")]
    pub kind: String,
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "nullable"
    )]
    pub api_group: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "nullable"
    )]
    pub namespace: String,
}

impl Subject {
    pub fn user(name: &str) -> Subject {
        Subject {
            kind: USER_KIND.into(),
            api_group: GROUP_NAME.into(),
            name: name.into(),
            namespace: String::new(),
        }
    }

    pub fn group(name: &str) -> Subject {
        Subject {
            kind: GROUP_KIND.into(),
            api_group: GROUP_NAME.into(),
            name: name.into(),
            namespace: String::new(),
        }
    }

    /// A ServiceAccount; an empty `namespace` means the RoleBinding's own.
    pub fn service_account(namespace: &str, name: &str) -> Subject {
        Subject {
            kind: SERVICE_ACCOUNT_KIND.into(),
            api_group: String::new(),
            name: name.into(),
            namespace: namespace.into(),
        }
    }
}

/// The role a binding grants.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoleRef {
    #[serde(deserialize_with = "nullable")]
    pub api_group: String,
    #[serde(deserialize_with = "nullable")]
    pub kind: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
}

impl RoleRef {
    pub fn cluster_role(name: &str) -> RoleRef {
        RoleRef {
            api_group: GROUP_NAME.into(),
            kind: CLUSTER_ROLE_KIND.into(),
            name: name.into(),
        }
    }

    pub fn role(name: &str) -> RoleRef {
        RoleRef {
            api_group: GROUP_NAME.into(),
            kind: ROLE_KIND.into(),
            name: name.into(),
        }
    }
}

/// A field of a stored object that cannot be read as its RBAC type; the message is Go's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ObjectError {
    pub field: String,
    pub message: String,
}

/// The `rules` of a Role or ClusterRole.
pub fn rules_of(object: &Value) -> Result<Vec<PolicyRule>, ObjectError> {
    read_field(object, "rules")
}

/// The `subjects` of a RoleBinding or ClusterRoleBinding.
pub fn subjects_of(object: &Value) -> Result<Vec<Subject>, ObjectError> {
    read_field(object, "subjects")
}

/// The `roleRef` of a RoleBinding or ClusterRoleBinding.
pub fn role_ref_of(object: &Value) -> Result<RoleRef, ObjectError> {
    read_field(object, "roleRef")
}

/// The raw `aggregationRule.clusterRoleSelectors` of a ClusterRole, `None` without an
/// aggregationRule (a `null` one counts as absent, as in Go).
pub fn cluster_role_selectors_of(object: &Value) -> Option<Vec<Value>> {
    match object.get("aggregationRule") {
        None | Some(Value::Null) => None,
        Some(rule) => Some(match rule.get("clusterRoleSelectors") {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        }),
    }
}

/// `metadata.labels` of an object.
pub fn labels_of(object: &Value) -> Option<&Map<String, Value>> {
    object.get("metadata")?.get("labels")?.as_object()
}

/// `metadata.name` and `metadata.namespace` of an object (empty when absent).
pub fn name_and_namespace_of(object: &Value) -> (&str, &str) {
    let meta = object.get("metadata");
    let get = |k: &str| meta.and_then(|m| m.get(k)).and_then(Value::as_str);
    (get("name").unwrap_or(""), get("namespace").unwrap_or(""))
}

fn read_field<T: Default + for<'de> Deserialize<'de>>(
    object: &Value,
    field: &str,
) -> Result<T, ObjectError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(value) => T::deserialize(value).map_err(|e| ObjectError {
            field: field.to_string(),
            message: e.to_string(),
        }),
    }
}

/// Sets what kube-apiserver defaults in a RoleBinding or ClusterRoleBinding before it
/// validates: `roleRef.apiGroup`, and each subject's `apiGroup` by its kind.
pub fn default_binding(object: &mut Value) {
    if let Some(role_ref) = object.get_mut("roleRef").and_then(Value::as_object_mut) {
        let empty = role_ref
            .get("apiGroup")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        if empty {
            role_ref.insert("apiGroup".into(), Value::from(GROUP_NAME));
        }
    }
    let Some(subjects) = object.get_mut("subjects").and_then(Value::as_array_mut) else {
        return;
    };
    for subject in subjects.iter_mut().filter_map(Value::as_object_mut) {
        let empty = subject
            .get("apiGroup")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        let kind = subject.get("kind").and_then(Value::as_str).unwrap_or("");
        if empty && (kind == USER_KIND || kind == GROUP_KIND) {
            subject.insert("apiGroup".into(), Value::from(GROUP_NAME));
        }
    }
}

/// A `null` reads as the type's zero value, as Go's decoder leaves it.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A list of strings where the list or any item may be `null`.
fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let items = Option::<Vec<Option<String>>>::deserialize(d)?;
    Ok(items
        .unwrap_or_default()
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_kubernetes_json_names() {
        let role = json!({"rules": [
            {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"]},
            {"verbs": ["get"], "nonResourceURLs": ["/healthz"]},
            {"verbs": null, "apiGroups": [null]},
        ]});
        let rules = rules_of(&role).expect("rules");
        assert_eq!(
            rules[0],
            PolicyRule::resource(&["get"], &[""], &["pods"]).with_names(&["a"])
        );
        assert_eq!(rules[1], PolicyRule::non_resource(&["get"], &["/healthz"]));
        assert_eq!(
            rules[2],
            PolicyRule {
                api_groups: vec![String::new()],
                ..Default::default()
            }
        );
        assert_eq!(
            serde_json::to_value(&rules[1]).expect("json"),
            json!({"verbs": ["get"], "nonResourceURLs": ["/healthz"]})
        );

        let binding = json!({
            "roleRef": {"apiGroup": GROUP_NAME, "kind": "ClusterRole", "name": "view"},
            "subjects": [{"kind": "ServiceAccount", "name": "bot", "namespace": "ns"}, {"kind": "User", "name": "alice", "apiGroup": null}],
        });
        assert_eq!(
            role_ref_of(&binding).expect("roleRef"),
            RoleRef::cluster_role("view")
        );
        let subjects = subjects_of(&binding).expect("subjects");
        assert_eq!(subjects[0], Subject::service_account("ns", "bot"));
        assert_eq!(subjects[1].api_group, "");
        assert!(subjects_of(&json!({})).expect("none").is_empty());
        assert!(rules_of(&json!({"rules": "x"})).is_err());
        assert!(rules_of(&json!({"rules": [{"verbs": [1]}]})).is_err());
    }

    #[test]
    fn defaults_api_groups_as_kube_apiserver() {
        let mut b = json!({
            "roleRef": {"kind": "ClusterRole", "name": "view"},
            "subjects": [{"kind": "User", "name": "a"}, {"kind": "Group", "name": "g", "apiGroup": ""},
                         {"kind": "ServiceAccount", "name": "s"}, {"kind": "Other", "name": "o"}, 7],
        });
        default_binding(&mut b);
        assert_eq!(b["roleRef"]["apiGroup"], GROUP_NAME);
        assert_eq!(b["subjects"][0]["apiGroup"], GROUP_NAME);
        assert_eq!(b["subjects"][1]["apiGroup"], GROUP_NAME);
        assert!(b["subjects"][2].get("apiGroup").is_none());
        assert!(b["subjects"][3].get("apiGroup").is_none());
    }

    #[test]
    fn aggregation_selectors_and_metadata() {
        let cr = json!({"metadata": {"name": "agg", "labels": {"a": "b"}},
            "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"x": "y"}}]}});
        assert_eq!(cluster_role_selectors_of(&cr).map(|s| s.len()), Some(1));
        assert_eq!(
            cluster_role_selectors_of(&json!({"aggregationRule": null})),
            None
        );
        assert_eq!(
            cluster_role_selectors_of(&json!({"aggregationRule": {}})),
            Some(vec![])
        );
        assert_eq!(name_and_namespace_of(&cr), ("agg", ""));
        assert!(labels_of(&cr).is_some());
    }
}
