//! The opaque bearer credentials the hub issues, formatted and parsed in one place.
//!
//! # Formats
//!
//! ```text
//! personal Token   tht_<token name>_<secret><checksum>
//! API token        tha_<token id>_<secret><checksum>
//! Rancher form     ext/<token name>:<secret>            (personal Tokens only, no checksum)
//! ```
//!
//! - The **prefix** (`tht_`, `tha_`) names the kind, so secret scanners can find leaked
//!   credentials with few false positives, and the authenticator knows which index to ask.
//! - The **id** is the credential's name (a Token's `metadata.name`, a DNS-1123 subdomain such
//!   as `token-x7k2p`) or an API token's id (22 letters and digits). Authentication is one map
//!   lookup by id, then one constant-time comparison of hashes; never a scan. Neither kind of id
//!   can contain `_`, so the last `_` ends the id.
//! - The **secret** is 43 characters of base62 (`0-9A-Za-z`) drawn uniformly from the OS's
//!   randomness: 43 × log2(62) ≈ 256.03 bits. Only its hash is stored
//!   ([`hash_secret`](crate::credentials::hash_secret) of exactly these 43 characters).
//! - The **checksum** is the CRC-32 (ISO-HDLC, the zlib/PNG one) of every byte before it, i.e.
//!   of `tht_<id>_<secret>`, written as 6 base62 digits, most significant first, zero-padded
//!   (62^6 > 2^32). As GitHub does, it lets a typo or a truncated paste be refused before any
//!   lookup; it is not a secret and not a MAC.
//!
//! Examples (made-up secrets, real checksums; Python's `zlib.crc32` agrees):
//!
//! ```text
//! tht_token-x7k2p_Zq3kS0vHn9YtB2mWc8rLd4JfE6pUa1xGi5oRs7TbNwK4HYtf6
//! tha_2iKo4Asy51EUx2gpJFW76t_Zq3kS0vHn9YtB2mWc8rLd4JfE6pUa1xGi5oRs7TbNwK25NjoU
//! ext/token-x7k2p:Zq3kS0vHn9YtB2mWc8rLd4JfE6pUa1xGi5oRs7TbNwK
//! ```
//!
//! The Rancher form carries the same secret as the `tht_` form of the same token, so scripts
//! written for Rancher's `ext/<name>:<value>` keep working; it accepts any base62 secret of up
//! to 128 characters (Rancher's own are 54 characters of a base62 subset).
//!
//! Nothing here prints a secret: [`Secret`] redacts itself in `Debug`, every type holding one
//! has a hand-written or derived-through-[`Secret`] `Debug`, and [`BearerError`] never quotes
//! its input.

mod base62;
mod secret;

use std::fmt;

pub(crate) use base62::{is_base62, random_base62, random_chars};
pub use secret::Secret;

use crate::api_tokens;
use crate::credentials::RandomnessError;
use crate::validation::is_dns1123_subdomain;

/// Length of the secret part of every credential the hub issues.
pub const SECRET_LEN: usize = 43;
/// Length of the checksum that ends a `tht_` or `tha_` bearer string.
pub const CHECKSUM_LEN: usize = 6;
/// Longer input is refused before it is looked at.
pub const MAX_BEARER_LEN: usize = 640;
/// Longest secret accepted in the Rancher form.
const MAX_RANCHER_SECRET_LEN: usize = 128;

pub const PERSONAL_TOKEN_PREFIX: &str = "tht_";
pub const API_TOKEN_PREFIX: &str = "tha_";
pub const RANCHER_PREFIX: &str = "ext/";

const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// The kinds of opaque credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// A user's `Token` (issue 4); the id is the token's name.
    PersonalToken,
    /// A machine `APIToken` (issue 5); the id is the token's id.
    ApiToken,
}

impl CredentialKind {
    pub const ALL: [CredentialKind; 2] = [CredentialKind::PersonalToken, CredentialKind::ApiToken];

    pub fn prefix(self) -> &'static str {
        match self {
            CredentialKind::PersonalToken => PERSONAL_TOKEN_PREFIX,
            CredentialKind::ApiToken => API_TOKEN_PREFIX,
        }
    }

    /// Whether `s` claims to be a credential of this kind (its prefix only; [`parse`] decides).
    pub fn looks_like(self, s: &str) -> bool {
        looks_like(s) == Some(self)
    }

    fn noun(self) -> &'static str {
        match self {
            CredentialKind::PersonalToken => "personal token",
            CredentialKind::ApiToken => "API token",
        }
    }

    /// Whether `id` can be the id of a credential of this kind.
    pub fn is_valid_id(self, id: &str) -> bool {
        match self {
            CredentialKind::PersonalToken => is_dns1123_subdomain(id).is_empty(),
            CredentialKind::ApiToken => api_tokens::is_valid_id(id),
        }
    }
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// The kind a string claims to be by its prefix alone; `None` for anything else (a JWT, say).
pub fn looks_like(s: &str) -> Option<CredentialKind> {
    if s.starts_with(PERSONAL_TOKEN_PREFIX) || s.starts_with(RANCHER_PREFIX) {
        Some(CredentialKind::PersonalToken)
    } else if s.starts_with(API_TOKEN_PREFIX) {
        Some(CredentialKind::ApiToken)
    } else {
        None
    }
}

/// A bearer string taken apart: look the credential up by `kind` and `id`, then compare the
/// hash of `secret`.
#[derive(Clone, Debug)]
pub struct ParsedBearer {
    pub kind: CredentialKind,
    pub id: String,
    pub secret: Secret,
}

