//! Talking to a hub: where it is, whom to trust, as whom, and what went wrong.

pub mod connection;
pub mod error;
pub mod http;
pub mod kubeconfig;
pub mod profiles;

pub use connection::{Connection, GlobalArgs};
pub use error::CliError;
pub use http::HubClient;
