//! What the first start leaves in the data directory: an admin kubeconfig and keys that only
//! the hub's user can read, and the CA clients trust.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::Api;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn secrets_are_private_and_the_ca_is_public() {
    let api = Api::start();
    let dir = api.hub.data_dir();
    assert_eq!(mode(&dir), 0o700);
    for private in [
        "admin.kubeconfig",
        "initial-admin-password",
        "service-account-keys.json",
        "ca.key",
        "tls.key",
    ] {
        assert_eq!(mode(&dir.join(private)), 0o600, "{private}");
    }
    assert_eq!(mode(&dir.join("ca.crt")), 0o644);
    let ca = std::fs::read_to_string(dir.join("ca.crt")).expect("ca.crt");
    assert_eq!(ca, api.hub.ca_pem);

    let kubeconfig = std::fs::read_to_string(api.hub.kubeconfig()).expect("the kubeconfig");
    assert!(
        kubeconfig.contains(&format!("server: {}", api.hub.url)),
        "{kubeconfig}"
    );
    assert!(kubeconfig.contains(&api.hub.admin_token));
    // The admin kubeconfig holds a personal Token of user admin; the store keeps only the
    // hash of its secret.
    assert!(
        api.hub.admin_token.starts_with("tht_token-"),
        "{}",
        api.hub.admin_token
    );
    let secret = api.hub.admin_token.rsplit('_').next().unwrap_or_default();
    let database = std::fs::read(dir.join("tokenhub.db")).expect("the database");
    let wal = std::fs::read(dir.join("tokenhub.db-wal")).unwrap_or_default();
    for bytes in [&database, &wal] {
        assert!(
            !bytes.windows(20).any(|w| secret.as_bytes().starts_with(w)),
            "the token's secret is stored in plain text"
        );
    }
}
