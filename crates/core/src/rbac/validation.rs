//! Validation of Roles, ClusterRoles and bindings as `pkg/apis/rbac/validation` does it, with
//! its field paths and words. `metadata` is validated elsewhere (names are path segments).
//! Bindings are validated after [`default_binding`](super::default_binding), as upstream
//! validates after defaulting.

use serde_json::Value;

use super::messages::go_syntax_list;
use super::objects::{
    CLUSTER_ROLE_KIND, GROUP_KIND, GROUP_NAME, ObjectError, PolicyRule, ROLE_KIND, RoleRef,
    SERVICE_ACCOUNT_KIND, Subject, USER_KIND, cluster_role_selectors_of, role_ref_of, rules_of,
    subjects_of,
};
use crate::go_fmt;
use crate::selector::LabelSelector;
use crate::validation::{
    FieldError, FieldErrorKind, is_dns1123_subdomain, is_qualified_name, is_valid_label_value,
    is_valid_path_segment_name, validate_labels,
};

/// The rules of a Role (`namespaced`) or ClusterRole.
pub fn validate_role(object: &Value, namespaced: bool) -> Vec<FieldError> {
    match rules_of(object) {
        Ok(rules) => rules
            .iter()
            .enumerate()
            .flat_map(|(i, rule)| validate_policy_rule(rule, namespaced, &format!("rules[{i}]")))
            .collect(),
        Err(e) => vec![unreadable(object, e)],
    }
}

/// A ClusterRole: its rules and its aggregationRule's selectors.
pub fn validate_cluster_role(object: &Value) -> Vec<FieldError> {
    let mut errs = validate_role(object, false);
    let Some(selectors) = cluster_role_selectors_of(object) else {
        return errs;
    };
    let base = "aggregationRule.clusterRoleSelectors";
    if selectors.is_empty() {
        errs.push(FieldError::required(
            base,
            "at least one clusterRoleSelector required if aggregationRule is non-nil",
        ));
    }
    for (i, selector) in selectors.iter().enumerate() {
        let path = format!("{base}[{i}]");
        errs.extend(validate_label_selector(selector, &path));
        if LabelSelector::from_json(selector).is_err() {
            errs.push(FieldError::invalid(
                path,
                Value::Null,
                "invalid label selector.",
            ));
        }
    }
    errs
}

/// One rule: verbs are required; URL rules are cluster-wide and hold nothing else; resource
/// rules need groups and resources.
pub fn validate_policy_rule(rule: &PolicyRule, namespaced: bool, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if rule.verbs.is_empty() {
        errs.push(FieldError::required(
            format!("{path}.verbs"),
            "verbs must contain at least one value",
        ));
    }
    if !rule.non_resource_urls.is_empty() {
        let field = format!("{path}.nonResourceURLs");
        if namespaced {
            errs.push(invalid_go_value(
                &field,
                &go_syntax_list(&rule.non_resource_urls),
                "namespaced rules cannot apply to non-resource URLs",
            ));
        }
        if !rule.api_groups.is_empty()
            || !rule.resources.is_empty()
            || !rule.resource_names.is_empty()
        {
            errs.push(invalid_go_value(
                &field,
                &go_syntax_list(&rule.non_resource_urls),
                "rules cannot apply to both regular resources and non-resource URLs",
            ));
        }
        return errs;
    }
    if rule.api_groups.is_empty() {
        errs.push(FieldError::required(
            format!("{path}.apiGroups"),
            "resource rules must supply at least one api group",
        ));
    }
    if rule.resources.is_empty() {
        errs.push(FieldError::required(
            format!("{path}.resources"),
            "resource rules must supply at least one resource",
        ));
    }
    errs
}

/// A RoleBinding (`namespaced`) or ClusterRoleBinding: its roleRef and subjects.
pub fn validate_binding(object: &Value, namespaced: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match role_ref_of(object) {
        Ok(role_ref) => errs.extend(validate_role_ref(&role_ref, namespaced)),
        Err(e) => errs.push(unreadable(object, e)),
    }
    match subjects_of(object) {
        Ok(subjects) => {
            for (i, subject) in subjects.iter().enumerate() {
                errs.extend(validate_subject(
                    subject,
                    namespaced,
                    &format!("subjects[{i}]"),
                ));
            }
        }
        Err(e) => errs.push(unreadable(object, e)),
    }
    errs
}

/// What an update of a binding may not do on top of [`validate_binding`]: change `roleRef`.
pub fn validate_binding_update(old: &Value, new: &Value) -> Vec<FieldError> {
    match (role_ref_of(old), role_ref_of(new)) {
        (Ok(old_ref), Ok(new_ref)) if old_ref != new_ref => vec![invalid_go_value(
            "roleRef",
            &format!(
                "rbac.RoleRef{{APIGroup:{}, Kind:{}, Name:{}}}",
                go_fmt::quote(&new_ref.api_group),
                go_fmt::quote(&new_ref.kind),
                go_fmt::quote(&new_ref.name)
            ),
            "cannot change roleRef",
        )],
        _ => Vec::new(),
    }
}

