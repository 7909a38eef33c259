//! Signing keys: ES256 (P-256) or RS256 (RSA-2048), their public halves, PEM in and out, and the
//! key id kube derives from the public key.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize, PublicKey as RsaPublicKey};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _,
    ParsedPublicKey, RSA_PKCS1_SHA256,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::pem;

/// The JWS algorithms the hub signs with. kube-apiserver accepts both for service-account
/// issuers; RS256 verifies fastest, ES256 signs fastest and makes smaller tokens.
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SigningAlgorithm {
    ES256,
    RS256,
}

impl SigningAlgorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlgorithm::ES256 => "ES256",
            SigningAlgorithm::RS256 => "RS256",
        }
    }

    pub(crate) fn jwt_algorithm(self) -> jsonwebtoken::Algorithm {
        match self {
            SigningAlgorithm::ES256 => jsonwebtoken::Algorithm::ES256,
            SigningAlgorithm::RS256 => jsonwebtoken::Algorithm::RS256,
        }
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SigningAlgorithm {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, KeyError> {
        match s {
            "ES256" => Ok(SigningAlgorithm::ES256),
            "RS256" => Ok(SigningAlgorithm::RS256),
            other => Err(KeyError::UnknownAlgorithm(other.to_string())),
        }
    }
}

/// What can go wrong with keys and the key-set document. Messages never carry key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("unknown signing algorithm {0:?}: supported values are \"ES256\", \"RS256\"")]
    UnknownAlgorithm(String),
    #[error("could not generate a {0} signing key")]
    Generate(SigningAlgorithm),
    #[error("invalid key: {0}")]
    InvalidKey(String),
    #[error("invalid signing key document: {0}")]
    InvalidDocument(String),
    #[error("could not sign the token")]
    Sign,
    #[error("the operating system's random source failed")]
    Randomness,
}

/// The DER prefix of a P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1, a 66-byte BIT
/// STRING), followed by the 65-byte uncompressed point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
const P256_POINT_LEN: usize = 65;
const P256_COORDINATE_LEN: usize = 32;
/// RSA keys shorter than this are refused (kube's own generated keys are 2048 bits).
const MIN_RSA_MODULUS_BYTES: usize = 256;

#[derive(Clone)]
enum PublicMaterial {
    Ec { x: Vec<u8>, y: Vec<u8> },
    Rsa { n: Vec<u8>, e: Vec<u8> },
}

/// The public half of a signing key: what verifies tokens and what the JWKS publishes.
#[derive(Clone)]
pub struct PublicKey {
    algorithm: SigningAlgorithm,
    kid: String,
    spki_der: Arc<[u8]>,
    material: PublicMaterial,
    decoding: jsonwebtoken::DecodingKey,
}

