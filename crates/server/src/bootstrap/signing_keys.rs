//! The ServiceAccount token signing keys: generated on first start into the data directory
//! (0600), rotated on request or when the algorithm changes; retired keys keep verifying the
//! tokens they signed until the longest a token may live has passed.

use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use tokenhub_core::serviceaccount::{KeySet, SigningAlgorithm, SigningKey};

use super::BootstrapError;
use super::files::{read_if_exists, write_private};

const FILE: &str = "service-account-keys.json";

pub fn load_or_create(
    dir: &Path,
    algorithm: SigningAlgorithm,
    rotate: bool,
    now: Timestamp,
    max_token_lifetime: SignedDuration,
) -> Result<KeySet, BootstrapError> {
    let path = dir.join(FILE);
    let key_error = |e: tokenhub_core::serviceaccount::KeyError| {
        BootstrapError::Other(format!("{}: {e}", path.display()))
    };
    let stored = read_if_exists(&path).map_err(|e| BootstrapError::io(&path, e))?;
    let (mut keys, mut changed) = match stored {
        Some(text) => (KeySet::from_text(&text).map_err(key_error)?, false),
        None => (KeySet::generate(algorithm).map_err(key_error)?, true),
    };
    if (rotate && !changed) || keys.active().algorithm() != algorithm {
        keys.rotate(SigningKey::generate(algorithm).map_err(key_error)?, now);
        tracing::info!(
            kid = keys.active().kid(),
            "rotated the ServiceAccount signing key"
        );
        changed = true;
    }
    if keys.prune(now, max_token_lifetime) > 0 {
        changed = true;
    }
    if changed {
        let text = keys.to_text().map_err(key_error)?;
        write_private(&path, text.as_bytes()).map_err(|e| BootstrapError::io(&path, e))?;
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn keys_are_made_once_kept_private_and_rotated_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let year = SignedDuration::from_hours(8760);
        let first = load_or_create(dir.path(), SigningAlgorithm::ES256, false, now, year).unwrap();
        let mode = std::fs::metadata(dir.path().join(FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = load_or_create(dir.path(), SigningAlgorithm::ES256, false, now, year).unwrap();
        assert_eq!(first.active().kid(), again.active().kid());
        let rotated = load_or_create(dir.path(), SigningAlgorithm::ES256, true, now, year).unwrap();
        assert_ne!(rotated.active().kid(), first.active().kid());
        assert!(
            rotated.key(first.active().kid()).is_some(),
            "the old key still verifies"
        );
        let rsa = load_or_create(dir.path(), SigningAlgorithm::RS256, false, now, year).unwrap();
        assert_eq!(rsa.active().algorithm(), SigningAlgorithm::RS256);
    }
}
