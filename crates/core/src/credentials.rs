//! Secrets: generated from the OS's randomness, stored only as a hash, compared in constant time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The SHA-256 of a high-entropy secret: enough, since the secret itself is 256 random bits.
pub type SecretHash = [u8; 32];

#[derive(Debug, thiserror::Error)]
#[error("the operating system's random source failed: {0}")]
pub struct RandomnessError(String);

impl RandomnessError {
    /// For a source that answers but never yields a usable byte: a broken one.
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        RandomnessError(reason.into())
    }
}

/// Fills `buf` from the OS's random source.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), RandomnessError> {
    getrandom::fill(buf).map_err(|e| RandomnessError(e.to_string()))
}

/// 256 bits from the OS, base64url without padding (43 characters).
pub fn random_secret() -> Result<String, RandomnessError> {
    let mut bytes = [0u8; 32];
    random_bytes(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

pub fn hash_secret(secret: &str) -> SecretHash {
    Sha256::digest(secret.as_bytes()).into()
}

/// Whether `presented` hashes to `expected`, in time independent of where they differ.
pub fn verify_secret(presented: &str, expected: &SecretHash) -> bool {
    hash_secret(presented).ct_eq(expected).into()
}

pub fn hash_to_hex(hash: &SecretHash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hash_from_hex(hex: &str) -> Option<SecretHash> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_distinct_and_verify_only_themselves() {
        let a = random_secret().unwrap();
        let b = random_secret().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        let h = hash_secret(&a);
        assert!(verify_secret(&a, &h));
        assert!(!verify_secret(&b, &h));
        assert_eq!(hash_from_hex(&hash_to_hex(&h)), Some(h));
        assert_eq!(hash_from_hex("zz"), None);
    }
}
