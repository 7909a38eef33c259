//! Admission: a last say on a write, with who makes it, after validation and before the store.
//! RBAC uses it to refuse privilege escalation.

use serde_json::Value;
use tokenhub_api::registry::ResourceType;
use tokenhub_core::identity::UserInfo;

use crate::error::ApiError;

/// Who asks for a write.
#[derive(Clone, Debug, Default)]
pub enum Requester {
    /// The hub itself (bootstrap, controllers): trusted.
    #[default]
    System,
    User(UserInfo),
}

pub trait Admission: Send + Sync + std::fmt::Debug {
    /// Ok, or why `requester` may not write `new` (replacing `old`, if any).
    fn admit(
        &self,
        requester: &Requester,
        t: &ResourceType,
        namespace: &str,
        old: Option<&Value>,
        new: &Value,
    ) -> Result<(), ApiError>;
}

/// Admits everything; for stores without RBAC (tests of the generic machinery).
#[derive(Debug)]
pub struct AdmitAll;

impl Admission for AdmitAll {
    fn admit(
        &self,
        _: &Requester,
        _: &ResourceType,
        _: &str,
        _: Option<&Value>,
        _: &Value,
    ) -> Result<(), ApiError> {
        Ok(())
    }
}