impl PublicKey {
    /// Parses a DER SubjectPublicKeyInfo (an RSA PKCS#1 `RSAPublicKey` is accepted too).
    pub fn from_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        if der.len() == P256_SPKI_PREFIX.len() + P256_POINT_LEN
            && der.starts_with(&P256_SPKI_PREFIX)
        {
            let point = der.get(P256_SPKI_PREFIX.len()..).unwrap_or_default();
            return PublicKey::from_p256_point(point, der);
        }
        let rsa = RsaPublicKey::from_der(der)
            .map_err(|_| KeyError::InvalidKey("not a P-256 or RSA public key".to_string()))?;
        PublicKey::from_rsa(&rsa)
    }

    /// Parses a `-----BEGIN PUBLIC KEY-----` (or `RSA PUBLIC KEY`) PEM block.
    pub fn from_pem(text: &str) -> Result<PublicKey, KeyError> {
        let (label, der) = pem::decode(text).map_err(|e| KeyError::InvalidKey(e.to_string()))?;
        match label.as_str() {
            "PUBLIC KEY" | "RSA PUBLIC KEY" => PublicKey::from_der(&der),
            other => Err(KeyError::InvalidKey(format!(
                "expected a PUBLIC KEY PEM block, found {other:?}"
            ))),
        }
    }

    fn from_p256_point(point: &[u8], spki_der: &[u8]) -> Result<PublicKey, KeyError> {
        ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
            .map_err(|_| KeyError::InvalidKey("the P-256 point is not on the curve".to_string()))?;
        let coordinates = point.get(1..).unwrap_or_default();
        let (x, y) = coordinates.split_at(coordinates.len().min(P256_COORDINATE_LEN));
        Ok(PublicKey {
            algorithm: SigningAlgorithm::ES256,
            kid: key_id(spki_der),
            spki_der: Arc::from(spki_der),
            material: PublicMaterial::Ec {
                x: x.to_vec(),
                y: y.to_vec(),
            },
            decoding: jsonwebtoken::DecodingKey::from_ec_der(point),
        })
    }

    fn from_rsa(rsa: &RsaPublicKey) -> Result<PublicKey, KeyError> {
        let n = rsa.modulus().big_endian_without_leading_zero().to_vec();
        let e = rsa.exponent().big_endian_without_leading_zero().to_vec();
        if n.len() < MIN_RSA_MODULUS_BYTES {
            return Err(KeyError::InvalidKey(
                "RSA keys must have at least 2048 bits".to_string(),
            ));
        }
        let spki = rsa
            .as_der()
            .map_err(|_| KeyError::InvalidKey("cannot encode the RSA public key".to_string()))?;
        Ok(PublicKey {
            algorithm: SigningAlgorithm::RS256,
            kid: key_id(spki.as_ref()),
            spki_der: Arc::from(spki.as_ref()),
            decoding: jsonwebtoken::DecodingKey::from_rsa_raw_components(&n, &e),
            material: PublicMaterial::Rsa { n, e },
        })
    }

    pub fn algorithm(&self) -> SigningAlgorithm {
        self.algorithm
    }

    /// The key id: base64url (no padding) of SHA-256 over the DER SubjectPublicKeyInfo, which
    /// is what kube-apiserver puts in `kid` for the same key.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn to_der(&self) -> &[u8] {
        &self.spki_der
    }

    pub fn to_pem(&self) -> String {
        pem::encode("PUBLIC KEY", &self.spki_der)
    }

    /// The JWK as kube's JWKS publishes it, members in go-jose's order:
    /// `{"use","kty","kid","crv","alg","x","y"}` or `{"use","kty","kid","alg","n","e"}`.
    pub fn jwk(&self) -> Value {
        match &self.material {
            PublicMaterial::Ec { x, y } => json!({
                "use": "sig",
                "kty": "EC",
                "kid": self.kid,
                "crv": "P-256",
                "alg": self.algorithm.as_str(),
                "x": URL_SAFE_NO_PAD.encode(x),
                "y": URL_SAFE_NO_PAD.encode(y),
            }),
            PublicMaterial::Rsa { n, e } => json!({
                "use": "sig",
                "kty": "RSA",
                "kid": self.kid,
                "alg": self.algorithm.as_str(),
                "n": URL_SAFE_NO_PAD.encode(n),
                "e": URL_SAFE_NO_PAD.encode(e),
            }),
        }
    }

    pub(crate) fn decoding_key(&self) -> &jsonwebtoken::DecodingKey {
        &self.decoding
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .finish()
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.algorithm == other.algorithm && self.spki_der == other.spki_der
    }
}

impl Eq for PublicKey {}

