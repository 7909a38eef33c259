//! Local users (issue 4): their passwords and what makes a valid User, and who a user is.

mod password;
mod validate;

pub use password::{
    MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS, PasswordError, check_password,
    generate_initial_password, hash_password, verify_password, verify_password_or_dummy,
};
pub use validate::{
    BOOTSTRAP_ADMIN_GROUPS, MAX_DISPLAY_NAME_BYTES, MAX_GROUP_BYTES, MAX_GROUPS, MAX_USERNAME_LEN,
    RESERVED_GROUP_PREFIXES, check_username, groups_of, is_reserved_group, password_error,
    validate_user, validate_user_update,
};

use serde_json::Value;

use crate::identity::{SYSTEM_AUTHENTICATED, UserInfo};

/// Who a request authenticated as user `username` (by password or by one of their Tokens) is:
/// the username, the user's groups without repeats, and `system:authenticated`.
pub fn user_identity<S: AsRef<str>>(username: &str, groups: &[S]) -> UserInfo {
    let mut all: Vec<String> = Vec::with_capacity(groups.len() + 1);
    for g in groups
        .iter()
        .map(AsRef::as_ref)
        .chain([SYSTEM_AUTHENTICATED])
    {
        if !all.iter().any(|have| have == g) {
            all.push(g.to_string());
        }
    }
    UserInfo {
        username: username.to_string(),
        groups: all,
        ..Default::default()
    }
}

/// `spec.enabled` of a User: absent means enabled; anything but `true` is disabled.
pub fn is_enabled(obj: &Value) -> bool {
    crate::tokens::is_enabled(obj)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identity_adds_system_authenticated_once() {
        let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
            (vec![], vec!["system:authenticated"]),
            (vec!["dev"], vec!["dev", "system:authenticated"]),
            (
                vec!["system:masters"],
                vec!["system:masters", "system:authenticated"],
            ),
            (
                vec!["dev", "dev", "system:authenticated"],
                vec!["dev", "system:authenticated"],
            ),
        ];
        for (groups, want) in cases {
            let who = user_identity("alice", &groups);
            assert_eq!(who.username, "alice");
            assert_eq!(who.groups, want);
            assert!(who.extra.is_empty());
        }
        let owned = vec!["ops".to_string()];
        assert_eq!(
            user_identity("bob", &owned).groups,
            ["ops", "system:authenticated"]
        );
    }

    #[test]
    fn enabled() {
        assert!(is_enabled(&json!({"spec": {}})));
        assert!(!is_enabled(&json!({"spec": {"enabled": false}})));
    }
}
