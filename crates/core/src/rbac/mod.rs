//! Kubernetes RBAC, pure: the typed objects, their validation, rule matching with upstream's
//! exact semantics, the authorizer index (bindings by subject and namespace, so a decision
//! costs the same with 10 bindings or 100,000), the linear reference authorizer, escalation
//! checks, ClusterRole aggregation, and the texts kube-apiserver prints.

mod aggregation;
mod decision;
mod escalation;
mod index;
mod kind_rules;
mod linear;
mod messages;
mod objects;
mod policy;
mod rules;
mod subjects;
mod validation;

#[cfg(test)]
mod authorizer_tests;
#[cfg(test)]
mod properties;

pub use aggregation::{aggregate_rules, aggregation_selectors};
pub use decision::{Decision, aggregate_errors};
pub use escalation::{
    AGGREGATION_RULE_FORBIDDEN, bind_attributes, breakdown_rule, compact_rules, covers,
    escalate_attributes, escalation_message, escalation_message_with_errors, full_authority,
    has_full_authority,
};
pub use index::AuthorizerIndex;
pub use kind_rules::{
    BindingRules, CLUSTER_ROLE_BINDING_RULES, ClusterRoleRules, ROLE_BINDING_RULES, RoleRules,
};
pub use linear::LinearAuthorizer;
pub use messages::{compact_string, forbidden_message, forbidden_reason};
pub use objects::{
    CLUSTER_ROLE_KIND, GROUP_KIND, GROUP_NAME, ObjectError, PolicyRule, ROLE_KIND, RoleRef,
    SERVICE_ACCOUNT_KIND, SERVICE_ACCOUNT_USERNAME_PREFIX, Subject, USER_KIND,
    cluster_role_selectors_of, default_binding, labels_of, name_and_namespace_of, role_ref_of,
    rules_of, subjects_of,
};
pub use policy::{PolicyUpdates, RbacKind};
pub use rules::{
    API_GROUP_ALL, NON_RESOURCE_ALL, RESOURCE_ALL, RequestAttributes, VERB_ALL, api_group_matches,
    non_resource_url_matches, resource_matches, resource_name_matches, rule_allows, rules_allow,
    verb_matches,
};
pub use subjects::{applies_to_user, describe_subject, first_applicable, service_account_username};
pub use validation::{
    validate_binding, validate_binding_update, validate_cluster_role, validate_label_selector,
    validate_policy_rule, validate_role, validate_subject,
};
