//! Admission: a last say on a write, with who makes it, after validation and before the store.
//! It may refuse the write (RBAC escalation) or complete it with what depends on the writer or
//! on the hub's settings (a Token's effective ttl).

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
    /// Ok (possibly having completed `new`), or why `requester` may not write `new`
    /// (replacing `old`, if any).
    fn admit(
        &self,
        requester: &Requester,
        t: &ResourceType,
        namespace: &str,
        old: Option<&Value>,
        new: &mut Value,
    ) -> Result<(), ApiError>;
}

/// Every admission in turn; the first refusal wins.
#[derive(Debug)]
pub struct Admissions(pub Vec<std::sync::Arc<dyn Admission>>);

impl Admission for Admissions {
    fn admit(
        &self,
        requester: &Requester,
        t: &ResourceType,
        namespace: &str,
        old: Option<&Value>,
        new: &mut Value,
    ) -> Result<(), ApiError> {
        self.0
            .iter()
            .try_for_each(|a| a.admit(requester, t, namespace, old, new))
    }
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
        _: &mut Value,
    ) -> Result<(), ApiError> {
        Ok(())
    }
}
