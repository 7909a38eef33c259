//! What a request is about, resolved from its method, path and query as kube-apiserver's
//! RequestInfoFactory does: the same attributes feed routing, authorization and audit.

use crate::selector::FieldSelector;
use crate::validation::is_valid_path_segment_name;

/// The attributes of one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestInfo {
    /// False for non-resource paths such as `/version` or `/healthz`.
    pub is_resource_request: bool,
    pub path: String,
    /// Lower-case Kubernetes verb: get, list, watch, create, update, patch, delete,
    /// deletecollection; for non-resource requests the lower-case HTTP method.
    pub verb: String,
    pub api_group: String,
    pub api_version: String,
    pub namespace: String,
    pub resource: String,
    pub subresource: String,
    pub name: String,
}

/// Namespace subresources: `/api/v1/namespaces/{name}/{sub}` names one of these, anything else
/// is a namespaced resource collection.
const NAMESPACE_SUBRESOURCES: &[&str] = &["status", "finalize"];

/// Whether the path after `/namespaces/{name}` still addresses the namespace object itself.
fn names_namespace_itself(tail: &[&str]) -> bool {
    match tail {
        [] => true,
        [sub] => NAMESPACE_SUBRESOURCES.contains(sub),
        _ => false,
    }
}

impl RequestInfo {
    /// Resolves a request. `watch` is whether the query asks for a watch (`watch=true|1`).
    pub fn resolve(method: &str, path: &str, watch_param: bool) -> RequestInfo {
        let mut info = RequestInfo {
            path: path.to_string(),
            verb: method.to_ascii_lowercase(),
            ..Default::default()
        };
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let rest = match parts.as_slice() {
            ["api", version, rest @ ..] if !rest.is_empty() => {
                info.api_version = (*version).to_string();
                rest
            }
            ["apis", group, version, rest @ ..] if !rest.is_empty() => {
                info.api_group = (*group).to_string();
                info.api_version = (*version).to_string();
                rest
            }
            _ => return info,
        };
        if rest.iter().any(|p| p.is_empty()) {
            return info;
        }
        info.is_resource_request = true;

        let mut rest = rest;
        let mut legacy_watch = false;
        if rest.first() == Some(&"watch") {
            legacy_watch = true;
            rest = &rest[1..];
        }
        let resource_parts: &[&str] = match rest {
            ["namespaces", ns, tail @ ..] if !names_namespace_itself(tail) => {
                info.namespace = (*ns).to_string();
                tail
            }
            other => {
                // `/namespaces/{name}` is the namespace itself, which is also its own namespace
                // for authorization, as upstream does.
                if let ["namespaces", ns, ..] = other {
                    info.namespace = (*ns).to_string();
                }
                other
            }
        };
        match resource_parts {
            [resource] => info.resource = (*resource).to_string(),
            [resource, name] => {
                info.resource = (*resource).to_string();
                info.name = (*name).to_string();
            }
            [resource, name, sub, ..] => {
                info.resource = (*resource).to_string();
                info.name = (*name).to_string();
                info.subresource = (*sub).to_string();
            }
            [] => {}
        }

        let has_name = !info.name.is_empty();
        info.verb = match (method, has_name) {
            ("GET" | "HEAD", _) if legacy_watch || watch_param => "watch",
            ("GET" | "HEAD", true) => "get",
            ("GET" | "HEAD", false) => "list",
            ("POST", _) => "create",
            ("PUT", _) => "update",
            ("PATCH", _) => "patch",
            ("DELETE", true) => "delete",
            ("DELETE", false) => "deletecollection",
            (other, _) => {
                return RequestInfo {
                    verb: other.to_ascii_lowercase(),
                    ..info
                };
            }
        }
        .to_string();
        info
    }

    /// The object a list or watch is narrowed to by `fieldSelector` (`metadata.name=x`): kube's
    /// RequestInfoFactory takes it as the request's name, so that a rule limited by
    /// resourceNames allows `kubectl get NAME --watch`. Authorization uses it; routing does not.
    pub fn name_selected_by(&self, field_selector: &str) -> Option<String> {
        if !self.is_resource_request
            || !self.name.is_empty()
            || !matches!(self.verb.as_str(), "list" | "watch")
        {
            return None;
        }
        let selector = FieldSelector::parse_any_field(field_selector).ok()?;
        let name = selector.exact_value("metadata.name")?;
        is_valid_path_segment_name(name)
            .is_empty()
            .then(|| name.to_string())
    }

