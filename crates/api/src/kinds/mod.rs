//! Every kind the hub serves, grouped by API group.

pub mod core_v1;

use crate::registry::Registry;

/// The registry of all kinds the hub serves.
pub fn registry() -> Registry {
    Registry::new(vec![
        &core_v1::NAMESPACES,
        &core_v1::SERVICE_ACCOUNTS,
        &core_v1::CONFIG_MAPS,
    ])
}
