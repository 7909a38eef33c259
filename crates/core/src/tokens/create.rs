//! A new personal Token: its generated name, the checks of its spec, and whose it is.
//!
//! Rancher turned a `spec.kind` that is not a valid label value into a 500 and a request for
//! another user into a 400; here the first is 422 with a field cause and the second is an
//! answer ([`TokenOwner::OtherUser`]) the server turns into 403.

use serde_json::Value;
use tokenhub_api::kinds::tokenhub_v1::TOKEN_USER_LABEL;

use super::spec_fields::{self, boolean, check_description, integer, spec_of, string};
use crate::names::with_random_suffix;
use crate::validation::{FieldError, is_valid_label_value};

/// Every Token's name starts with this, followed by 5 characters of the generateName alphabet.
pub const NAME_PREFIX: &str = "token-";
/// Length of the random part of a Token's name.
pub const NAME_SUFFIX_LEN: usize = 5;
/// `spec.kind` of a login token; every other kind (`""` included) is a derived token.
pub const SESSION_KIND: &str = "session";

/// A new `token-xxxxx` name. 27^5 ≈ 14 million names: the server retries on AlreadyExists.
pub fn generate_name() -> String {
    with_random_suffix(NAME_PREFIX, NAME_SUFFIX_LEN)
}

/// The spec of a Token being created: types, the description's length, and `spec.kind` a valid
/// label value (it is also a label, so that sessions can be selected). `spec.ttl` is never
/// refused: it is ingested. Who the token is for is [`owner_of_new_token`]'s question.
pub fn validate_token_create(obj: &Value) -> Vec<FieldError> {
    let spec = match spec_of(obj) {
        Ok(spec) => spec,
        Err(errs) => return errs,
    };
    let mut errs = Vec::new();
    check_description(spec, &mut errs);
    if let Some(kind) = string(spec, "kind", &mut errs) {
        for message in is_valid_label_value(kind) {
            errs.push(FieldError::invalid("spec.kind", kind, message));
        }
    }
    integer(spec, "ttl", &mut errs);
    boolean(spec, "enabled", &mut errs);
    string(spec, "userID", &mut errs);
    errs
}

/// Whose a Token being created would be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenOwner {
    /// `spec.userID` is absent, empty or the caller: the caller's (set it to the caller).
    Caller,
    /// Anyone else: 403, for admins too (there is no "issue for user" here).
    OtherUser(String),
}

/// Reads `spec.userID` of a Token being created by user `caller`.
pub fn owner_of_new_token(obj: &Value, caller: &str) -> TokenOwner {
    match obj.pointer("/spec/userID") {
        None | Some(Value::Null) => TokenOwner::Caller,
        Some(Value::String(s)) if s.is_empty() || s == caller => TokenOwner::Caller,
        Some(Value::String(s)) => TokenOwner::OtherUser(s.clone()),
        Some(other) => TokenOwner::OtherUser(other.to_string()),
    }
}

/// The label-selector requirement "owned by `owner`", to AND with a caller's own selector. A
/// name that cannot be a label value (a ServiceAccount's `system:serviceaccount:…`) owns no
/// Token, so the requirement then matches nothing: the label both present and absent.
pub fn owned_by_selector(owner: &str) -> String {
    if is_valid_label_value(owner).is_empty() {
        format!("{TOKEN_USER_LABEL}={owner}")
    } else {
        format!("{TOKEN_USER_LABEL},!{TOKEN_USER_LABEL}")
    }
}

/// `spec.userID` of a stored Token.
pub fn owner_of(obj: &Value) -> Option<&str> {
    obj.pointer("/spec/userID").and_then(Value::as_str)
}

/// `spec.enabled`: absent means enabled; anything but `true` or absence is disabled.
pub fn is_enabled(obj: &Value) -> bool {
    match obj.pointer("/spec/enabled") {
        None | Some(Value::Null) => true,
        Some(v) => v.as_bool() == Some(true),
    }
}

