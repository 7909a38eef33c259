//! Validation of a User object (`tokenhub.io/v1`, cluster-scoped; the name is the username).
//!
//! Groups: each a non-empty string without surrounding spaces or control characters, no
//! duplicates, none with a reserved prefix. `system:` groups are Kubernetes' own
//! (`system:masters` bypasses RBAC altogether, `system:authenticated` is added to everyone) and
//! `tokenhub:` groups are the hub's (`tokenhub:apitokens` is every API token). Through the API
//! nobody adds them: grant rights with bindings instead, which RBAC can take back. The one
//! exception is the bootstrap: the first start writes user `admin` in `system:masters`
//! ([`BOOTSTRAP_ADMIN_GROUPS`]) without going through this validation, and an update
//! ([`validate_user_update`]) may keep or drop a reserved group the user already has, never
//! add one.

use serde_json::{Map, Value};

use crate::api_tokens::USERNAME_PREFIX as API_TOKEN_USERNAME_PREFIX;
use crate::identity::SYSTEM_MASTERS;
use crate::tokens::spec_fields::{boolean, field, spec_of, string};
use crate::users::password::check_password;
use crate::validation::{FieldError, FieldErrorKind, is_dns1123_subdomain};

/// Longest `spec.displayName`, in bytes.
pub const MAX_DISPLAY_NAME_BYTES: usize = 253;
/// Longest group name, in bytes.
pub const MAX_GROUP_BYTES: usize = 256;
/// Most groups a user may be in.
pub const MAX_GROUPS: usize = 100;
/// Group prefixes only the hub hands out.
pub const RESERVED_GROUP_PREFIXES: [&str; 2] = ["system:", "tokenhub:"];
/// The groups of the user the first start creates.
pub const BOOTSTRAP_ADMIN_GROUPS: [&str; 1] = [SYSTEM_MASTERS];

/// A User being created through the API.
pub fn validate_user(obj: &Value) -> Vec<FieldError> {
    validate(obj, &[])
}

/// A User being updated: as at create, except that reserved groups `old` already has may stay.
pub fn validate_user_update(old: &Value, new: &Value) -> Vec<FieldError> {
    let kept: Vec<&str> = groups_of(old)
        .into_iter()
        .filter(|g| is_reserved_group(g))
        .collect();
    validate(new, &kept)
}

/// Whether `group` has a prefix only the hub may hand out.
pub fn is_reserved_group(group: &str) -> bool {
    RESERVED_GROUP_PREFIXES.iter().any(|p| group.starts_with(p))
}