/// Why a string is not a credential of the hub. The message never quotes the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BearerError {
    #[error("empty credential")]
    Empty,
    #[error("credential longer than {MAX_BEARER_LEN} bytes")]
    TooLong,
    #[error("not a credential issued by tokenhub")]
    UnknownFormat,
    #[error("malformed {kind}: {reason}")]
    Malformed {
        kind: CredentialKind,
        reason: &'static str,
    },
    #[error("{kind} checksum mismatch (mistyped or truncated)")]
    BadChecksum { kind: CredentialKind },
}

/// Why a credential could not be issued.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error(transparent)]
    Randomness(#[from] RandomnessError),
    #[error("{0} ids may not be used in a bearer string")]
    InvalidId(CredentialKind),
}

/// A freshly issued credential: the bearer string to hand out once and the secret whose hash
/// is stored. `Debug` shows the kind and id only.
#[derive(Clone, Debug)]
pub struct IssuedBearer {
    pub kind: CredentialKind,
    pub id: String,
    /// The whole `tht_…`/`tha_…` string, for `status.bearerToken`.
    pub bearer: Secret,
    /// The secret alone, for `status.value`/`status.secret`; store only its hash.
    pub secret: Secret,
}

/// A new secret for credential `id` of `kind`, and its bearer string.
pub fn issue(kind: CredentialKind, id: &str) -> Result<IssuedBearer, IssueError> {
    if !kind.is_valid_id(id) {
        return Err(IssueError::InvalidId(kind));
    }
    let secret = Secret::new(random_base62(SECRET_LEN)?);
    let bearer = format_bearer(kind, id, &secret).map_err(|_| IssueError::InvalidId(kind))?;
    Ok(IssuedBearer {
        kind,
        id: id.to_string(),
        bearer,
        secret,
    })
}

/// `<prefix><id>_<secret><checksum>`; refuses an id or secret that would not parse back.
pub fn format_bearer(
    kind: CredentialKind,
    id: &str,
    secret: &Secret,
) -> Result<Secret, BearerError> {
    let malformed = |reason| BearerError::Malformed { kind, reason };
    if !kind.is_valid_id(id) {
        return Err(malformed("invalid id"));
    }
    let secret = secret.expose();
    if secret.len() != SECRET_LEN || !is_base62(secret) {
        return Err(malformed("the secret must be 43 base62 characters"));
    }
    let mut out = String::with_capacity(kind.prefix().len() + id.len() + 1 + SECRET_LEN + 6);
    out.push_str(kind.prefix());
    out.push_str(id);
    out.push('_');
    out.push_str(secret);
    let sum = checksum(&out);
    out.push_str(&sum);
    Ok(Secret::new(out))
}

/// Rancher's `ext/<name>:<secret>`, for clients that assemble it themselves.
pub fn format_rancher(name: &str, secret: &Secret) -> Secret {
    Secret::new(format!("{RANCHER_PREFIX}{name}:{}", secret.expose()))
}

/// The checksum of everything that precedes it.
fn checksum(body: &str) -> String {
    base62::encode_fixed(u64::from(CRC32.checksum(body.as_bytes())), CHECKSUM_LEN)
}

/// Takes a bearer string apart, checking its shape and checksum; the caller then looks up
/// `id` and verifies `secret` against the stored hash.
pub fn parse(input: &str) -> Result<ParsedBearer, BearerError> {
    if input.is_empty() {
        return Err(BearerError::Empty);
    }
    if input.len() > MAX_BEARER_LEN {
        return Err(BearerError::TooLong);
    }
    if let Some(rest) = input.strip_prefix(RANCHER_PREFIX) {
        return parse_rancher(rest);
    }
    let kind = looks_like(input).ok_or(BearerError::UnknownFormat)?;
    let rest = input
        .strip_prefix(kind.prefix())
        .ok_or(BearerError::UnknownFormat)?;
    parse_prefixed(kind, input, rest)
}

fn parse_prefixed(
    kind: CredentialKind,
    input: &str,
    rest: &str,
) -> Result<ParsedBearer, BearerError> {
    let malformed = |reason| BearerError::Malformed { kind, reason };
    let (id, tail) = rest
        .rsplit_once('_')
        .ok_or(malformed("no separator between id and secret"))?;
    if id.is_empty() {
        return Err(malformed("empty id"));
    }
    if !is_base62(tail) {
        return Err(malformed("the secret is not base62"));
    }
    if tail.len() != SECRET_LEN + CHECKSUM_LEN {
        return Err(malformed("wrong length of secret and checksum"));
    }
    // ASCII by the check above, so every index is a character boundary.
    let (secret, sum) = tail.split_at(SECRET_LEN);
    let body = input
        .get(..input.len() - CHECKSUM_LEN)
        .ok_or(malformed("too short"))?;
    if checksum(body) != sum {
        return Err(BearerError::BadChecksum { kind });
    }
    if !kind.is_valid_id(id) {
        return Err(malformed("invalid id"));
    }
    Ok(ParsedBearer {
        kind,
        id: id.to_string(),
        secret: Secret::new(secret),
    })
}

fn parse_rancher(rest: &str) -> Result<ParsedBearer, BearerError> {
    let kind = CredentialKind::PersonalToken;
    let malformed = |reason| BearerError::Malformed { kind, reason };
    let mut parts = rest.split(':');
    let (Some(name), Some(secret), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(malformed("expected ext/<name>:<secret>"));
    };
    if name.is_empty() {
        return Err(malformed("empty id"));
    }
    if secret.is_empty() {
        return Err(malformed("empty secret"));
    }
    if secret.len() > MAX_RANCHER_SECRET_LEN || !is_base62(secret) {
        return Err(malformed("the secret is not base62"));
    }
    if !kind.is_valid_id(name) {
        return Err(malformed("invalid id"));
    }
    Ok(ParsedBearer {
        kind,
        id: name.to_string(),
        secret: Secret::new(secret),
    })
}

#[cfg(test)]
mod tests;
