//! The tokenhub server: Kubernetes API machinery over HTTPS, on the Store.

pub mod authn;
pub mod authz;
pub mod bootstrap;
pub mod caches;
pub mod docs;
pub mod error;
pub mod escalation;
pub mod http;
pub mod hub;
pub mod objects;
pub mod state;

pub use hub::{Compactor, RunningHub, ServeOptions, ServiceAccountOptions, StartError, start};
pub use state::Limits;
