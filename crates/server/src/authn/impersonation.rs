//! Impersonation (`kubectl --as`, `--as-group`): the caller acts as another identity when RBAC
//! grants it the `impersonate` verb on that user, each group, the uid and each extra value.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokenhub_core::identity::{ANONYMOUS, SYSTEM_AUTHENTICATED, SYSTEM_UNAUTHENTICATED, UserInfo};
use tokenhub_core::rbac::RequestAttributes;

use crate::error::ApiError;
use crate::state::Hub;

const USER: &str = "impersonate-user";
const GROUP: &str = "impersonate-group";
const UID: &str = "impersonate-uid";
const EXTRA_PREFIX: &str = "impersonate-extra-";
const SERVICE_ACCOUNT_PREFIX: &str = "system:serviceaccount:";

/// The identity the headers ask for, if they ask for one.
fn requested(headers: &HeaderMap) -> Result<Option<UserInfo>, ApiError> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect()
    };
    let user = values(USER).into_iter().next();
    let groups = values(GROUP);
    let uid = values(UID).into_iter().next();
    let mut extra: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in headers {
        if let Some(key) = name.as_str().strip_prefix(EXTRA_PREFIX) {
            let key = percent_decode(key);
            if let Ok(value) = value.to_str() {
                extra.entry(key).or_default().push(value.to_string());
            }
        }
    }
    let Some(username) = user else {
        if !groups.is_empty() || uid.is_some() || !extra.is_empty() {
            return Err(ApiError::BadRequest(
                "requested impersonation of groups, a uid or extra fields without impersonating a user".into(),
            ));
        }
        return Ok(None);
    };
    Ok(Some(UserInfo {
        username,
        uid: uid.unwrap_or_default(),
        groups,
        extra,
    }))
}

/// Header names carry extra keys percent-encoded (`Impersonate-Extra-Scopes%2Fa`).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn impersonate_attributes(
    resource: &str,
    namespace: &str,
    name: &str,
    subresource: &str,
) -> RequestAttributes {
    RequestAttributes {
        resource_request: true,
        verb: "impersonate".into(),
        namespace: namespace.into(),
        api_group: if resource == "uids" || resource == "userextras" {
            "authentication.k8s.io".into()
        } else {
            String::new()
        },
        api_version: String::new(),
        resource: resource.into(),
        subresource: subresource.into(),
        name: name.into(),
        path: String::new(),
    }
}

/// Every permission the impersonation needs.
fn needed(wanted: &UserInfo) -> Vec<RequestAttributes> {
    let mut needed = Vec::new();
    match wanted
        .username
        .strip_prefix(SERVICE_ACCOUNT_PREFIX)
        .and_then(|rest| rest.split_once(':'))
    {
        Some((namespace, name)) => needed.push(impersonate_attributes(
            "serviceaccounts",
            namespace,
            name,
            "",
        )),
        None => needed.push(impersonate_attributes("users", "", &wanted.username, "")),
    }
    for group in &wanted.groups {
        needed.push(impersonate_attributes("groups", "", group, ""));
    }
    if !wanted.uid.is_empty() {
        needed.push(impersonate_attributes("uids", "", &wanted.uid, ""));
    }
    for (key, values) in &wanted.extra {
        for value in values {
            needed.push(impersonate_attributes("userextras", "", value, key));
        }
    }
    needed
}

/// The impersonated identity as kube-apiserver completes it: a ServiceAccount impersonated
/// without groups gets its fixed ones; anyone but anonymous is `system:authenticated` unless
/// the groups given already say authenticated or unauthenticated; anonymous is
/// `system:unauthenticated`.
fn complete(mut wanted: UserInfo) -> UserInfo {
    if wanted.groups.is_empty()
        && let Some((namespace, _)) = wanted
            .username
            .strip_prefix(SERVICE_ACCOUNT_PREFIX)
            .and_then(|r| r.split_once(':'))
    {
        wanted.groups = vec![
            "system:serviceaccounts".to_string(),
            format!("system:serviceaccounts:{namespace}"),
        ];
    }
    let implied = if wanted.username == ANONYMOUS {
        SYSTEM_UNAUTHENTICATED
    } else {
        SYSTEM_AUTHENTICATED
    };
    let said = wanted.in_group(implied)
        || (implied == SYSTEM_AUTHENTICATED && wanted.in_group(SYSTEM_UNAUTHENTICATED));
    if !said {
        wanted.groups.push(implied.to_string());
    }
    wanted
}

/// Middleware: replaces the caller's identity with the impersonated one when allowed.
pub async fn impersonate(
    State(hub): State<Arc<Hub>>,
    mut request: Request,
    next: Next,
) -> Response {
    let wanted = match requested(request.headers()) {
        Ok(Some(wanted)) => wanted,
        Ok(None) => return next.run(request).await,
        Err(e) => return e.into_response(),
    };
    let caller = request
        .extensions()
        .get::<UserInfo>()
        .cloned()
        .unwrap_or_else(UserInfo::anonymous);
    for attributes in needed(&wanted) {
        if let Err(e) = hub.authorizer.require(&caller, &attributes) {
            return e.into_response();
        }
    }
    request.extensions_mut().insert(complete(wanted));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn headers_name_the_identity_and_extras_are_percent_decoded() {
        let mut h = HeaderMap::new();
        h.insert(USER, HeaderValue::from_static("bob"));
        h.append(GROUP, HeaderValue::from_static("devs"));
        h.append(GROUP, HeaderValue::from_static("ops"));
        h.insert(
            "impersonate-extra-scopes%2fa",
            HeaderValue::from_static("x"),
        );
        let wanted = requested(&h).unwrap().unwrap();
        assert_eq!(wanted.username, "bob");
        assert_eq!(wanted.groups, ["devs", "ops"]);
        assert_eq!(wanted.extra["scopes/a"], ["x"]);
        assert_eq!(needed(&wanted).len(), 4);
    }

    #[test]
    fn groups_without_a_user_are_refused_and_nothing_is_nothing() {
        let mut h = HeaderMap::new();
        assert!(requested(&h).unwrap().is_none());
        h.insert(GROUP, HeaderValue::from_static("devs"));
        assert!(requested(&h).is_err());
    }

    #[test]
    fn service_accounts_are_impersonated_as_service_accounts() {
        let wanted = UserInfo {
            username: "system:serviceaccount:ns1:bot".into(),
            ..Default::default()
        };
        let n = needed(&wanted);
        assert_eq!(
            (
                n[0].resource.as_str(),
                n[0].namespace.as_str(),
                n[0].name.as_str()
            ),
            ("serviceaccounts", "ns1", "bot")
        );
        let done = complete(wanted.clone());
        assert_eq!(
            done.groups,
            [
                "system:serviceaccounts",
                "system:serviceaccounts:ns1",
                "system:authenticated"
            ]
        );
        // Groups given replace the fixed ones, as upstream.
        let with_groups = complete(UserInfo {
            groups: vec!["devs".into()],
            ..wanted
        });
        assert_eq!(with_groups.groups, ["devs", "system:authenticated"]);
    }
}
