//! The review kinds: questions about identity and access, answered and never stored.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};
use tokenhub_core::identity::UserInfo;
use tokenhub_core::rbac::{PolicyRule, RequestAttributes};
use tokenhub_core::validation::FieldError;

use super::resources::Call;
use super::respond;
use crate::error::ApiError;
use crate::objects::{adopt_request_namespace, invalid, invalid_if_any};

/// The review in the body, checked against its kind's schema, in the namespace of the URL
/// when its kind is namespaced; `status` from the client is ignored (kubectl's protobuf always
/// carries an empty one).
async fn review(call: &Call, body: Body) -> Result<Value, ApiError> {
    let options = call.write_options()?;
    let (mut review, _) = call.object_body(body, &options).await?;
    adopt_request_namespace(call.t, &mut review, call.object_namespace()?)?;
    if let Value::Object(map) = &mut review {
        map.remove("status");
        let meta = map.entry("metadata").or_insert_with(|| json!({}));
        if let Value::Object(meta) = meta {
            meta.insert("creationTimestamp".into(), Value::Null);
        }
    }
    Ok(review)
}

fn answer(mut review: Value, status: Value) -> Response {
    if let Value::Object(map) = &mut review {
        map.insert("status".into(), status);
    }
    respond::json(StatusCode::CREATED, &review)
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The attributes a review's spec asks about: exactly one of resourceAttributes and
/// nonResourceAttributes.
fn attributes(call: &Call, spec: &Value) -> Result<RequestAttributes, ApiError> {
    match (
        spec.get("resourceAttributes"),
        spec.get("nonResourceAttributes"),
    ) {
        (Some(r), None) => Ok(RequestAttributes {
            resource_request: true,
            verb: text(r, "verb"),
            namespace: text(r, "namespace"),
            api_group: text(r, "group"),
            api_version: text(r, "version"),
            resource: text(r, "resource"),
            subresource: text(r, "subresource"),
            name: text(r, "name"),
            path: String::new(),
        }),
        (None, Some(n)) => Ok(RequestAttributes::non_resource(
            &text(n, "verb"),
            &text(n, "path"),
        )),
        _ => Err(invalid(
            call.t,
            "",
            vec![FieldError::invalid(
                "spec.resourceAttributes",
                Value::Null,
                "exactly one of nonResourceAttributes or resourceAttributes must be specified",
            )],
        )),
    }
}

fn access_status(call: &Call, user: &UserInfo, attributes: &RequestAttributes) -> Value {
    let decision = call.hub.authorizer.authorize(user, attributes);
    let mut status = Map::new();
    status.insert("allowed".into(), decision.is_allowed().into());
    if !decision.reason().is_empty() {
        status.insert("reason".into(), decision.reason().into());
    }
    Value::Object(status)
}

/// `kubectl auth can-i`.
pub async fn self_subject_access(call: Call, body: Body) -> Result<Response, ApiError> {
    let review = review(&call, body).await?;
    let spec = review.get("spec").cloned().unwrap_or(Value::Null);
    let attributes = attributes(&call, &spec)?;
    let status = access_status(&call, &call.user, &attributes);
    Ok(answer(review, status))
}

/// SubjectAccessReview, and LocalSubjectAccessReview (the same question within the namespace
/// of its URL, which its spec must name), validated as upstream validates them.
pub async fn subject_access(call: Call, body: Body) -> Result<Response, ApiError> {
    let review = review(&call, body).await?;
    let spec = review.get("spec").cloned().unwrap_or(Value::Null);
    let attributes = attributes(&call, &spec)?;
    let user = text(&spec, "user");
    let groups = strings(spec.get("groups"));
    let mut errors = Vec::new();
    if user.is_empty() && groups.is_empty() {
        errors.push(FieldError::invalid(
            "spec.user",
            "",
            "at least one of user or group must be specified",
        ));
    }
    if call.t.is_namespaced() {
        let namespace = call.object_namespace()?;
        if !attributes.resource_request {
            errors.push(FieldError::invalid(
                "spec.nonResourceAttributes",
                Value::Null,
                "disallowed on this kind of request",
            ));
        } else if attributes.namespace != namespace {
            errors.push(FieldError::invalid(
                "spec.resourceAttributes.namespace",
                attributes.namespace.as_str(),
                "must match metadata.namespace",
            ));
        }
    }
    invalid_if_any(call.t, "", errors)?;
    let extra: BTreeMap<String, Vec<String>> = spec
        .get("extra")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), strings(Some(v))))
                .collect()
        })
        .unwrap_or_default();
    let subject = UserInfo {
        username: user,
        uid: text(&spec, "uid"),
        groups,
        extra,
    };
    let status = access_status(&call, &subject, &attributes);
    Ok(answer(review, status))
}

