//! Machine API tokens (issue 5): their ids, their Kubernetes identity and their roles.
//!
//! An APIToken's name is its id: 22 characters of base62 (about 131 bits) from the OS's
//! randomness, as Cloudfleet's ids look (`2iKo4Asy51EUx2gpJFW76t`). Inside Kubernetes the token
//! is the user `service-account-<lowercased id>` in group [`GROUP`], so RoleBindings can name it.
//! Lowercasing maps 62 characters onto 36, so two ids can share a username; with random ids
//! that is a 2^-113 chance per pair, but the server should still refuse a create whose
//! username is taken.

mod validate;

use std::fmt;

pub use validate::{
    MAX_DISPLAY_NAME_BYTES, expiry_of, is_expired, role_of, validate_api_token,
    validate_api_token_update,
};

use crate::bearer::{is_base62, random_base62};
use crate::credentials::RandomnessError;
use crate::identity::{SYSTEM_AUTHENTICATED, UserInfo};

/// Length of an API token id.
pub const ID_LEN: usize = 22;
/// The group every API token is in.
pub const GROUP: &str = "tokenhub:apitokens";
/// What a token's username starts with.
pub const USERNAME_PREFIX: &str = "service-account-";

/// A new id: 22 letters and digits.
pub fn generate_id() -> Result<String, RandomnessError> {
    random_base62(ID_LEN)
}

/// Whether `id` has the shape of an API token id.
pub fn is_valid_id(id: &str) -> bool {
    id.len() == ID_LEN && is_base62(id)
}

/// The Kubernetes username of token `id`: `service-account-<lowercased id>`.
pub fn username_for(id: &str) -> String {
    format!("{USERNAME_PREFIX}{}", id.to_ascii_lowercase())
}

/// Who a request authenticated by token `id` is.
pub fn identity(id: &str) -> UserInfo {
    UserInfo {
        username: username_for(id),
        groups: vec![GROUP.to_string(), SYSTEM_AUTHENTICATED.to_string()],
        ..Default::default()
    }
}

/// The ClusterRoleBinding that gives token `id` its role; owned by the token, so it goes
/// with it.
pub fn cluster_role_binding_name(id: &str) -> String {
    format!("apitoken-{}", id.to_ascii_lowercase())
}

/// What a token may do, as Cloudfleet's two roles. The least privilege is the default, as
/// GitHub, GitLab and kanidm default to read-only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Role {
    Administrator,
    #[default]
    User,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Administrator, Role::User];
    /// The spellings `spec.role` accepts, exactly (as Kubernetes enums, case matters).
    pub const NAMES: [&'static str; 2] = ["Administrator", "User"];

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "Administrator" => Some(Role::Administrator),
            "User" => Some(Role::User),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::User => "User",
        }
    }

    /// The ClusterRole the role binds: Administrator → `cluster-admin`, User → `view`.
    pub fn cluster_role(self) -> &'static str {
        match self {
            Role::Administrator => "cluster-admin",
            Role::User => "view",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::validation::is_dns1123_subdomain;

    #[test]
    fn ids_are_22_letters_and_digits_and_unique() {
        let ids: HashSet<String> = (0..2000).map(|_| generate_id().unwrap()).collect();
        assert_eq!(ids.len(), 2000);
        for id in &ids {
            assert_eq!(id.len(), ID_LEN);
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
            assert!(is_valid_id(id));
            // Usernames and binding names are valid Kubernetes names.
            assert!(is_dns1123_subdomain(&username_for(id)).is_empty());
            assert!(is_dns1123_subdomain(&cluster_role_binding_name(id)).is_empty());
        }
        // Case-insensitively distinct too.
        let lower: HashSet<String> = ids.iter().map(|i| i.to_ascii_lowercase()).collect();
        assert_eq!(lower.len(), 2000);
        // Upper and lower case and digits all occur.
        let all: String = ids.into_iter().collect();
        assert!(all.bytes().any(|b| b.is_ascii_uppercase()));
        assert!(all.bytes().any(|b| b.is_ascii_lowercase()));
        assert!(all.bytes().any(|b| b.is_ascii_digit()));
    }

    #[test]
    fn id_shape() {
        let cases: &[(&str, bool)] = &[
            ("nFYyVdtg8K1aDujwk3YFh1", true),
            ("2iKo4Asy51EUx2gpJFW76t", true),
            ("nFYyVdtg8K1aDujwk3YFh", false),
            ("nFYyVdtg8K1aDujwk3YFh12", false),
            ("nFYyVdtg8K1aDujwk3YF-1", false),
            ("nFYyVdtg8K1aDujwk3YF_1", false),
            ("nFYyVdtg8K1aDujwk3YF\u{e9}", false),
            ("", false),
        ];
        for (id, ok) in cases {
            assert_eq!(is_valid_id(id), *ok, "{id}");
        }
    }

    #[test]
    fn identity_is_the_lowercased_service_account_user() {
        // The example of the Cloudfleet documentation.
        assert_eq!(
            username_for("nFYyVdtg8K1aDujwk3YFh1"),
            "service-account-nfyyvdtg8k1adujwk3yfh1"
        );
        let who = identity("nFYyVdtg8K1aDujwk3YFh1");
        assert_eq!(who.username, "service-account-nfyyvdtg8k1adujwk3yfh1");
        assert_eq!(who.groups, ["tokenhub:apitokens", "system:authenticated"]);
        assert_eq!(
            cluster_role_binding_name("nFYyVdtg8K1aDujwk3YFh1"),
            "apitoken-nfyyvdtg8k1adujwk3yfh1"
        );
    }

    #[test]
    fn roles_map_to_cluster_roles() {
        let cases = [
            ("Administrator", Some(Role::Administrator), "cluster-admin"),
            ("User", Some(Role::User), "view"),
        ];
        for (name, role, cluster_role) in cases {
            assert_eq!(Role::parse(name), role);
            let role = role.unwrap();
            assert_eq!(role.as_str(), name);
            assert_eq!(role.to_string(), name);
            assert_eq!(role.cluster_role(), cluster_role);
        }
        for bad in ["administrator", "USER", "admin", "", " User"] {
            assert_eq!(Role::parse(bad), None, "{bad}");
        }
        assert_eq!(Role::default(), Role::User);
        assert_eq!(
            Role::ALL.map(Role::as_str),
            Role::NAMES,
            "NAMES lists every role in order"
        );
    }
}
