//! ServiceAccount tokens: signed JWTs with the Kubernetes claims, as kube-apiserver issues them.
//!
//! Pure and synchronous: keys are generated and (de)serialized here, but the server reads and
//! writes the key file, and the time is always passed in. The pieces:
//!
//! - [`SigningKey`] and [`PublicKey`]: ES256 (P-256) or RS256 (RSA-2048) keys, PKCS#8 / SPKI PEM,
//!   with the `kid` kube derives from the public key;
//! - [`KeySet`]: the active signing key plus retired keys that still verify, persisted as one
//!   JSON document;
//! - [`ServiceAccountClaims`]: the claims of a bound token and the identity they carry;
//! - [`KeySet::verify`]: signature, issuer, audience and time checks, with [`TokenError`];
//! - [`TokenRequestPolicy`] and the TokenRequest helpers: validation, expiration, response;
//! - [`openid_configuration`] and [`KeySet::jwks`]: OIDC discovery documents;
//! - [`VerifiedTokenCache`]: a bounded map from SHA-256(token) to verified claims.

mod cache;
mod claims;
mod discovery;
mod keys;
mod keyset;
mod pem;
mod token_request;
mod verify;

#[cfg(test)]
mod test_support;

pub use cache::{DEFAULT_CACHE_CAPACITY, VerifiedTokenCache};
pub use claims::{
    BoundObject, BoundObjectKind, CREDENTIAL_ID_KEY, KubernetesClaims, NODE_NAME_KEY, NODE_UID_KEY,
    ObjectRef, POD_NAME_KEY, POD_UID_KEY, SERVICE_ACCOUNT_USERNAME_PREFIX, SERVICE_ACCOUNTS_GROUP,
    ServiceAccountClaims, ServiceAccountRef, new_jti, service_account_groups,
    service_account_username,
};
pub use discovery::{
    DISCOVERY_MAX_AGE_SECONDS, JWKS_PATH, OPENID_CONFIG_PATH, default_jwks_uri,
    openid_configuration, validate_issuer_url,
};
pub use keys::{KeyError, PublicKey, SigningAlgorithm, SigningKey};
pub use keyset::{KeySet, RetiredKey};
pub use token_request::{
    BoundObjectReference, IssuedToken, MAX_EXPIRATION_SECONDS, MIN_EXPIRATION_SECONDS,
    ReviewedTokenRequest, TokenRequestError, TokenRequestPolicy, TokenRequestSpec,
    effective_audiences, expiration_warning, token_request_response,
    validate_token_request_metadata, validate_token_request_spec,
};
pub use verify::{CLOCK_SKEW_LEEWAY_SECONDS, MAX_TOKEN_BYTES, TokenError};