enum KeyPair {
    Ec(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

/// A private key that signs tokens. Cloning shares the parsed key; `Debug` shows only the
/// algorithm and the kid.
#[derive(Clone)]
pub struct SigningKey {
    pair: Arc<KeyPair>,
    public: PublicKey,
}

impl SigningKey {
    /// A new key from the operating system's randomness (through aws-lc).
    pub fn generate(algorithm: SigningAlgorithm) -> Result<SigningKey, KeyError> {
        let pair = match algorithm {
            SigningAlgorithm::ES256 => EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
                .map(KeyPair::Ec)
                .map_err(|_| KeyError::Generate(algorithm))?,
            SigningAlgorithm::RS256 => RsaKeyPair::generate(KeySize::Rsa2048)
                .map(KeyPair::Rsa)
                .map_err(|_| KeyError::Generate(algorithm))?,
        };
        SigningKey::from_pair(pair)
    }

    /// Parses a private key: PKCS#8 (`PRIVATE KEY`), or the older SEC 1 (`EC PRIVATE KEY`) and
    /// PKCS#1 (`RSA PRIVATE KEY`) forms kube-apiserver's `--service-account-signing-key-file`
    /// also takes. The curve must be P-256 and RSA keys at least 2048 bits.
    pub fn from_pem(text: &str) -> Result<SigningKey, KeyError> {
        let (label, der) = pem::decode(text).map_err(|e| KeyError::InvalidKey(e.to_string()))?;
        let pair = match label.as_str() {
            "PRIVATE KEY" => EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der)
                .map(KeyPair::Ec)
                .or_else(|_| RsaKeyPair::from_pkcs8(&der).map(KeyPair::Rsa))
                .map_err(|_| {
                    KeyError::InvalidKey(
                        "not a P-256 (ES256) or RSA (RS256) PKCS#8 private key".to_string(),
                    )
                })?,
            "EC PRIVATE KEY" => {
                EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_FIXED_SIGNING, &der)
                    .map(KeyPair::Ec)
                    .map_err(|_| KeyError::InvalidKey("not a P-256 private key".to_string()))?
            }
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der)
                .map(KeyPair::Rsa)
                .map_err(|_| KeyError::InvalidKey("not an RSA private key".to_string()))?,
            other => {
                return Err(KeyError::InvalidKey(format!(
                    "expected a PRIVATE KEY PEM block, found {other:?}"
                )));
            }
        };
        SigningKey::from_pair(pair)
    }

    fn from_pair(pair: KeyPair) -> Result<SigningKey, KeyError> {
        let cannot_encode = |_| KeyError::InvalidKey("cannot encode the public key".to_string());
        let public = match &pair {
            KeyPair::Ec(ec) => {
                let spki = ec.public_key().as_der().map_err(cannot_encode)?;
                PublicKey::from_der(spki.as_ref())?
            }
            KeyPair::Rsa(rsa) => PublicKey::from_rsa(rsa.public_key())?,
        };
        Ok(SigningKey {
            pair: Arc::new(pair),
            public,
        })
    }

    /// The private key as a PKCS#8 `-----BEGIN PRIVATE KEY-----` block.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        let cannot_encode = |_| KeyError::InvalidKey("cannot encode the private key".to_string());
        let der = match self.pair.as_ref() {
            KeyPair::Ec(ec) => ec.to_pkcs8v1().map_err(cannot_encode)?.as_ref().to_vec(),
            KeyPair::Rsa(rsa) => rsa.as_der().map_err(cannot_encode)?.as_ref().to_vec(),
        };
        Ok(pem::encode("PRIVATE KEY", &der))
    }

    pub fn algorithm(&self) -> SigningAlgorithm {
        self.public.algorithm
    }

    pub fn kid(&self) -> &str {
        &self.public.kid
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The JWS signature of `message`: r‖s for ES256, PKCS#1 v1.5 for RS256. The key was parsed
    /// once, not on every call as `jsonwebtoken::encode` would.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let rng = SystemRandom::new();
        match self.pair.as_ref() {
            KeyPair::Ec(ec) => ec
                .sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| KeyError::Sign),
            KeyPair::Rsa(rsa) => {
                let mut signature = vec![0; rsa.public_modulus_len()];
                rsa.sign(&RSA_PKCS1_SHA256, &rng, message, &mut signature)
                    .map_err(|_| KeyError::Sign)?;
                Ok(signature)
            }
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.public.algorithm)
            .field("kid", &self.public.kid)
            .finish_non_exhaustive()
    }
}

