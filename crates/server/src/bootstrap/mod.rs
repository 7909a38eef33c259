//! The first start (and every start): data directory, TLS, the bootstrap admin's credential,
//! kubeconfigs, and the objects the hub always has.

mod admin_user;
pub mod files;
mod kubeconfig;
mod objects;
mod presets;
mod settings;
pub mod signing_keys;
pub mod tls;

use std::path::{Path, PathBuf};

pub use admin_user::{ADMIN, admin_token, ensure_admin_user};
pub use kubeconfig::{
    admin_kubeconfig, held_admin_token, public_kubeconfig, write_admin_kubeconfig,
};
pub use objects::ensure_hub_objects;
pub use presets::reconcile_presets;
pub use settings::ensure_settings;

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("TLS setup failed: {0}")]
    Tls(String),
    #[error("{0}")]
    Other(String),
}

impl BootstrapError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        BootstrapError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn tls(e: impl std::fmt::Display) -> Self {
        BootstrapError::Tls(e.to_string())
    }
}
