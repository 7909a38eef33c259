//! Token updates: only metadata, description, enabled and ttl may change; users may only
//! shorten the ttl, those with authority over every token may extend it up to the max.

use std::sync::Arc;

use serde_json::Value;
use tokenhub_api::kinds::tokenhub_v1::TOKENS;
use tokenhub_api::meta::ObjectExt;
use tokenhub_api::registry::ResourceType;
use tokenhub_core::clock::Clock;
use tokenhub_core::rbac::RequestAttributes;
use tokenhub_core::tokens::check_token_update;

use crate::authz::Authorizer;
use crate::caches::Caches;
use crate::error::ApiError;
use crate::objects::{Admission, Requester, invalid, rfc3339};

#[derive(Debug)]
pub struct TokenUpdates {
    authorizer: Arc<Authorizer>,
    caches: Arc<Caches>,
    clock: Arc<dyn Clock>,
}

impl TokenUpdates {
    pub fn new(authorizer: Arc<Authorizer>, caches: Arc<Caches>, clock: Arc<dyn Clock>) -> Self {
        TokenUpdates {
            authorizer,
            caches,
            clock,
        }
    }
}

impl Admission for TokenUpdates {
    fn admit(
        &self,
        requester: &Requester,
        t: &ResourceType,
        _namespace: &str,
        old: Option<&Value>,
        new: &mut Value,
    ) -> Result<(), ApiError> {
        let (true, Some(old)) = (t.storage_key() == TOKENS.storage_key(), old) else {
            return Ok(());
        };
        let may_extend = match requester {
            Requester::System => true,
            Requester::User(user) => self
                .authorizer
                .allows(user, &RequestAttributes::resource("update", t.group, "*")),
        };
        let name = new.name().unwrap_or_default().to_string();
        let ttl = check_token_update(old, new, &self.caches.settings().ttl(), may_extend)
            .map_err(|errors| invalid(t, &name, errors))?;
        if let Some(spec) = new.get_mut("spec").and_then(Value::as_object_mut) {
            spec.insert("ttl".into(), ttl.into());
        }
        if let Some(map) = new.as_object_mut() {
            let status = map
                .entry("status")
                .or_insert_with(|| Value::Object(Default::default()));
            if let Value::Object(status) = status {
                status.insert("lastUpdateTime".into(), rfc3339(self.clock.now()).into());
            }
        }
        Ok(())
    }
}
