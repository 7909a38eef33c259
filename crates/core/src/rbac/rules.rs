//! Whether one rule allows one request, with kube-apiserver's matching rules
//! (`RuleAllows` and the matchers of `rbac/v1/evaluation_helpers.go`).

use super::objects::PolicyRule;
use crate::request_info::RequestInfo;

pub const VERB_ALL: &str = "*";
pub const API_GROUP_ALL: &str = "*";
pub const RESOURCE_ALL: &str = "*";
pub const NON_RESOURCE_ALL: &str = "*";

/// What a request asks to do, as the authorizer sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestAttributes {
    /// False for non-resource paths such as `/healthz`, which only `path` and `verb` describe.
    pub resource_request: bool,
    pub verb: String,
    /// Empty for cluster-scoped requests.
    pub namespace: String,
    /// Empty for the core group.
    pub api_group: String,
    pub api_version: String,
    pub resource: String,
    pub subresource: String,
    pub name: String,
    pub path: String,
}

impl RequestAttributes {
    /// A cluster-scoped resource request; add a namespace, name or subresource with the
    /// `in_namespace`, `named` and `subresource` builders.
    pub fn resource(verb: &str, api_group: &str, resource: &str) -> RequestAttributes {
        RequestAttributes {
            resource_request: true,
            verb: verb.into(),
            api_group: api_group.into(),
            resource: resource.into(),
            ..RequestAttributes::default()
        }
    }

    /// A request for a non-resource path.
    pub fn non_resource(verb: &str, path: &str) -> RequestAttributes {
        RequestAttributes {
            resource_request: false,
            verb: verb.into(),
            path: path.into(),
            ..RequestAttributes::default()
        }
    }

    pub fn in_namespace(mut self, namespace: &str) -> RequestAttributes {
        self.namespace = namespace.into();
        self
    }

    pub fn named(mut self, name: &str) -> RequestAttributes {
        self.name = name.into();
        self
    }

    pub fn subresource(mut self, subresource: &str) -> RequestAttributes {
        self.subresource = subresource.into();
        self
    }

    /// The namespace whose RoleBindings count: none for non-resource requests, so that
    /// non-resource rules only ever come from ClusterRoleBindings.
    pub(crate) fn binding_namespace(&self) -> &str {
        if self.resource_request {
            &self.namespace
        } else {
            ""
        }
    }
}

impl From<&RequestInfo> for RequestAttributes {
    fn from(info: &RequestInfo) -> RequestAttributes {
        RequestAttributes {
            resource_request: info.is_resource_request,
            verb: info.verb.clone(),
            namespace: info.namespace.clone(),
            api_group: info.api_group.clone(),
            api_version: info.api_version.clone(),
            resource: info.resource.clone(),
            subresource: info.subresource.clone(),
            name: info.name.clone(),
            path: info.path.clone(),
        }
    }
}

/// Whether `rule` allows the request.
pub fn rule_allows(attrs: &RequestAttributes, rule: &PolicyRule) -> bool {
    if attrs.resource_request {
        verb_matches(rule, &attrs.verb)
            && api_group_matches(rule, &attrs.api_group)
            && resource_matches(rule, &attrs.resource, &attrs.subresource)
            && resource_name_matches(rule, &attrs.name)
    } else {
        verb_matches(rule, &attrs.verb) && non_resource_url_matches(rule, &attrs.path)
    }
}

/// Whether any of `rules` allows the request.
pub fn rules_allow(attrs: &RequestAttributes, rules: &[PolicyRule]) -> bool {
    rules.iter().any(|rule| rule_allows(attrs, rule))
}

pub fn verb_matches(rule: &PolicyRule, verb: &str) -> bool {
    rule.verbs.iter().any(|v| v == VERB_ALL || v == verb)
}

pub fn api_group_matches(rule: &PolicyRule, group: &str) -> bool {
    rule.api_groups
        .iter()
        .any(|g| g == API_GROUP_ALL || g == group)
}

/// `*`, the exact `resource` or `resource/subresource`, or `*/subresource`. A rule for a
/// resource does not cover its subresources.
pub fn resource_matches(rule: &PolicyRule, resource: &str, subresource: &str) -> bool {
    rule.resources.iter().any(|r| {
        r == RESOURCE_ALL
            || is_combined(r, resource, subresource)
            || (!subresource.is_empty()
                && r.len() == subresource.len() + 2
                && r.starts_with("*/")
                && r.ends_with(subresource))
    })
}

/// `candidate == resource` without a subresource, `candidate == resource/subresource` with one,
/// compared in place.
fn is_combined(candidate: &str, resource: &str, subresource: &str) -> bool {
    if subresource.is_empty() {
        return candidate == resource;
    }
    candidate.len() == resource.len() + 1 + subresource.len()
        && candidate.starts_with(resource)
        && candidate.as_bytes().get(resource.len()) == Some(&b'/')
        && candidate.ends_with(subresource)
}

/// No names means any name; otherwise the request must name one of them, so requests without
/// a name (list, create) never match.
pub fn resource_name_matches(rule: &PolicyRule, name: &str) -> bool {
    rule.resource_names.is_empty() || rule.resource_names.iter().any(|n| n == name)
}

/// `*`, the exact path, or a prefix when the rule ends in `*`.
pub fn non_resource_url_matches(rule: &PolicyRule, path: &str) -> bool {
    rule.non_resource_urls
        .iter()
        .any(|u| u == NON_RESOURCE_ALL || u == path || url_prefix_matches(u, path))
}

