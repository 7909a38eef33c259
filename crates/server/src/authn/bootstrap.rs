//! The bootstrap admin's token, written into `admin.kubeconfig` on first start.

use tokenhub_core::credentials::{SecretHash, verify_secret};
use tokenhub_core::identity::{SYSTEM_AUTHENTICATED, SYSTEM_MASTERS, UserInfo};

use super::{Authentication, Authenticator};

/// The bootstrap admin's token, known only by its hash.
#[derive(Debug)]
pub struct BootstrapToken {
    hash: SecretHash,
}

/// The bootstrap admin: a member of `system:masters`.
pub const BOOTSTRAP_ADMIN: &str = "admin";

impl BootstrapToken {
    pub fn new(hash: SecretHash) -> Self {
        BootstrapToken { hash }
    }
}

#[async_trait::async_trait]
impl Authenticator for BootstrapToken {
    async fn authenticate(&self, token: &str, _audiences: &[String]) -> Authentication {
        if !verify_secret(token, &self.hash) {
            return Authentication::Unknown;
        }
        Authentication::Authenticated {
            user: UserInfo {
                username: BOOTSTRAP_ADMIN.into(),
                uid: String::new(),
                groups: vec![SYSTEM_MASTERS.into(), SYSTEM_AUTHENTICATED.into()],
                extra: Default::default(),
            },
            audiences: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokenhub_core::credentials::hash_secret;

    #[tokio::test]
    async fn only_the_bootstrap_token_authenticates_as_a_master() {
        let auth = BootstrapToken::new(hash_secret("s3cret"));
        let Authentication::Authenticated { user, .. } = auth.authenticate("s3cret", &[]).await
        else {
            panic!("the bootstrap token authenticates");
        };
        assert!(user.in_group(SYSTEM_MASTERS));
        assert!(matches!(
            auth.authenticate("s3cre", &[]).await,
            Authentication::Unknown
        ));
        assert!(matches!(
            auth.authenticate("", &[]).await,
            Authentication::Unknown
        ));
    }
}
