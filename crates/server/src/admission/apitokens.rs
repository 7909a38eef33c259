//! Nobody mints an APIToken stronger than themselves: creating one needs what binding its
//! role's ClusterRole needs (the rules of that role, or `bind` on it).

use std::sync::Arc;

use serde_json::Value;
use tokenhub_api::kinds::rbac_v1::CLUSTER_ROLE_BINDINGS;
use tokenhub_api::kinds::tokenhub_v1::API_TOKENS;
use tokenhub_api::meta::ObjectExt;
use tokenhub_api::registry::ResourceType;
use tokenhub_core::api_tokens::role_of;

use super::EscalationCheck;
use crate::apitokens::role_binding;
use crate::error::ApiError;
use crate::objects::{Admission, Requester};

#[derive(Debug)]
pub struct ApiTokenRoles {
    escalation: Arc<EscalationCheck>,
}

impl ApiTokenRoles {
    pub fn new(escalation: Arc<EscalationCheck>) -> Self {
        ApiTokenRoles { escalation }
    }
}

impl Admission for ApiTokenRoles {
    fn admit(
        &self,
        requester: &Requester,
        t: &ResourceType,
        _namespace: &str,
        old: Option<&Value>,
        new: &mut Value,
    ) -> Result<(), ApiError> {
        if !std::ptr::eq(t, &API_TOKENS) || old.is_some() {
            return Ok(());
        }
        let id = new.name().unwrap_or_default();
        let mut binding = role_binding(id, role_of(new), "", "");
        self.escalation
            .admit(requester, &CLUSTER_ROLE_BINDINGS, "", None, &mut binding)
    }
}
