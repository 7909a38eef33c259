//! Texts kube-apiserver prints about RBAC: the reason of a 403, and rules in escalation errors.

use super::objects::PolicyRule;
use super::rules::RequestAttributes;
use crate::go_fmt;

/// responsewriters' `forbiddenMessage`: `User "u" cannot create resource "serviceaccounts" in
/// API group "" in the namespace "default"`, `... at the cluster scope`, or
/// `User "u" cannot get path "/healthz"`; `&`, `<` and `>` are escaped as upstream does.
pub fn forbidden_reason(user: &str, attrs: &RequestAttributes) -> String {
    let user = go_fmt::quote(user);
    let message = if !attrs.resource_request {
        format!(
            "User {user} cannot {} path {}",
            attrs.verb,
            go_fmt::quote(&attrs.path)
        )
    } else {
        let resource = if attrs.subresource.is_empty() {
            attrs.resource.clone()
        } else {
            format!("{}/{}", attrs.resource, attrs.subresource)
        };
        let scope = if attrs.namespace.is_empty() {
            "at the cluster scope".to_string()
        } else {
            format!("in the namespace {}", go_fmt::quote(&attrs.namespace))
        };
        format!(
            "User {user} cannot {} resource {} in API group {} {scope}",
            attrs.verb,
            go_fmt::quote(&resource),
            go_fmt::quote(&attrs.api_group)
        )
    };
    sanitize(&message)
}

/// The whole message of the 403 Status (`NewForbidden`): `configmaps "x" is forbidden: ...`,
/// `tokens.tokenhub.io is forbidden: ...`, or `forbidden: ...` for a path; the authorizer's
/// reason, when there is one, follows after `: `.
pub fn forbidden_message(user: &str, attrs: &RequestAttributes, authorizer_reason: &str) -> String {
    let mut err = forbidden_reason(user, attrs);
    if !authorizer_reason.is_empty() {
        err.push_str(": ");
        err.push_str(authorizer_reason);
    }
    let resource = if attrs.api_group.is_empty() {
        attrs.resource.clone()
    } else {
        format!("{}.{}", attrs.resource, attrs.api_group)
    };
    if attrs.resource.is_empty() && attrs.api_group.is_empty() {
        format!("forbidden: {err}")
    } else if attrs.name.is_empty() {
        format!("{resource} is forbidden: {err}")
    } else {
        format!(
            "{resource} {} is forbidden: {err}",
            go_fmt::quote(&attrs.name)
        )
    }
}

/// Upstream keeps errors from looking like HTML.
fn sanitize(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Go's `%q` of a `[]string`: `["a" "b"]`.
pub(crate) fn quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| go_fmt::quote(s)).collect();
    format!("[{}]", quoted.join(" "))
}

/// Go's `%#v` of a non-nil `[]string`: `[]string{"a", "b"}`.
pub(crate) fn go_syntax_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| go_fmt::quote(s)).collect();
    format!("[]string{{{}}}", quoted.join(", "))
}

/// Upstream's `CompactString` of a rule, as escalation errors list them:
/// `{APIGroups:["tokenhub.io"], Resources:["tokens"], Verbs:["delete"]}`.
pub fn compact_string(rule: &PolicyRule) -> String {
    let parts: Vec<String> = [
        ("APIGroups", &rule.api_groups),
        ("Resources", &rule.resources),
        ("NonResourceURLs", &rule.non_resource_urls),
        ("ResourceNames", &rule.resource_names),
        ("Verbs", &rule.verbs),
    ]
    .into_iter()
    .filter(|(_, items)| !items.is_empty())
    .map(|(label, items)| format!("{label}:{}", quote_list(items)))
    .collect();
    format!("{{{}}}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_reasons_read_as_kube_apiserver() {
        let ns =
            RequestAttributes::resource("create", "", "serviceaccounts").in_namespace("default");
        assert_eq!(
            forbidden_reason("u", &ns),
            r#"User "u" cannot create resource "serviceaccounts" in API group "" in the namespace "default""#
        );
        let cluster = RequestAttributes::resource("get", "tokenhub.io", "tokens").named("t1");
        assert_eq!(
            forbidden_reason("alice", &cluster),
            r#"User "alice" cannot get resource "tokens" in API group "tokenhub.io" at the cluster scope"#
        );
        let sub = ns.clone().named("bot").subresource("token");
        assert_eq!(
            forbidden_reason("alice", &sub),
            r#"User "alice" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default""#
        );
        let path = RequestAttributes::non_resource("get", "/healthz");
        assert_eq!(
            forbidden_reason("u", &path),
            r#"User "u" cannot get path "/healthz""#
        );
        assert_eq!(
            forbidden_reason("<b>&", &path),
            r#"User "&lt;b&gt;&amp;" cannot get path "/healthz""#
        );
    }

    #[test]
    fn forbidden_messages_carry_the_resource_and_name() {
        let get = RequestAttributes::resource("get", "tokenhub.io", "tokens").named("t1");
        assert_eq!(
            forbidden_message("alice", &get, ""),
            r#"tokens.tokenhub.io "t1" is forbidden: User "alice" cannot get resource "tokens" in API group "tokenhub.io" at the cluster scope"#
        );
        let list = RequestAttributes::resource("list", "", "configmaps").in_namespace("default");
        assert_eq!(
            forbidden_message(
                "alice",
                &list,
                "RBAC: role.rbac.authorization.k8s.io \"r\" not found"
            ),
            r#"configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "default": RBAC: role.rbac.authorization.k8s.io "r" not found"#
        );
        let path = RequestAttributes::non_resource("get", "/metrics");
        assert_eq!(
            forbidden_message("u", &path, ""),
            r#"forbidden: User "u" cannot get path "/metrics""#
        );
    }

    #[test]
    fn rules_print_compactly() {
        let rule = PolicyRule::resource(&["delete"], &["tokenhub.io"], &["tokens"]);
        assert_eq!(
            compact_string(&rule),
            r#"{APIGroups:["tokenhub.io"], Resources:["tokens"], Verbs:["delete"]}"#
        );
        let named = PolicyRule::resource(&["get", "list"], &[""], &["a", "b"]).with_names(&["n"]);
        assert_eq!(
            compact_string(&named),
            r#"{APIGroups:[""], Resources:["a" "b"], ResourceNames:["n"], Verbs:["get" "list"]}"#
        );
        let url = PolicyRule::non_resource(&["get"], &["/healthz"]);
        assert_eq!(
            compact_string(&url),
            r#"{NonResourceURLs:["/healthz"], Verbs:["get"]}"#
        );
        assert_eq!(compact_string(&PolicyRule::default()), "{}");
        assert_eq!(
            go_syntax_list(&["/a".into(), "/b".into()]),
            r#"[]string{"/a", "/b"}"#
        );
    }
}
