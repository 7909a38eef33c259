//! Settings are checked against the others in effect (the default ttl may not exceed the max).

use std::sync::Arc;

use serde_json::Value;
use tokenhub_api::kinds::tokenhub_v1::SETTINGS;
use tokenhub_api::meta::ObjectExt;
use tokenhub_api::registry::ResourceType;
use tokenhub_core::settings::validate_setting;

use crate::caches::Caches;
use crate::error::ApiError;
use crate::objects::{Admission, Requester, invalid_if_any};

#[derive(Debug)]
pub struct SettingsCheck {
    caches: Arc<Caches>,
}

impl SettingsCheck {
    pub fn new(caches: Arc<Caches>) -> Self {
        SettingsCheck { caches }
    }
}

impl Admission for SettingsCheck {
    fn admit(
        &self,
        _requester: &Requester,
        t: &ResourceType,
        _namespace: &str,
        _old: Option<&Value>,
        new: &mut Value,
    ) -> Result<(), ApiError> {
        if !std::ptr::eq(t, &SETTINGS) {
            return Ok(());
        }
        let name = new.name().unwrap_or_default().to_string();
        invalid_if_any(t, &name, validate_setting(new, &self.caches.settings()))
    }
}