/// Whether the Token is a login session (deleted, not disabled, when its user is disabled).
pub fn is_session(obj: &Value) -> bool {
    spec_fields::field(spec_of(obj).ok().flatten(), "kind").and_then(Value::as_str)
        == Some(SESSION_KIND)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generated_names() {
        let a = generate_name();
        assert!(a.starts_with("token-"));
        assert_eq!(a.len(), 11);
        assert!(
            a[6..]
                .bytes()
                .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
        );
        assert_ne!(generate_name(), generate_name());
    }

    #[test]
    fn create_validation() {
        let cases: Vec<(Value, Vec<String>)> = vec![
            (json!({"apiVersion": "ext.cattle.io/v1", "kind": "Token"}), vec![]),
            (json!({"spec": {"description": "My Token"}}), vec![]),
            (json!({"spec": {"ttl": 7_200_000}}), vec![]),
            (json!({"spec": {"ttl": -1, "kind": "session", "enabled": false, "userID": ""}}), vec![]),
            (json!({"spec": {"kind": "", "ttl": null, "description": null}}), vec![]),
            (json!({"spec": {"description": "d".repeat(1024)}}), vec![]),
            (
                json!({"spec": {"description": "d".repeat(1025)}}),
                vec!["spec.description: Too long: may not be more than 1024 bytes".into()],
            ),
            (
                json!({"spec": {"kind": "not a label"}}),
                vec![
                    r#"spec.kind: Invalid value: "not a label": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"#.into(),
                ],
            ),
            (
                json!({"spec": {"ttl": "2h", "enabled": "yes", "userID": 3, "description": []}}),
                vec![
                    "spec.description: Invalid value: []: must be a string".into(),
                    r#"spec.ttl: Invalid value: "2h": must be an integer"#.into(),
                    r#"spec.enabled: Invalid value: "yes": must be a boolean"#.into(),
                    "spec.userID: Invalid value: 3: must be a string".into(),
                ],
            ),
            (
                json!({"spec": {"ttl": 1.5}}),
                vec!["spec.ttl: Invalid value: 1.5: must be an integer".into()],
            ),
            (
                json!({"spec": 5}),
                vec!["spec: Invalid value: 5: must be an object".into()],
            ),
        ];
        for (obj, want) in cases {
            let got: Vec<String> = validate_token_create(&obj)
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(got, want, "{obj}");
        }
    }

    #[test]
    fn a_long_kind_is_invalid() {
        let errs = validate_token_create(&json!({"spec": {"kind": "k".repeat(64)}}));
        assert_eq!(errs.len(), 1);
        assert!(errs[0].detail.contains("no more than 63"), "{}", errs[0]);
    }

    #[test]
    fn owner_of_a_new_token() {
        let cases: Vec<(Value, TokenOwner)> = vec![
            (json!({}), TokenOwner::Caller),
            (json!({"spec": {}}), TokenOwner::Caller),
            (json!({"spec": {"userID": null}}), TokenOwner::Caller),
            (json!({"spec": {"userID": ""}}), TokenOwner::Caller),
            (json!({"spec": {"userID": "alice"}}), TokenOwner::Caller),
            (
                json!({"spec": {"userID": "bob"}}),
                TokenOwner::OtherUser("bob".into()),
            ),
            (
                json!({"spec": {"userID": "Alice"}}),
                TokenOwner::OtherUser("Alice".into()),
            ),
            (
                json!({"spec": {"userID": 1}}),
                TokenOwner::OtherUser("1".into()),
            ),
        ];
        for (obj, want) in cases {
            assert_eq!(owner_of_new_token(&obj, "alice"), want, "{obj}");
        }
        assert_eq!(
            owner_of(&json!({"spec": {"userID": "alice"}})),
            Some("alice")
        );
        assert_eq!(owner_of(&json!({})), None);
    }

    #[test]
    fn the_owner_requirement_of_a_non_user_matches_nothing() {
        use crate::selector::LabelSelector;
        let owned = json!({"tokenhub.io/user-id": "alice"});
        let owned = owned.as_object();
        let alice = LabelSelector::parse(&owned_by_selector("alice")).unwrap();
        assert!(alice.matches(owned));
        let robot =
            LabelSelector::parse(&owned_by_selector("system:serviceaccount:ns:robot")).unwrap();
        assert!(!robot.matches(owned));
        assert!(!robot.matches(None));
        let long = LabelSelector::parse(&owned_by_selector(&"a".repeat(64))).unwrap();
        assert!(!long.matches(owned));
    }

    #[test]
    fn enabled_and_session() {
        let cases: &[(Value, bool)] = &[
            (json!({}), true),
            (json!({"spec": {"enabled": null}}), true),
            (json!({"spec": {"enabled": true}}), true),
            (json!({"spec": {"enabled": false}}), false),
            (json!({"spec": {"enabled": "true"}}), false),
        ];
        for (obj, want) in cases {
            assert_eq!(is_enabled(obj), *want, "{obj}");
        }
        assert!(is_session(&json!({"spec": {"kind": "session"}})));
        assert!(!is_session(&json!({"spec": {"kind": ""}})));
        assert!(!is_session(&json!({"spec": {"kind": "Session"}})));
        assert!(!is_session(&json!({})));
        assert!(!is_session(&json!({"spec": 3})));
    }
}