/// The groups of a stored User (strings only; validation keeps others out).
pub fn groups_of(obj: &Value) -> Vec<&str> {
    obj.pointer("/spec/groups")
        .and_then(Value::as_array)
        .map(|groups| groups.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Longest username: a user's name is also the value of the owner label of their Tokens.
pub const MAX_USERNAME_LEN: usize = 63;

/// Whether `name` can be a username: a DNS-1123 subdomain (so no `:`, which keeps it apart from
/// `system:` and ServiceAccount users) of at most [`MAX_USERNAME_LEN`] characters (a label
/// value) that does not pose as an API token.
pub fn check_username(name: &str) -> Vec<String> {
    let mut errs = is_dns1123_subdomain(name);
    if errs.is_empty() && name.len() > MAX_USERNAME_LEN {
        errs.push(format!(
            "must be no more than {MAX_USERNAME_LEN} characters (a username is also a label value)"
        ));
    }
    if name.starts_with(API_TOKEN_USERNAME_PREFIX) {
        errs.push(format!(
            "the prefix {API_TOKEN_USERNAME_PREFIX:?} is reserved for API tokens"
        ));
    }
    errs
}

/// A password given in a field: the rule it breaks, never its value.
pub fn password_error(field: &str, password: &str) -> Option<FieldError> {
    check_password(password)
        .err()
        .map(|detail| FieldError::new(field, FieldErrorKind::Invalid, None, detail))
}

fn validate(obj: &Value, kept_reserved: &[&str]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match obj.pointer("/metadata/name") {
        Some(Value::String(name)) => errs.extend(
            check_username(name)
                .into_iter()
                .map(|m| FieldError::invalid("metadata.name", name, m)),
        ),
        _ => errs.push(FieldError::required("metadata.name", "name is required")),
    }
    let spec = match spec_of(obj) {
        Ok(spec) => spec,
        Err(spec_errs) => {
            errs.extend(spec_errs);
            return errs;
        }
    };
    if let Some(name) = string(spec, "displayName", &mut errs)
        && name.len() > MAX_DISPLAY_NAME_BYTES
    {
        errs.push(FieldError::too_long(
            "spec.displayName",
            MAX_DISPLAY_NAME_BYTES,
        ));
    }
    boolean(spec, "enabled", &mut errs);
    check_groups(spec, kept_reserved, &mut errs);
    errs
}

fn check_groups(
    spec: Option<&Map<String, Value>>,
    kept_reserved: &[&str],
    errs: &mut Vec<FieldError>,
) {
    let groups = match field(spec, "groups") {
        None => return,
        Some(Value::Array(groups)) => groups,
        Some(other) => {
            errs.push(FieldError::invalid(
                "spec.groups",
                other,
                "must be a list of strings",
            ));
            return;
        }
    };
    if groups.len() > MAX_GROUPS {
        errs.push(FieldError::too_many(
            "spec.groups",
            groups.len(),
            MAX_GROUPS,
        ));
        return;
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        let path = format!("spec.groups[{i}]");
        let Value::String(g) = group else {
            errs.push(FieldError::invalid(path, group, "must be a string"));
            continue;
        };
        if let Some(detail) = group_problem(g, kept_reserved) {
            errs.push(match detail {
                GroupProblem::Empty => FieldError::required(path, "group names may not be empty"),
                GroupProblem::TooLong => FieldError::too_long(path, MAX_GROUP_BYTES),
                GroupProblem::Invalid(detail) => FieldError::invalid(path, g, detail),
            });
        } else if seen.contains(&g.as_str()) {
            errs.push(FieldError::duplicate(path, g));
        }
        seen.push(g);
    }
}

enum GroupProblem {
    Empty,
    TooLong,
    Invalid(String),
}

fn group_problem(g: &str, kept_reserved: &[&str]) -> Option<GroupProblem> {
    if g.is_empty() {
        return Some(GroupProblem::Empty);
    }
    if g.len() > MAX_GROUP_BYTES {
        return Some(GroupProblem::TooLong);
    }
    if g.trim() != g || g.chars().any(char::is_control) {
        return Some(GroupProblem::Invalid(
            "may not have leading or trailing spaces or control characters".into(),
        ));
    }
    if is_reserved_group(g) && !kept_reserved.contains(&g) {
        let prefix = RESERVED_GROUP_PREFIXES
            .iter()
            .find(|p| g.starts_with(*p))
            .copied()
            .unwrap_or_default();
        return Some(GroupProblem::Invalid(format!(
            "groups starting with {prefix:?} are reserved; bind a ClusterRole to the user instead"
        )));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(name: &str, spec: Value) -> Value {
        json!({"apiVersion": "tokenhub.io/v1", "kind": "User", "metadata": {"name": name}, "spec": spec})
    }

    fn messages(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn create_validation() {
        let too_many: Vec<String> = (0..101).map(|i| format!("g{i}")).collect();
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (user("alice", json!({})), vec![]),
            (user("alice", json!(null)), vec![]),
            (
                user(
                    "alice.example.com",
                    json!({"displayName": "Alice", "enabled": true, "groups": ["dev", "LDAP Admins", "oidc:ops"]}),
                ),
                vec![],
            ),
            (
                user("Alice", json!({})),
                vec![
                    r#"metadata.name: Invalid value: "Alice": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#,
                ],
            ),
            (
                user("system:admin", json!({})),
                vec![
                    r#"metadata.name: Invalid value: "system:admin": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#,
                ],
            ),
            (
                user("service-account-nfyyvdtg8k1adujwk3yfh1", json!({})),
                vec![
                    r#"metadata.name: Invalid value: "service-account-nfyyvdtg8k1adujwk3yfh1": the prefix "service-account-" is reserved for API tokens"#,
                ],
            ),
            (json!({"metadata": {"name": "a".repeat(63)}}), vec![]),
            (
                json!({"metadata": {"name": "a".repeat(64)}}),
                vec![
                    r#"metadata.name: Invalid value: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": must be no more than 63 characters (a username is also a label value)"#,
                ],
            ),
            (
                json!({"metadata": {}}),
                vec!["metadata.name: Required value: name is required"],
            ),
            (
                user(
                    "alice",
                    json!({"displayName": 1, "enabled": "no", "groups": "dev"}),
                ),
                vec![
                    "spec.displayName: Invalid value: 1: must be a string",
                    r#"spec.enabled: Invalid value: "no": must be a boolean"#,
                    r#"spec.groups: Invalid value: "dev": must be a list of strings"#,
                ],
            ),
            (
                user("alice", json!({"displayName": "d".repeat(254)})),
                vec!["spec.displayName: Too long: may not be more than 253 bytes"],
            ),
            (
                user(
                    "alice",
                    json!({"groups": ["", " dev", "dev\n", 3, "dev", "dev", "g".repeat(257)]}),
                ),
                vec![
                    "spec.groups[0]: Required value: group names may not be empty",
                    r#"spec.groups[1]: Invalid value: " dev": may not have leading or trailing spaces or control characters"#,
                    r#"spec.groups[2]: Invalid value: "dev\n": may not have leading or trailing spaces or control characters"#,
                    "spec.groups[3]: Invalid value: 3: must be a string",
                    r#"spec.groups[5]: Duplicate value: "dev""#,
                    "spec.groups[6]: Too long: may not be more than 256 bytes",
                ],
            ),
            (
                user(
                    "alice",
                    json!({"groups": ["system:masters", "system:authenticated", "tokenhub:apitokens"]}),
                ),
                vec![
                    r#"spec.groups[0]: Invalid value: "system:masters": groups starting with "system:" are reserved; bind a ClusterRole to the user instead"#,
                    r#"spec.groups[1]: Invalid value: "system:authenticated": groups starting with "system:" are reserved; bind a ClusterRole to the user instead"#,
                    r#"spec.groups[2]: Invalid value: "tokenhub:apitokens": groups starting with "tokenhub:" are reserved; bind a ClusterRole to the user instead"#,
                ],
            ),
            (
                user("alice", json!({"groups": too_many})),
                vec!["spec.groups: Too many: 101: must have at most 100 items"],
            ),
            (
                user("alice", json!([])),
                vec!["spec: Invalid value: []: must be an object"],
            ),
        ];
        for (obj, want) in cases {
            assert_eq!(messages(&validate_user(&obj)), want, "{obj}");
        }
    }

    #[test]
    fn the_bootstrap_admin_keeps_system_masters_through_updates() {
        let admin = user("admin", json!({"groups": BOOTSTRAP_ADMIN_GROUPS}));
        // Creating it through the API is refused…
        assert_eq!(validate_user(&admin).len(), 1);
        // …but an edit of the bootstrap admin may keep it, or drop it.
        let renamed = user(
            "admin",
            json!({"displayName": "Admin", "groups": ["system:masters", "ops"]}),
        );
        assert_eq!(validate_user_update(&admin, &renamed), vec![]);
        let dropped = user("admin", json!({"groups": ["ops"]}));
        assert_eq!(validate_user_update(&admin, &dropped), vec![]);
        // Nobody else gains it, and the admin gains no other reserved group.
        let alice = user("alice", json!({"groups": ["dev"]}));
        let promoted = user("alice", json!({"groups": ["dev", "system:masters"]}));
        assert_eq!(validate_user_update(&alice, &promoted).len(), 1);
        let more = user(
            "admin",
            json!({"groups": ["system:masters", "tokenhub:apitokens"]}),
        );
        assert_eq!(
            messages(&validate_user_update(&admin, &more)),
            [
                r#"spec.groups[1]: Invalid value: "tokenhub:apitokens": groups starting with "tokenhub:" are reserved; bind a ClusterRole to the user instead"#,
            ]
        );
    }

    #[test]
    fn passwords_in_fields_are_never_echoed() {
        assert_eq!(
            password_error("spec.password", "correct horse battery"),
            None
        );
        let err = password_error("spec.password", "hunter2").unwrap();
        assert_eq!(
            err.to_string(),
            "spec.password: Invalid value: must be at least 12 characters long"
        );
        assert!(!format!("{err:?}").contains("hunter2"));
    }
}
