//! Discovery documents: aggregated (`apidiscovery.k8s.io/v2`) and legacy (`/api`, `/apis`, `/apis/G/V`).

use serde::Serialize;

/// The Content-Type kubectl needs to see before it trusts an aggregated discovery body.
pub const AGGREGATED_CONTENT_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct APIGroupDiscoveryList {
    pub kind: &'static str,
    pub api_version: &'static str,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    pub items: Vec<APIGroupDiscovery>,
}

#[derive(Debug, Serialize)]
pub struct APIGroupDiscovery {
    pub metadata: GroupMeta,
    pub versions: Vec<APIVersionDiscovery>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMeta {
    #[serde(skip_serializing_if = "str::is_empty")]
    pub name: &'static str,
    pub creation_timestamp: Option<()>,
}

#[derive(Debug, Serialize)]
pub struct APIVersionDiscovery {
    pub version: &'static str,
    pub resources: Vec<APIResourceDiscovery>,
    pub freshness: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct APIResourceDiscovery {
    pub resource: &'static str,
    pub response_kind: GroupVersionKind,
    pub scope: &'static str,
    pub singular_resource: &'static str,
    pub verbs: &'static [&'static str],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub short_names: &'static [&'static str],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub categories: &'static [&'static str],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subresources: Vec<APISubresourceDiscovery>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct APISubresourceDiscovery {
    pub subresource: &'static str,
    pub response_kind: GroupVersionKind,
    pub verbs: &'static [&'static str],
}

#[derive(Debug, Serialize)]
pub struct GroupVersionKind {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct APIVersions {
    pub kind: &'static str,
    pub versions: Vec<&'static str>,
    #[serde(rename = "serverAddressByClientCIDRs")]
    pub server_address_by_client_cidrs: Vec<ServerAddressByClientCIDR>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerAddressByClientCIDR {
    #[serde(rename = "clientCIDR")]
    pub client_cidr: &'static str,
    pub server_address: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct APIGroupList {
    pub kind: &'static str,
    pub api_version: &'static str,
    pub groups: Vec<APIGroup>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct APIGroup {
    pub name: &'static str,
    pub versions: Vec<GroupVersionForDiscovery>,
    pub preferred_version: GroupVersionForDiscovery,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupVersionForDiscovery {
    pub group_version: String,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct APIResourceList {
    pub kind: &'static str,
    pub api_version: &'static str,
    pub group_version: String,
    pub resources: Vec<APIResource>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct APIResource {
    pub name: String,
    pub singular_name: &'static str,
    pub namespaced: bool,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub group: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub version: &'static str,
    pub kind: &'static str,
    pub verbs: &'static [&'static str],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub short_names: &'static [&'static str],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub categories: &'static [&'static str],
}
