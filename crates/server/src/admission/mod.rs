//! The admissions of the hub's writes: RBAC escalation prevention, Token updates (what a
//! caller may change, the ttl in effect), Settings checked against each other.

mod apitokens;
mod escalation;
mod settings;
mod tokens;

pub use apitokens::ApiTokenRoles;
pub use escalation::EscalationCheck;
pub use settings::SettingsCheck;
pub use tokens::TokenUpdates;
