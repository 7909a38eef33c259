//! Which hub to talk to, as whom: the global flags, a profile, or a kubeconfig.
//!
//! The order, first match wins for the base:
//! 1. `--profile P` (or `TOKENHUB_PROFILE`): that profile;
//! 2. `--server URL`: nothing but the flags (credential from `--token`, if any);
//! 3. `--kubeconfig FILE`: its current context;
//! 4. the current profile of the profile file;
//! 5. the kubeconfig kubectl would read (`KUBECONFIG`, else `~/.kube/config`).
//!
//! Then `--server`, `--token` and `--certificate-authority` override what the base says.

use std::path::{Path, PathBuf};

use clap::Args;

use super::error::CliError;
use super::kubeconfig;
use super::profiles::{ProfileFile, default_path, read_text};

/// Flags every client command accepts, anywhere on the command line.
#[derive(Args, Debug, Default, Clone)]
pub struct GlobalArgs {
    /// Use this profile of the profile file.
    #[arg(long, global = true, env = "TOKENHUB_PROFILE", value_name = "PROFILE")]
    pub profile: Option<String>,
    /// The hub's URL, e.g. https://hub.example:7443.
    #[arg(long, short = 's', global = true, value_name = "URL")]
    pub server: Option<String>,
    /// A bearer token to authenticate with.
    #[arg(long, global = true, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Take the server, CA and token from this kubeconfig's current context, as kubectl does.
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// A PEM file with the CA that signed the hub's certificate (the hub writes it to ca.crt
    /// in its data directory). Only this CA is trusted.
    #[arg(long, global = true, value_name = "FILE")]
    pub certificate_authority: Option<PathBuf>,
}

/// Everything needed to reach the hub.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    pub server: String,
    /// The CA to trust, alone; without one, the system's roots.
    pub ca_pem: Option<String>,
    pub bearer: Option<String>,
    /// The kubeconfig context's namespace, for namespaced checks.
    pub namespace: Option<String>,
}

impl GlobalArgs {
    /// The connection these flags, the profile file and the kubeconfig describe.
    pub fn connection(&self) -> Result<Connection, CliError> {
        let mut conn = self.base()?;
        self.apply_overrides(&mut conn)?;
        if conn.server.is_empty() {
            return Err(CliError::local(
                "no server: pass --server, add a profile (tokenhub login, tokenhub auth add-profile) or set up a kubeconfig",
            ));
        }
        Ok(conn)
    }

    fn base(&self) -> Result<Connection, CliError> {
        if let Some(name) = &self.profile {
            return from_profile(&ProfileFile::load(&default_path()?)?, name);
        }
        if self.server.is_some() {
            return Ok(Connection::default());
        }
        if let Some(path) = &self.kubeconfig {
            return from_kubeconfig(path);
        }
        let file = ProfileFile::load(&default_path()?)?;
        if let Some(name) = &file.current_profile {
            return from_profile(&file, name);
        }
        match kubeconfig::locate(None) {
            Some(path) => from_kubeconfig(&path),
            None => Ok(Connection::default()),
        }
    }

    fn apply_overrides(&self, conn: &mut Connection) -> Result<(), CliError> {
        if let Some(server) = &self.server {
            conn.server = server.clone();
        }
        if let Some(token) = &self.token {
            conn.bearer = Some(token.clone());
        }
        if let Some(path) = &self.certificate_authority {
            conn.ca_pem = Some(read_text(path, "certificate authority")?);
        }
        conn.server = conn.server.trim_end_matches('/').to_string();
        Ok(())
    }
}

fn from_profile(file: &ProfileFile, name: &str) -> Result<Connection, CliError> {
    let profile = file.get(name)?;
    let bearer = match &profile.credential {
        Some(c) => Some(c.bearer()?),
        None => None,
    };
    Ok(Connection {
        server: profile.server.clone(),
        ca_pem: profile.ca_pem()?,
        bearer,
        namespace: None,
    })
}

fn from_kubeconfig(path: &Path) -> Result<Connection, CliError> {
    let ctx = kubeconfig::load(path)?;
    Ok(Connection {
        server: ctx.server,
        ca_pem: ctx.ca_pem,
        bearer: ctx.bearer,
        namespace: ctx.namespace,
    })
}
