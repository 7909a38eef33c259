//! The first start (and every start): data directory, TLS, the bootstrap admin's credential,
//! kubeconfigs, and the objects the hub always has.

pub mod files;
mod kubeconfig;
mod objects;
mod presets;
pub mod signing_keys;
pub mod tls;

use std::path::{Path, PathBuf};

pub use kubeconfig::{AdminCredential, admin_kubeconfig, public_kubeconfig};
pub use objects::ensure_hub_objects;
pub use presets::reconcile_presets;

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