/// Go's `strings.TrimRight(rule, "*")` then a prefix test, for rules ending in `*`.
pub(crate) fn url_prefix_matches(rule: &str, path: &str) -> bool {
    rule.ends_with('*') && path.starts_with(rule.trim_end_matches('*'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(verb: &str, group: &str, resource: &str) -> RequestAttributes {
        RequestAttributes::resource(verb, group, resource).in_namespace("default")
    }

    #[test]
    fn resource_rules_match_as_upstream() {
        let sa = PolicyRule::resource(&["create", "get"], &[""], &["serviceaccounts"]);
        let token = PolicyRule::resource(&["create"], &[""], &["serviceaccounts/token"]);
        let any_scale = PolicyRule::resource(&["update"], &["*"], &["*/scale"]);
        let all = PolicyRule::resource(&["*"], &["*"], &["*"]);
        let named = PolicyRule::resource(&["get", "list", "create"], &["tokenhub.io"], &["tokens"])
            .with_names(&["t1"]);
        let core = PolicyRule::resource(&["get"], &["core"], &["pods"]);
        let sa_token = res("create", "", "serviceaccounts")
            .named("bot")
            .subresource("token");
        let cases: Vec<(&str, &PolicyRule, RequestAttributes, bool)> = vec![
            (
                "exact verb and resource",
                &sa,
                res("create", "", "serviceaccounts"),
                true,
            ),
            (
                "other verb",
                &sa,
                res("delete", "", "serviceaccounts"),
                false,
            ),
            (
                "other group",
                &sa,
                res("create", "apps", "serviceaccounts"),
                false,
            ),
            (
                "resource does not cover its subresource",
                &sa,
                sa_token.clone(),
                false,
            ),
            ("resource/subresource", &token, sa_token.clone(), true),
            (
                "subresource rule is not the resource",
                &token,
                res("create", "", "serviceaccounts"),
                false,
            ),
            (
                "*/scale on any resource",
                &any_scale,
                res("update", "apps", "deployments")
                    .named("d")
                    .subresource("scale"),
                true,
            ),
            (
                "*/scale not the resource",
                &any_scale,
                res("update", "apps", "deployments").named("d"),
                false,
            ),
            (
                "*/scale not another subresource",
                &any_scale,
                res("update", "apps", "deployments")
                    .named("d")
                    .subresource("status"),
                false,
            ),
            (
                "*/scale not a longer subresource",
                &any_scale,
                res("update", "apps", "deployments")
                    .named("d")
                    .subresource("xscale"),
                false,
            ),
            ("* covers subresources", &all, sa_token.clone(), true),
            (
                "* covers any group",
                &all,
                res("delete", "tokenhub.io", "tokens"),
                true,
            ),
            (
                "resourceNames: named get",
                &named,
                res("get", "tokenhub.io", "tokens").named("t1"),
                true,
            ),
            (
                "resourceNames: other name",
                &named,
                res("get", "tokenhub.io", "tokens").named("t2"),
                false,
            ),
            (
                "resourceNames: list has no name",
                &named,
                res("list", "tokenhub.io", "tokens"),
                false,
            ),
            (
                "resourceNames: create has no name",
                &named,
                res("create", "tokenhub.io", "tokens"),
                false,
            ),
            (
                "core group is the empty string",
                &core,
                res("get", "", "pods"),
                false,
            ),
            (
                "non-resource request vs resource rule",
                &all,
                RequestAttributes::non_resource("get", "/healthz"),
                false,
            ),
        ];
        for (what, rule, attrs, want) in cases {
            assert_eq!(rule_allows(&attrs, rule), want, "{what}");
        }
    }

    #[test]
    fn non_resource_rules_match_exact_star_and_prefix() {
        let rule = PolicyRule::non_resource(&["get"], &["/healthz", "/api/*", "/logs*"]);
        let star = PolicyRule::non_resource(&["*"], &["*"]);
        let cases = [
            (&rule, "get", "/healthz", true),
            (&rule, "get", "/healthz/ready", false),
            (&rule, "post", "/healthz", false),
            (&rule, "get", "/api/v1", true),
            (&rule, "get", "/api/", true),
            (&rule, "get", "/api", false),
            (&rule, "get", "/logs", true),
            (&rule, "get", "/logsfoo/bar", true),
            (&rule, "get", "/version", false),
            (&star, "delete", "/anything", true),
        ];
        for (rule, verb, path, want) in cases {
            let attrs = RequestAttributes::non_resource(verb, path);
            assert_eq!(rule_allows(&attrs, rule), want, "{verb} {path}");
        }
        // A non-resource rule never allows a resource request.
        assert!(!rule_allows(&res("get", "", "pods"), &star));
    }

    #[test]
    fn built_from_request_info() {
        let info = RequestInfo::resolve(
            "POST",
            "/api/v1/namespaces/default/serviceaccounts/bot/token",
            false,
        );
        let attrs = RequestAttributes::from(&info);
        assert_eq!(
            attrs,
            RequestAttributes::resource("create", "", "serviceaccounts")
                .in_namespace("default")
                .named("bot")
                .subresource("token")
                .with_version_and_path(
                    "v1",
                    "/api/v1/namespaces/default/serviceaccounts/bot/token"
                )
        );
        let attrs = RequestAttributes::from(&RequestInfo::resolve("GET", "/healthz", false));
        assert_eq!(attrs, RequestAttributes::non_resource("get", "/healthz"));
    }

    impl RequestAttributes {
        fn with_version_and_path(mut self, version: &str, path: &str) -> RequestAttributes {
            self.api_version = version.into();
            self.path = path.into();
            self
        }
    }
}
