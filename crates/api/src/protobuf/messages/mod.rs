//! The descriptor tables of every kind kubectl may send as protobuf, one file per API group,
//! and the lookup from the envelope's (apiVersion, kind) to its table.

mod authentication_v1;
mod authorization_v1;
mod core_v1;
mod meta_v1;
mod rbac_v1;

use super::schema::Message;

/// Every kind the decoder understands, keyed by the envelope's apiVersion and kind.
static KINDS: &[(&str, &str, &Message)] = &[
    ("v1", "ServiceAccount", &core_v1::SERVICE_ACCOUNT),
    ("v1", "Namespace", &core_v1::NAMESPACE),
    ("v1", "ConfigMap", &core_v1::CONFIG_MAP),
    ("v1", "Secret", &core_v1::SECRET),
    ("rbac.authorization.k8s.io/v1", "Role", &rbac_v1::ROLE),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        &rbac_v1::CLUSTER_ROLE,
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        &rbac_v1::ROLE_BINDING,
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        &rbac_v1::CLUSTER_ROLE_BINDING,
    ),
    (
        "authentication.k8s.io/v1",
        "TokenRequest",
        &authentication_v1::TOKEN_REQUEST,
    ),
    (
        "authentication.k8s.io/v1",
        "TokenReview",
        &authentication_v1::TOKEN_REVIEW,
    ),
    (
        "authentication.k8s.io/v1",
        "SelfSubjectReview",
        &authentication_v1::SELF_SUBJECT_REVIEW,
    ),
    (
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
        &authorization_v1::SELF_SUBJECT_ACCESS_REVIEW,
    ),
    (
        "authorization.k8s.io/v1",
        "SubjectAccessReview",
        &authorization_v1::SUBJECT_ACCESS_REVIEW,
    ),
    (
        "authorization.k8s.io/v1",
        "LocalSubjectAccessReview",
        &authorization_v1::LOCAL_SUBJECT_ACCESS_REVIEW,
    ),
    (
        "authorization.k8s.io/v1",
        "SelfSubjectRulesReview",
        &authorization_v1::SELF_SUBJECT_RULES_REVIEW,
    ),
    // client-go sends DeleteOptions under the group it lives in (meta.k8s.io/v1) or, for core
    // resources, under the legacy v1 in which it is also registered.
    ("meta.k8s.io/v1", "DeleteOptions", &meta_v1::DELETE_OPTIONS),
    ("v1", "DeleteOptions", &meta_v1::DELETE_OPTIONS),
];

/// The table for a kind, or `None` when the decoder does not know it.
pub(super) fn message_for(api_version: &str, kind: &str) -> Option<&'static Message> {
    KINDS
        .iter()
        .find(|(known_version, known_kind, _)| *known_version == api_version && *known_kind == kind)
        .map(|(_, _, message)| *message)
}