fn validate_role_ref(role_ref: &RoleRef, namespaced: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if role_ref.api_group != GROUP_NAME {
        errs.push(FieldError::not_supported(
            "roleRef.apiGroup",
            role_ref.api_group.as_str(),
            &[GROUP_NAME],
        ));
    }
    let kinds: &[&str] = if namespaced {
        &[ROLE_KIND, CLUSTER_ROLE_KIND]
    } else {
        &[CLUSTER_ROLE_KIND]
    };
    if !kinds.contains(&role_ref.kind.as_str()) {
        errs.push(FieldError::not_supported(
            "roleRef.kind",
            role_ref.kind.as_str(),
            kinds,
        ));
    }
    if role_ref.name.is_empty() {
        errs.push(FieldError::required("roleRef.name", ""));
    } else {
        for msg in is_valid_path_segment_name(&role_ref.name) {
            errs.push(FieldError::invalid(
                "roleRef.name",
                role_ref.name.as_str(),
                msg,
            ));
        }
    }
    errs
}

/// Upstream's `ValidateRoleBindingSubject`.
pub fn validate_subject(subject: &Subject, namespaced: bool, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if subject.name.is_empty() {
        errs.push(FieldError::required(format!("{path}.name"), ""));
    }
    match subject.kind.as_str() {
        SERVICE_ACCOUNT_KIND => {
            if !subject.name.is_empty() {
                for msg in is_dns1123_subdomain(&subject.name) {
                    errs.push(FieldError::invalid(
                        format!("{path}.name"),
                        subject.name.as_str(),
                        msg,
                    ));
                }
            }
            if !subject.api_group.is_empty() {
                errs.push(FieldError::not_supported(
                    format!("{path}.apiGroup"),
                    subject.api_group.as_str(),
                    &[""],
                ));
            }
            if !namespaced && subject.namespace.is_empty() {
                errs.push(FieldError::required(format!("{path}.namespace"), ""));
            }
        }
        USER_KIND | GROUP_KIND => {
            if subject.api_group != GROUP_NAME {
                errs.push(FieldError::not_supported(
                    format!("{path}.apiGroup"),
                    subject.api_group.as_str(),
                    &[GROUP_NAME],
                ));
            }
        }
        other => errs.push(FieldError::not_supported(
            format!("{path}.kind"),
            other,
            &[SERVICE_ACCOUNT_KIND, USER_KIND, GROUP_KIND],
        )),
    }
    errs
}

