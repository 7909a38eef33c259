//! Every kind the hub serves, grouped by API group.

pub mod authentication_v1;
pub mod authorization_v1;
pub mod core_v1;
pub mod rbac_v1;
pub mod tokenhub_v1;

use crate::registry::Registry;

/// The registry of all kinds the hub serves.
pub fn registry() -> Registry {
    Registry::new(vec![
        &core_v1::NAMESPACES,
        &core_v1::SERVICE_ACCOUNTS,
        &core_v1::CONFIG_MAPS,
        &rbac_v1::ROLES,
        &rbac_v1::CLUSTER_ROLES,
        &rbac_v1::ROLE_BINDINGS,
        &rbac_v1::CLUSTER_ROLE_BINDINGS,
        &authentication_v1::TOKEN_REVIEWS,
        &authentication_v1::SELF_SUBJECT_REVIEWS,
        &authorization_v1::SELF_SUBJECT_ACCESS_REVIEWS,
        &authorization_v1::SELF_SUBJECT_RULES_REVIEWS,
        &authorization_v1::SUBJECT_ACCESS_REVIEWS,
        &authorization_v1::LOCAL_SUBJECT_ACCESS_REVIEWS,
        &tokenhub_v1::USERS,
        &tokenhub_v1::TOKENS,
        &tokenhub_v1::API_TOKENS,
        &tokenhub_v1::LOGIN_REQUESTS,
        &tokenhub_v1::SETTINGS,
        &tokenhub_v1::FEATURES,
        &tokenhub_v1::RANCHER_TOKENS,
    ])
}
