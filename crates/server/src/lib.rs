//! The tokenhub server: Kubernetes API machinery over HTTPS, on the Store.

pub mod auth;
pub mod bootstrap;
pub mod docs;
pub mod error;
pub mod http;
pub mod hub;
pub mod objects;
pub mod state;

pub use hub::{Compactor, RunningHub, ServeOptions, StartError, start};
pub use state::Limits;
