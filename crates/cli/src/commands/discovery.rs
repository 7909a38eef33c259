//! Which group a resource name belongs to, and whether it is namespaced: the aggregated
//! discovery documents at `/api` and `/apis`, matched as kubectl matches names (plural,
//! singular, short name, optionally `.group`-qualified).

use serde_json::Value;

use crate::client::http::AGGREGATED_DISCOVERY_ACCEPT;
use crate::client::{CliError, HubClient};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub group: String,
    pub resource: String,
    pub namespaced: bool,
}

/// Looks `name` (`tokens`, `token`, `cm`, `tokens.tokenhub.io`) up in the hub's discovery.
pub fn resolve(client: &HubClient, name: &str) -> Result<Option<Resolved>, CliError> {
    let mut documents = Vec::new();
    for path in ["/api", "/apis"] {
        documents.push(client.get_accept(path, AGGREGATED_DISCOVERY_ACCEPT)?);
    }
    Ok(find(&documents, name))
}

pub fn find(documents: &[Value], name: &str) -> Option<Resolved> {
    let name = name.to_lowercase();
    // Full names first: `tokens.tokenhub.io` is the resource `tokens` of group `tokenhub.io`.
    let candidates: Vec<(&str, Option<&str>)> = match name.split_once('.') {
        Some((resource, group)) => vec![(resource, Some(group)), (name.as_str(), None)],
        None => vec![(name.as_str(), None)],
    };
    for (wanted, wanted_group) in candidates {
        for doc in documents {
            let groups = doc
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten();
            for group in groups {
                let group_name = group
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if wanted_group.is_some_and(|g| g != group_name) {
                    continue;
                }
                // The first version listed is the preferred one.
                let resources = group
                    .pointer("/versions/0/resources")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten();
                for r in resources {
                    if matches(r, wanted) {
                        return Some(Resolved {
                            group: group_name.to_string(),
                            resource: text(r, "resource").to_string(),
                            namespaced: text(r, "scope") == "Namespaced",
                        });
                    }
                }
            }
        }
    }
    None
}

fn matches(resource: &Value, wanted: &str) -> bool {
    text(resource, "resource") == wanted
        || text(resource, "singularResource") == wanted
        || resource
            .get("shortNames")
            .and_then(Value::as_array)
            .is_some_and(|names| names.iter().any(|n| n.as_str() == Some(wanted)))
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn documents() -> Vec<Value> {
        vec![
            json!({"items": [{"metadata": {}, "versions": [{"version": "v1", "resources": [
                {"resource": "configmaps", "singularResource": "configmap", "scope": "Namespaced", "shortNames": ["cm"]},
                {"resource": "namespaces", "singularResource": "namespace", "scope": "Cluster", "shortNames": ["ns"]}
            ]}]}]}),
            json!({"items": [
                {"metadata": {"name": "tokenhub.io"}, "versions": [{"version": "v1", "resources": [
                    {"resource": "tokens", "singularResource": "token", "scope": "Cluster"}
                ]}]},
                {"metadata": {"name": "ext.cattle.io"}, "versions": [{"version": "v1", "resources": [
                    {"resource": "tokens", "singularResource": "token", "scope": "Cluster"}
                ]}]}
            ]}),
        ]
    }

    fn resolved(group: &str, resource: &str, namespaced: bool) -> Option<Resolved> {
        Some(Resolved {
            group: group.into(),
            resource: resource.into(),
            namespaced,
        })
    }

    #[test]
    fn names_resolve_as_kubectl_resolves_them() {
        let docs = documents();
        assert_eq!(find(&docs, "configmaps"), resolved("", "configmaps", true));
        assert_eq!(find(&docs, "cm"), resolved("", "configmaps", true));
        assert_eq!(find(&docs, "Namespace"), resolved("", "namespaces", false));
        assert_eq!(
            find(&docs, "tokens"),
            resolved("tokenhub.io", "tokens", false)
        );
        assert_eq!(
            find(&docs, "token"),
            resolved("tokenhub.io", "tokens", false)
        );
        assert_eq!(
            find(&docs, "tokens.ext.cattle.io"),
            resolved("ext.cattle.io", "tokens", false)
        );
        assert_eq!(find(&docs, "widgets"), None);
    }
}
