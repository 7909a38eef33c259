//! Discovery and OpenAPI documents, rendered once from the registry when the hub starts.

use std::collections::HashMap;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use tokenhub_api::discovery;
use tokenhub_api::openapi::group_version_document;
use tokenhub_api::registry::Registry;
use tokenhub_core::serviceaccount::{KeySet, openid_configuration};

/// A rendered document.
#[derive(Clone, Debug)]
pub struct Document {
    pub body: Vec<u8>,
    /// Content hash, used as the OpenAPI `?hash=` and as ETag.
    pub hash: String,
}

impl Document {
    fn new(value: &impl serde::Serialize) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_default();
        let digest = Sha256::digest(&body);
        let hash = digest.iter().take(16).map(|b| format!("{b:02X}")).collect();
        Document { body, hash }
    }
}

/// The OIDC discovery documents of the ServiceAccount token issuer.
#[derive(Debug)]
pub struct OidcDocs {
    pub configuration: Document,
    pub jwks: Document,
}

impl OidcDocs {
    pub fn render(issuer: &str, jwks_uri: &str, keys: &KeySet) -> Self {
        OidcDocs {
            configuration: Document::new(&openid_configuration(
                issuer,
                jwks_uri,
                &keys.algorithms(),
            )),
            jwks: Document::new(&keys.jwks()),
        }
    }
}

#[derive(Debug)]
pub struct ApiDocs {
    pub aggregated_core: Document,
    pub aggregated_groups: Document,
    pub legacy_core: Document,
    pub legacy_groups: Document,
    /// `/api/v1`, `/apis/G/V` → APIResourceList.
    pub resource_lists: HashMap<String, Document>,
    pub openapi_root: Document,
    /// `api/v1`, `apis/G/V` → OpenAPI v3 document.
    pub openapi: HashMap<String, Document>,
    pub oidc: OidcDocs,
}

impl ApiDocs {
    pub fn render(registry: &Registry, server_address: String, oidc: OidcDocs) -> Self {
        let mut resource_lists = HashMap::new();
        let mut openapi = HashMap::new();
        let mut root_paths = Map::new();
        for (group, version) in registry.group_versions() {
            let path = if group.is_empty() {
                format!("api/{version}")
            } else {
                format!("apis/{group}/{version}")
            };
            if let Some(list) = discovery::api_resource_list(registry, group, version) {
                resource_lists.insert(format!("/{path}"), Document::new(&list));
            }
            if let Some(doc) = group_version_document(registry, group, version) {
                let doc = Document::new(&doc);
                root_paths.insert(
                    path.clone(),
                    json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={}", doc.hash)}),
                );
                openapi.insert(path, doc);
            }
        }
        ApiDocs {
            aggregated_core: Document::new(&discovery::aggregated(registry, true)),
            aggregated_groups: Document::new(&discovery::aggregated(registry, false)),
            legacy_core: Document::new(&discovery::api_versions(server_address)),
            legacy_groups: Document::new(&discovery::api_group_list(registry)),
            resource_lists,
            openapi_root: Document::new(&Value::Object(Map::from_iter([(
                "paths".to_string(),
                Value::Object(root_paths),
            )]))),
            openapi,
            oidc,
        }
    }
}
