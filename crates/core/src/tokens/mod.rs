//! Personal Tokens (issue 4) with the semantics of Rancher's Tokens API, minus its bugs:
//! generated `token-xxxxx` names, a ttl in milliseconds that is ingested rather than refused
//! ([`TtlSettings::ingest_ttl`]), 422 field causes for bad kinds and immutable fields, an
//! owner check the server answers with 403, and a ttl only administrators may extend
//! ([`check_token_update`]).

mod create;
pub(crate) mod spec_fields;
mod ttl;
mod update;

pub use create::{
    NAME_PREFIX, NAME_SUFFIX_LEN, SESSION_KIND, TokenOwner, generate_name, is_enabled, is_session,
    owned_by_selector, owner_of, owner_of_new_token, validate_token_create,
};
pub use spec_fields::MAX_DESCRIPTION_BYTES;
pub use ttl::{
    DEFAULT_MAX_TTL_MINUTES, MS_PER_MINUTE, NEVER, TtlSettings, expires_at, expires_at_rfc3339,
    human_ttl, is_expired, is_longer,
};
pub use update::check_token_update;
