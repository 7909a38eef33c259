//! Kubeconfigs the hub writes: `admin.kubeconfig` with the bootstrap admin's token (0600), and
//! the credential-free one it publishes in ConfigMap `tokenhub/tokenhub-kubeconfig`.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use tokenhub_core::credentials::{
    SecretHash, hash_from_hex, hash_secret, hash_to_hex, random_secret, verify_secret,
};

use super::BootstrapError;
use super::files::{read_if_exists, write_private};

const ADMIN_KUBECONFIG: &str = "admin.kubeconfig";
const ADMIN_TOKEN_HASH: &str = "admin-token.sha256";

/// The bootstrap admin's token: the hash authenticates, the token goes into the kubeconfig.
#[derive(Debug)]
pub struct AdminCredential {
    pub token: String,
    pub hash: SecretHash,
}

#[derive(Deserialize)]
struct Kubeconfig {
    #[serde(default)]
    users: Vec<NamedUser>,
}

#[derive(Deserialize)]
struct NamedUser {
    user: User,
}

#[derive(Deserialize)]
struct User {
    #[serde(default)]
    token: Option<String>,
}

impl AdminCredential {
    /// The stored credential, or a new one when there is none (or the stored kubeconfig no
    /// longer holds the token the stored hash was made from).
    pub fn load_or_create(dir: &Path) -> Result<AdminCredential, BootstrapError> {
        let hash_path = dir.join(ADMIN_TOKEN_HASH);
        let kubeconfig_path = dir.join(ADMIN_KUBECONFIG);
        let stored_hash = read_if_exists(&hash_path)
            .map_err(|e| BootstrapError::io(&hash_path, e))?
            .and_then(|h| hash_from_hex(&h));
        let stored_token = read_if_exists(&kubeconfig_path)
            .map_err(|e| BootstrapError::io(&kubeconfig_path, e))?
            .and_then(|text| serde_saphyr::from_str::<Kubeconfig>(&text).ok())
            .and_then(|k| k.users.into_iter().find_map(|u| u.user.token));
        if let (Some(hash), Some(token)) = (stored_hash, stored_token)
            && verify_secret(&token, &hash)
        {
            return Ok(AdminCredential { token, hash });
        }
        let token = random_secret().map_err(|e| BootstrapError::Other(e.to_string()))?;
        let hash = hash_secret(&token);
        write_private(&hash_path, hash_to_hex(&hash).as_bytes())
            .map_err(|e| BootstrapError::io(&hash_path, e))?;
        Ok(AdminCredential { token, hash })
    }

    pub fn write_kubeconfig(
        &self,
        dir: &Path,
        server_url: &str,
        ca_pem: &str,
    ) -> Result<(), BootstrapError> {
        let path = dir.join(ADMIN_KUBECONFIG);
        write_private(
            &path,
            admin_kubeconfig(server_url, ca_pem, &self.token).as_bytes(),
        )
        .map_err(|e| BootstrapError::io(&path, e))
    }
}

fn cluster_section(server_url: &str, ca_pem: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: tokenhub\n  cluster:\n    server: {server_url}\n    certificate-authority-data: {}\n",
        STANDARD.encode(ca_pem)
    )
}

/// A kubeconfig for the bootstrap admin.
pub fn admin_kubeconfig(server_url: &str, ca_pem: &str, token: &str) -> String {
    format!(
        "{}users:\n- name: tokenhub-admin\n  user:\n    token: {token}\ncontexts:\n- name: tokenhub\n  context:\n    cluster: tokenhub\n    user: tokenhub-admin\n    namespace: default\ncurrent-context: tokenhub\n",
        cluster_section(server_url, ca_pem)
    )
}

/// A kubeconfig with the hub's address and CA and no credential: users add their own token.
pub fn public_kubeconfig(server_url: &str, ca_pem: &str) -> String {
    format!(
        "{}users:\n- name: tokenhub-user\n  user: {{}}\ncontexts:\n- name: tokenhub\n  context:\n    cluster: tokenhub\n    user: tokenhub-user\n    namespace: default\ncurrent-context: tokenhub\n",
        cluster_section(server_url, ca_pem)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_admin_credential_survives_a_restart_and_is_renewed_when_lost() {
        let dir = tempfile::tempdir().unwrap();
        let first = AdminCredential::load_or_create(dir.path()).unwrap();
        first
            .write_kubeconfig(dir.path(), "https://127.0.0.1:7443", "PEM")
            .unwrap();
        let second = AdminCredential::load_or_create(dir.path()).unwrap();
        assert_eq!(first.token, second.token);
        std::fs::remove_file(dir.path().join(ADMIN_KUBECONFIG)).unwrap();
        let third = AdminCredential::load_or_create(dir.path()).unwrap();
        assert_ne!(first.token, third.token);
    }

    #[test]
    fn the_public_kubeconfig_carries_no_credential() {
        let k = public_kubeconfig("https://h:1", "PEM");
        assert!(k.contains("server: https://h:1"));
        // No `token:` field (the names, `tokenhub…`, contain the word).
        assert!(!k.contains("token:"));
    }
}
