//! The tokenhub server: Kubernetes API machinery over HTTPS, on the Store.

pub mod admission;
pub mod apitokens;
pub mod authn;
pub mod authz;
pub mod bootstrap;
pub mod caches;
pub mod docs;
pub mod error;
pub mod housekeeping;
pub mod http;
pub mod hub;
pub mod objects;
pub mod password_records;
pub mod state;
pub mod tokens;

pub use hub::{Compactor, RunningHub, ServeOptions, ServiceAccountOptions, StartError, start};
pub use state::Limits;
