//! The Settings and Features every hub has, created with their defaults on first start; an
//! administrator's values are kept.

use serde_json::json;
use tokenhub_api::kinds::tokenhub_v1::{FEATURES as FEATURE_KIND, SETTINGS as SETTING_KIND};
use tokenhub_core::settings::{FEATURES, SETTINGS};

use crate::error::ApiError;
use crate::objects::{Objects, WriteOptions};

pub async fn ensure_settings(objects: &Objects) -> Result<(), ApiError> {
    let options = WriteOptions::default();
    for setting in SETTINGS {
        let object = json!({
            "metadata": {"name": setting.name, "annotations": {"tokenhub.io/description": setting.description}},
            "value": "",
            "default": setting.default.to_string(),
        });
        create_if_missing(objects.create(&SETTING_KIND, "", object, &options).await)?;
    }
    for feature in FEATURES {
        let object = json!({
            "metadata": {"name": feature.name},
            "spec": {},
            "status": {"default": feature.default, "description": feature.description, "dynamic": true},
        });
        create_if_missing(objects.create(&FEATURE_KIND, "", object, &options).await)?;
    }
    Ok(())
}

fn create_if_missing<T>(result: Result<T, ApiError>) -> Result<(), ApiError> {
    match result {
        Ok(_) | Err(ApiError::AlreadyExists(_)) => Ok(()),
        Err(e) => Err(e),
    }
}
