//! The client commands, one file per command group.

pub mod apitokens;
pub mod auth;
pub mod can_i;
pub mod completion;
pub mod kubeconfig;
pub mod login;
pub mod tokens;
pub mod users;
pub mod whoami;

mod discovery;
mod duration;
mod resource;
mod secrets;
