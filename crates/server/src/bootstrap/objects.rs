//! Objects the hub always has: its namespaces and the published kubeconfig ConfigMap.

use serde_json::{Value, json};
use tokenhub_api::kinds::core_v1::{CONFIG_MAPS, NAMESPACES};

use crate::error::ApiError;
use crate::objects::{Objects, WriteOptions};

pub const HUB_NAMESPACE: &str = "tokenhub";
pub const KUBECONFIG_CONFIG_MAP: &str = "tokenhub-kubeconfig";
const NAMESPACES_ALWAYS_PRESENT: &[&str] =
    &["default", "kube-system", "kube-public", HUB_NAMESPACE];

/// Creates the standard namespaces if missing and publishes the credential-free kubeconfig.
pub async fn ensure_hub_objects(
    objects: &Objects,
    public_kubeconfig: &str,
) -> Result<(), ApiError> {
    for name in NAMESPACES_ALWAYS_PRESENT {
        match objects
            .create(
                &NAMESPACES,
                "",
                json!({"metadata": {"name": name}}),
                &WriteOptions::default(),
            )
            .await
        {
            Ok(_) | Err(ApiError::AlreadyExists(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let data = json!({"config": public_kubeconfig});
    match objects
        .get(&CONFIG_MAPS, HUB_NAMESPACE, KUBECONFIG_CONFIG_MAP)
        .await
    {
        Ok(mut current) => {
            if current.get("data") != Some(&data) {
                if let Value::Object(map) = &mut current {
                    map.insert("data".into(), data);
                }
                objects
                    .update(
                        &CONFIG_MAPS,
                        HUB_NAMESPACE,
                        KUBECONFIG_CONFIG_MAP,
                        current,
                        &WriteOptions::default(),
                    )
                    .await?;
            }
            Ok(())
        }
        Err(ApiError::NotFound(_)) => {
            let cm = json!({"metadata": {"name": KUBECONFIG_CONFIG_MAP}, "data": data});
            objects
                .create(&CONFIG_MAPS, HUB_NAMESPACE, cm, &WriteOptions::default())
                .await?;
            Ok(())
        }
        Err(e) => Err(e),
    }
}