/// `kubectl auth can-i --list`: the rules of the caller in one namespace.
pub async fn self_subject_rules(call: Call, body: Body) -> Result<Response, ApiError> {
    let review = review(&call, body).await?;
    let namespace = review
        .pointer("/spec/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if namespace.is_empty() {
        return Err(ApiError::BadRequest("no namespace on request".into()));
    }
    let (rules, errors) = call.hub.caches.rbac().rules_for(&call.user, &namespace);
    let (resource_rules, non_resource_rules) = split_rules(&rules);
    let mut status = json!({
        "resourceRules": resource_rules,
        "nonResourceRules": non_resource_rules,
        "incomplete": !errors.is_empty(),
    });
    if let (false, Value::Object(map)) = (errors.is_empty(), &mut status) {
        map.insert("evaluationError".into(), errors.join(", ").into());
    }
    Ok(answer(review, status))
}

/// PolicyRules as ResourceRules and NonResourceRules.
fn split_rules(rules: &[PolicyRule]) -> (Vec<Value>, Vec<Value>) {
    let mut resource_rules = Vec::new();
    let mut non_resource_rules = Vec::new();
    for rule in rules {
        if !rule.resources.is_empty() {
            let mut r = json!({"verbs": rule.verbs, "apiGroups": rule.api_groups, "resources": rule.resources});
            if let (false, Value::Object(map)) = (rule.resource_names.is_empty(), &mut r) {
                map.insert("resourceNames".into(), json!(rule.resource_names));
            }
            resource_rules.push(r);
        }
        if !rule.non_resource_urls.is_empty() {
            non_resource_rules
                .push(json!({"verbs": rule.verbs, "nonResourceURLs": rule.non_resource_urls}));
        }
    }
    (resource_rules, non_resource_rules)
}

fn user_info_json(user: &UserInfo) -> Value {
    let mut info = Map::new();
    info.insert("username".into(), user.username.clone().into());
    if !user.uid.is_empty() {
        info.insert("uid".into(), user.uid.clone().into());
    }
    info.insert("groups".into(), json!(user.groups));
    if !user.extra.is_empty() {
        info.insert("extra".into(), json!(user.extra));
    }
    Value::Object(info)
}

/// `kubectl auth whoami`.
pub async fn self_subject(call: Call, body: Body) -> Result<Response, ApiError> {
    let review = review(&call, body).await?;
    let status = json!({"userInfo": user_info_json(&call.user)});
    Ok(answer(review, status))
}

/// TokenReview: the webhook token authenticator's question, for any of the hub's credentials.
pub async fn token(call: Call, body: Body) -> Result<Response, ApiError> {
    let review = review(&call, body).await?;
    let token = review
        .pointer("/spec/token")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if token.is_empty() {
        return Err(ApiError::BadRequest(
            "token is required for TokenReview in authentication".into(),
        ));
    }
    let audiences = strings(review.pointer("/spec/audiences"));
    let status = match call
        .hub
        .authenticators
        .authenticate(&token, &audiences)
        .await
    {
        Ok((user, audiences)) => {
            let mut status = json!({"authenticated": true, "user": user_info_json(&user)});
            if let (false, Value::Object(map)) = (audiences.is_empty(), &mut status) {
                map.insert("audiences".into(), json!(audiences));
            }
            status
        }
        Err(reason) => json!({"authenticated": false, "error": reason}),
    };
    Ok(answer(review, status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_rules_split_into_resource_and_non_resource_rules() {
        let rules = vec![
            PolicyRule::resource(&["get"], &[""], &["configmaps"]).with_names(&["a"]),
            PolicyRule::non_resource(&["get"], &["/healthz"]),
        ];
        let (r, n) = split_rules(&rules);
        assert_eq!(
            r,
            vec![
                json!({"verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["a"]})
            ]
        );
        assert_eq!(
            n,
            vec![json!({"verbs": ["get"], "nonResourceURLs": ["/healthz"]})]
        );
    }
}
