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
        "admin-token.sha256",
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
    // Only a hash of the admin token is kept besides the kubeconfig.
    let hash = std::fs::read_to_string(dir.join("admin-token.sha256")).expect("the hash");
    assert!(!hash.contains(&api.hub.admin_token));
    assert!(dir.join("tokenhub.db").exists());
}
