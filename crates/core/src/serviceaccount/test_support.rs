//! Keys generated once per test run (RSA generation takes a while) and common fixtures.

use std::sync::OnceLock;

use jiff::Timestamp;

use super::keys::{SigningAlgorithm, SigningKey};

pub(crate) const ISSUER: &str = "https://tokenhub.example:7443";
pub(crate) const AUDIENCE: &str = "https://tokenhub.example:7443";

pub(crate) fn audiences() -> Vec<String> {
    vec![AUDIENCE.to_string()]
}

pub(crate) fn at(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap()
}

fn cached(cell: &'static OnceLock<SigningKey>, alg: SigningAlgorithm) -> SigningKey {
    cell.get_or_init(|| SigningKey::generate(alg).unwrap())
        .clone()
}

pub(crate) fn ec_key() -> SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    cached(&KEY, SigningAlgorithm::ES256)
}

pub(crate) fn ec_key2() -> SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    cached(&KEY, SigningAlgorithm::ES256)
}

pub(crate) fn rsa_key() -> SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    cached(&KEY, SigningAlgorithm::RS256)
}
