//! Discovery documents: aggregated (`apidiscovery.k8s.io/v2`) and legacy (`/api`, `/apis`, `/apis/G/V`).

use serde::Serialize;

use crate::registry::{Registry, ResourceType, Scope, group_version};

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

fn scope_name(t: &ResourceType) -> &'static str {
    match t.scope {
        Scope::Namespaced => "Namespaced",
        Scope::Cluster => "Cluster",
    }
}

fn resource_discovery(t: &'static ResourceType) -> APIResourceDiscovery {
    APIResourceDiscovery {
        resource: t.plural,
        response_kind: GroupVersionKind {
            group: t.group,
            version: t.version,
            kind: t.kind,
        },
        scope: scope_name(t),
        singular_resource: t.singular,
        verbs: t.verbs,
        short_names: t.short_names,
        categories: t.categories,
        subresources: t
            .subresources
            .iter()
            .map(|s| APISubresourceDiscovery {
                subresource: s.name,
                response_kind: GroupVersionKind {
                    group: s.group,
                    version: s.version,
                    kind: s.kind,
                },
                verbs: s.verbs,
            })
            .collect(),
    }
}

/// The aggregated discovery document for `/api` (`core = true`) or `/apis`.
pub fn aggregated(registry: &Registry, core: bool) -> APIGroupDiscoveryList {
    let mut items: Vec<APIGroupDiscovery> = Vec::new();
    for (group, version) in registry.group_versions() {
        if group.is_empty() != core {
            continue;
        }
        let resources = registry
            .in_group_version(group, version)
            .map(resource_discovery)
            .collect();
        let discovered = APIVersionDiscovery {
            version,
            resources,
            freshness: "Current",
        };
        match items.iter_mut().find(|i| i.metadata.name == group) {
            Some(item) => item.versions.push(discovered),
            None => items.push(APIGroupDiscovery {
                metadata: GroupMeta {
                    name: group,
                    creation_timestamp: None,
                },
                versions: vec![discovered],
            }),
        }
    }
    APIGroupDiscoveryList {
        kind: "APIGroupDiscoveryList",
        api_version: "apidiscovery.k8s.io/v2",
        metadata: Default::default(),
        items,
    }
}

/// Legacy `/api`.
pub fn api_versions(server_address: String) -> APIVersions {
    APIVersions {
        kind: "APIVersions",
        versions: vec!["v1"],
        server_address_by_client_cidrs: vec![ServerAddressByClientCIDR {
            client_cidr: "0.0.0.0/0",
            server_address,
        }],
    }
}

/// Legacy `/apis`.
pub fn api_group_list(registry: &Registry) -> APIGroupList {
    let mut groups: Vec<APIGroup> = Vec::new();
    for (group, version) in registry.group_versions() {
        if group.is_empty() {
            continue;
        }
        let gv = GroupVersionForDiscovery {
            group_version: group_version(group, version),
            version,
        };
        match groups.iter_mut().find(|g| g.name == group) {
            Some(g) => g.versions.push(gv),
            None => groups.push(APIGroup {
                name: group,
                versions: vec![gv.clone()],
                preferred_version: gv,
            }),
        }
    }
    APIGroupList {
        kind: "APIGroupList",
        api_version: "v1",
        groups,
    }
}

/// Legacy `/api/v1` or `/apis/G/V`; `None` if the group-version is not served.
pub fn api_resource_list(
    registry: &Registry,
    group: &str,
    version: &str,
) -> Option<APIResourceList> {
    let mut resources = Vec::new();
    for t in registry.in_group_version(group, version) {
        resources.push(APIResource {
            name: t.plural.to_string(),
            singular_name: t.singular,
            namespaced: t.is_namespaced(),
            group: "",
            version: "",
            kind: t.kind,
            verbs: t.verbs,
            short_names: t.short_names,
            categories: t.categories,
        });
        for s in t.subresources {
            resources.push(APIResource {
                name: format!("{}/{}", t.plural, s.name),
                singular_name: "",
                namespaced: t.is_namespaced(),
                group: s.group,
                version: s.version,
                kind: s.kind,
                verbs: s.verbs,
                short_names: &[],
                categories: &[],
            });
        }
    }
    if resources.is_empty() {
        return None;
    }
    Some(APIResourceList {
        kind: "APIResourceList",
        api_version: "v1",
        group_version: group_version(group, version),
        resources,
    })
}