    /// `resource/subresource`, as RBAC rules name it.
    pub fn resource_with_subresource(&self) -> String {
        if self.subresource.is_empty() {
            self.resource.clone()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(method: &str, path: &str) -> RequestInfo {
        RequestInfo::resolve(method, path, false)
    }

    #[test]
    fn resolves_namespaced_collections_objects_and_subresources() {
        let i = r(
            "POST",
            "/api/v1/namespaces/default/serviceaccounts/bot/token",
        );
        assert!(i.is_resource_request);
        assert_eq!(
            (
                i.verb.as_str(),
                i.api_group.as_str(),
                i.namespace.as_str(),
                i.resource.as_str(),
                i.name.as_str(),
                i.subresource.as_str()
            ),
            ("create", "", "default", "serviceaccounts", "bot", "token")
        );
        let i = r(
            "GET",
            "/apis/rbac.authorization.k8s.io/v1/namespaces/ns1/roles",
        );
        assert_eq!(
            (i.verb.as_str(), i.api_group.as_str(), i.resource.as_str()),
            ("list", "rbac.authorization.k8s.io", "roles")
        );
        let i = r("DELETE", "/api/v1/namespaces/default/configmaps");
        assert_eq!(i.verb, "deletecollection");
    }

    #[test]
    fn a_namespace_is_its_own_namespace_and_has_its_own_subresources() {
        let i = r("GET", "/api/v1/namespaces/team-a");
        assert_eq!(
            (
                i.resource.as_str(),
                i.name.as_str(),
                i.namespace.as_str(),
                i.verb.as_str()
            ),
            ("namespaces", "team-a", "team-a", "get")
        );
        let i = r("PUT", "/api/v1/namespaces/team-a/finalize");
        assert_eq!(
            (i.resource.as_str(), i.subresource.as_str()),
            ("namespaces", "finalize")
        );
        let i = r("GET", "/api/v1/namespaces/team-a/configmaps");
        assert_eq!(
            (i.resource.as_str(), i.namespace.as_str()),
            ("configmaps", "team-a")
        );
    }

    #[test]
    fn a_list_narrowed_to_one_name_is_about_that_name() {
        let list = r("GET", "/api/v1/namespaces/a/configmaps");
        assert_eq!(
            list.name_selected_by("metadata.name=x").as_deref(),
            Some("x")
        );
        assert_eq!(
            list.name_selected_by("metadata.namespace=a,metadata.name==x")
                .as_deref(),
            Some("x")
        );
        assert_eq!(list.name_selected_by("metadata.name!=x"), None);
        assert_eq!(list.name_selected_by("metadata.name=.."), None);
        assert_eq!(list.name_selected_by("metadata.name"), None);
        let get = r("GET", "/api/v1/namespaces/a/configmaps/y");
        assert_eq!(get.name_selected_by("metadata.name=x"), None);
        let create = r("POST", "/api/v1/namespaces/a/configmaps");
        assert_eq!(create.name_selected_by("metadata.name=x"), None);
    }

    #[test]
    fn watch_comes_from_the_query_or_the_legacy_prefix() {
        assert_eq!(
            RequestInfo::resolve("GET", "/api/v1/configmaps", true).verb,
            "watch"
        );
        let i = r("GET", "/api/v1/watch/namespaces/default/configmaps/x");
        assert_eq!((i.verb.as_str(), i.name.as_str()), ("watch", "x"));
    }

    #[test]
    fn non_resource_paths_keep_the_method_as_verb() {
        let i = r("GET", "/healthz");
        assert!(!i.is_resource_request);
        assert_eq!(i.verb, "get");
        assert!(!r("GET", "/api/v1").is_resource_request);
        assert!(!r("GET", "/apis/rbac.authorization.k8s.io/v1").is_resource_request);
        assert!(!r("GET", "/api/v1/namespaces//configmaps").is_resource_request);
    }
}
