//! Who is asking: the Kubernetes user info every authenticator produces.

use std::collections::BTreeMap;

pub const SYSTEM_AUTHENTICATED: &str = "system:authenticated";
pub const SYSTEM_UNAUTHENTICATED: &str = "system:unauthenticated";
pub const SYSTEM_MASTERS: &str = "system:masters";
pub const ANONYMOUS: &str = "system:anonymous";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserInfo {
    pub username: String,
    pub uid: String,
    pub groups: Vec<String>,
    pub extra: BTreeMap<String, Vec<String>>,
}

impl UserInfo {
    pub fn anonymous() -> Self {
        UserInfo {
            username: ANONYMOUS.into(),
            groups: vec![SYSTEM_UNAUTHENTICATED.into()],
            ..Default::default()
        }
    }

    pub fn is_anonymous(&self) -> bool {
        self.username == ANONYMOUS
    }

    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}