/// base64url(SHA-256(DER SubjectPublicKeyInfo)), as kube's `keyIDFromPublicKey`.
fn key_id(spki_der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(spki_der))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serviceaccount::test_support::{ec_key, rsa_key};

    #[test]
    fn algorithms_parse_from_their_names_only() {
        assert_eq!("ES256".parse(), Ok(SigningAlgorithm::ES256));
        assert_eq!("RS256".parse(), Ok(SigningAlgorithm::RS256));
        for bad in ["es256", "HS256", "none", "", "RS512"] {
            assert!(bad.parse::<SigningAlgorithm>().is_err(), "{bad}");
        }
        assert_eq!(
            "HS256".parse::<SigningAlgorithm>().unwrap_err().to_string(),
            r#"unknown signing algorithm "HS256": supported values are "ES256", "RS256""#
        );
    }

    #[test]
    fn private_keys_round_trip_through_pkcs8_pem_with_a_stable_kid() {
        for key in [ec_key(), rsa_key()] {
            let pem = key.to_pem().unwrap();
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
            let again = SigningKey::from_pem(&pem).unwrap();
            assert_eq!(again.algorithm(), key.algorithm());
            assert_eq!(again.kid(), key.kid());
            assert_eq!(again.public_key(), key.public_key());
            assert_eq!(key.kid().len(), 43, "base64url of 32 bytes");
        }
        assert_ne!(ec_key().kid(), rsa_key().kid());
    }

    #[test]
    fn public_keys_round_trip_through_spki_pem() {
        for key in [ec_key(), rsa_key()] {
            let pem = key.public_key().to_pem();
            assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
            let public = PublicKey::from_pem(&pem).unwrap();
            assert_eq!(&public, key.public_key());
            assert_eq!(public.kid(), key.kid());
            assert_eq!(public.algorithm(), key.algorithm());
        }
    }

    #[test]
    fn generated_keys_differ() {
        let a = SigningKey::generate(SigningAlgorithm::ES256).unwrap();
        let b = SigningKey::generate(SigningAlgorithm::ES256).unwrap();
        assert_ne!(a.kid(), b.kid());
    }

    #[test]
    fn the_kid_is_the_sha256_of_the_spki_as_kube_computes_it() {
        let key = ec_key();
        let der = key.public_key().to_der();
        assert!(der.starts_with(&P256_SPKI_PREFIX));
        assert_eq!(key.kid(), URL_SAFE_NO_PAD.encode(Sha256::digest(der)));
    }

    #[test]
    fn debug_output_carries_no_key_material() {
        let key = rsa_key();
        let shown = format!("{key:?}");
        assert!(shown.contains(key.kid()));
        assert!(shown.contains("RS256"));
        assert!(shown.len() < 120, "{shown}");
    }

    #[test]
    fn wrong_or_garbled_pem_is_an_error_not_a_panic() {
        let ec_pem = ec_key().to_pem().unwrap();
        let public_pem = ec_key().public_key().to_pem();
        let cases = [
            String::new(),
            "not a key".to_string(),
            public_pem.clone(),
            ec_pem.replace("PRIVATE KEY", "CERTIFICATE"),
            ec_pem.replacen('M', "N", 3),
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".to_string(),
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n".to_string(),
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n".to_string(),
        ];
        for text in &cases {
            assert!(SigningKey::from_pem(text).is_err(), "{text}");
        }
        assert!(PublicKey::from_pem(&ec_pem).is_err());
        assert!(
            PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                .is_err()
        );
        // A P-256 prefix with a point that is not on the curve.
        let mut bogus = P256_SPKI_PREFIX.to_vec();
        bogus.push(4);
        bogus.extend([7u8; 64]);
        assert!(PublicKey::from_der(&bogus).is_err());
    }
}
