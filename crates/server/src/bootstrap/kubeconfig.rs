//! Kubeconfigs the hub writes: `admin.kubeconfig` with a token of user `admin` (0600), and
//! the credential-free one it publishes in ConfigMap `tokenhub/tokenhub-kubeconfig`.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use super::BootstrapError;
use super::files::{read_if_exists, write_private};

const ADMIN_KUBECONFIG: &str = "admin.kubeconfig";

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

/// The token `admin.kubeconfig` holds, if there is one.
pub fn held_admin_token(dir: &Path) -> Result<Option<String>, BootstrapError> {
    let path = dir.join(ADMIN_KUBECONFIG);
    Ok(read_if_exists(&path)
        .map_err(|e| BootstrapError::io(&path, e))?
        .and_then(|text| serde_saphyr::from_str::<Kubeconfig>(&text).ok())
        .and_then(|k| k.users.into_iter().find_map(|u| u.user.token)))
}

/// Writes `admin.kubeconfig` (0600) for `token`.
pub fn write_admin_kubeconfig(
    dir: &Path,
    server_url: &str,
    ca_pem: &str,
    token: &str,
) -> Result<(), BootstrapError> {
    let path = dir.join(ADMIN_KUBECONFIG);
    write_private(
        &path,
        admin_kubeconfig(server_url, ca_pem, token).as_bytes(),
    )
    .map_err(|e| BootstrapError::io(&path, e))
}

fn cluster_section(server_url: &str, ca_pem: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: tokenhub\n  cluster:\n    server: {server_url}\n    certificate-authority-data: {}\n",
        STANDARD.encode(ca_pem)
    )
}

/// A kubeconfig for the admin.
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
    fn the_admin_kubeconfig_holds_its_token_and_the_public_one_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(held_admin_token(dir.path()).unwrap(), None);
        write_admin_kubeconfig(dir.path(), "https://127.0.0.1:7443", "PEM", "tht_x").unwrap();
        assert_eq!(
            held_admin_token(dir.path()).unwrap().as_deref(),
            Some("tht_x")
        );
        let k = public_kubeconfig("https://h:1", "PEM");
        assert!(k.contains("server: https://h:1"));
        assert!(!k.contains("token:"));
    }
}