/// A structured `metav1.LabelSelector` as `ValidateLabelSelector` checks it (label values in
/// expressions must be valid).
pub fn validate_label_selector(selector: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    errs.extend(validate_labels(
        selector.get("matchLabels").and_then(Value::as_object),
        &format!("{path}.matchLabels"),
    ));
    let expressions = selector.get("matchExpressions").and_then(Value::as_array);
    for (i, expr) in expressions.into_iter().flatten().enumerate() {
        let at = format!("{path}.matchExpressions[{i}]");
        let text = |field: &str| expr.get(field).and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = expr
            .get("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().map(|s| s.as_str().unwrap_or("")).collect())
            .unwrap_or_default();
        match text("operator") {
            "In" | "NotIn" if values.is_empty() => errs.push(FieldError::required(
                format!("{at}.values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if !values.is_empty() => errs.push(FieldError::forbidden(
                format!("{at}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => errs.push(FieldError::invalid(
                format!("{at}.operator"),
                other,
                "not a valid selector operator",
            )),
        }
        let key = text("key");
        for msg in is_qualified_name(key) {
            errs.push(FieldError::invalid(format!("{at}.key"), key, msg));
        }
        for (j, value) in values.iter().enumerate() {
            for msg in is_valid_label_value(value) {
                errs.push(FieldError::invalid(
                    format!("{at}.values[{j}]"),
                    *value,
                    msg,
                ));
            }
        }
    }
    errs
}

/// An Invalid error whose value is printed as Go prints a value of a non-JSON type (`%#v`).
fn invalid_go_value(field: &str, go_value: &str, detail: &str) -> FieldError {
    FieldError::new(
        field,
        FieldErrorKind::Invalid,
        None,
        format!("{go_value}: {detail}"),
    )
}

/// A field that even the lenient reader cannot read (the structural decoder keeps these out).
fn unreadable(object: &Value, e: ObjectError) -> FieldError {
    let value = object.get(&e.field).cloned().unwrap_or(Value::Null);
    FieldError::invalid(e.field, value, e.message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn rules_are_validated_as_upstream() {
        let role = json!({"rules": [
            {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]},
            {"apiGroups": [""], "resources": ["pods"]},
            {"verbs": ["get"], "nonResourceURLs": ["/healthz", "/api/*"]},
            {"verbs": ["get"], "nonResourceURLs": ["/x"], "resources": ["pods"]},
            {"verbs": ["get"]},
            {"verbs": ["get"], "apiGroups": [""], "resources": ["pods", "secrets"], "resourceNames": ["a"]},
        ]});
        assert_eq!(
            messages(&validate_role(&role, true)),
            [
                "rules[1].verbs: Required value: verbs must contain at least one value",
                r#"rules[2].nonResourceURLs: Invalid value: []string{"/healthz", "/api/*"}: namespaced rules cannot apply to non-resource URLs"#,
                r#"rules[3].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs"#,
                r#"rules[3].nonResourceURLs: Invalid value: []string{"/x"}: rules cannot apply to both regular resources and non-resource URLs"#,
                "rules[4].apiGroups: Required value: resource rules must supply at least one api group",
                "rules[4].resources: Required value: resource rules must supply at least one resource",
            ]
        );
        assert_eq!(validate_role(&role, false).len(), 4);
        assert!(validate_role(&json!({}), true).is_empty());
        assert_eq!(validate_role(&json!({"rules": 5}), true)[0].field, "rules");
    }

    #[test]
    fn aggregation_selectors_must_be_valid() {
        assert!(
            validate_cluster_role(&json!({"aggregationRule": {"clusterRoleSelectors": [
            {"matchLabels": {"rbac.example.com/aggregate-to-view": "true"}}]}}))
            .is_empty()
        );
        assert_eq!(
            messages(&validate_cluster_role(&json!({"aggregationRule": {}}))),
            [
                "aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil"
            ]
        );
        let bad = json!({"aggregationRule": {"clusterRoleSelectors": [
            {"matchExpressions": [{"key": "a", "operator": "In"}, {"key": "b", "operator": "Exists", "values": ["x"]}, {"key": "c", "operator": "Near"}]},
        ]}});
        assert_eq!(
            messages(&validate_cluster_role(&bad)),
            [
                "aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                "aggregationRule.clusterRoleSelectors[0].matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                r#"aggregationRule.clusterRoleSelectors[0].matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator"#,
                "aggregationRule.clusterRoleSelectors[0]: Invalid value: null: invalid label selector.",
            ]
        );
        let bad_label =
            json!({"aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"a": "b c"}}]}});
        let errs = validate_cluster_role(&bad_label);
        assert_eq!(
            errs[0].field,
            "aggregationRule.clusterRoleSelectors[0].matchLabels"
        );
        assert_eq!(
            errs.last().map(|e| e.field.as_str()),
            Some("aggregationRule.clusterRoleSelectors[0]")
        );
    }

    #[test]
    fn bindings_are_validated_as_upstream() {
        let good = json!({
            "roleRef": {"apiGroup": GROUP_NAME, "kind": "Role", "name": "r"},
            "subjects": [
                {"kind": "User", "apiGroup": GROUP_NAME, "name": "alice"},
                {"kind": "Group", "apiGroup": GROUP_NAME, "name": "devs"},
                {"kind": "ServiceAccount", "name": "bot"},
            ],
        });
        assert!(validate_binding(&good, true).is_empty());
        assert_eq!(
            messages(&validate_binding(&good, false)),
            [
                r#"roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole""#,
                "subjects[2].namespace: Required value",
            ]
        );
        let bad = json!({
            "roleRef": {"apiGroup": "rbac", "kind": "Thing", "name": "a/b"},
            "subjects": [
                {"kind": "User", "name": ""},
                {"kind": "ServiceAccount", "apiGroup": GROUP_NAME, "name": "Bad_Name", "namespace": "ns"},
                {"kind": "Robot", "name": "r2"},
            ],
        });
        assert_eq!(
            messages(&validate_binding(&bad, true)),
            [
                r#"roleRef.apiGroup: Unsupported value: "rbac": supported values: "rbac.authorization.k8s.io""#,
                r#"roleRef.kind: Unsupported value: "Thing": supported values: "Role", "ClusterRole""#,
                r#"roleRef.name: Invalid value: "a/b": may not contain '/'"#,
                "subjects[0].name: Required value",
                r#"subjects[0].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io""#,
                r#"subjects[1].name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#,
                r#"subjects[1].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: """#,
                r#"subjects[2].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group""#,
            ]
        );
        assert_eq!(
            messages(&validate_binding(&json!({}), true)),
            [
                r#"roleRef.apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io""#,
                r#"roleRef.kind: Unsupported value: "": supported values: "Role", "ClusterRole""#,
                "roleRef.name: Required value",
            ]
        );
    }

    #[test]
    fn role_ref_is_immutable() {
        let old =
            json!({"roleRef": {"apiGroup": GROUP_NAME, "kind": "ClusterRole", "name": "view"}});
        assert!(validate_binding_update(&old, &old).is_empty());
        let new =
            json!({"roleRef": {"apiGroup": GROUP_NAME, "kind": "ClusterRole", "name": "edit"}});
        let errs = validate_binding_update(&old, &new);
        assert_eq!(
            messages(&errs),
            [
                r#"roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef"#
            ]
        );
        assert_eq!(errs[0].reason(), "FieldValueInvalid");
    }
}
