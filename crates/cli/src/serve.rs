//! `tokenhub serve`.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use tokenhub_core::clock::SystemClock;
use tokenhub_server::bootstrap::tls::ProvidedCertificate;
use tokenhub_server::{ServeOptions, start};
use tracing_subscriber::EnvFilter;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to serve HTTPS on; port 0 picks a free port (the chosen address is logged).
    #[arg(long, env = "TOKENHUB_LISTEN", default_value = "127.0.0.1:7443")]
    listen: SocketAddr,
    /// Where the hub keeps its database, keys and kubeconfigs
    /// [default: $XDG_DATA_HOME/tokenhub or ~/.local/share/tokenhub].
    #[arg(long, env = "TOKENHUB_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// An extra name (DNS name or IP) for the generated serving certificate; repeatable.
    #[arg(long = "tls-san", env = "TOKENHUB_TLS_SAN", value_delimiter = ',')]
    tls_san: Vec<String>,
    /// Serve with this certificate chain (PEM) instead of a generated one.
    #[arg(long, env = "TOKENHUB_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "TOKENHUB_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Log filter, e.g. `info` or `tokenhub_server=debug`.
    #[arg(long, env = "TOKENHUB_LOG", default_value = "info")]
    log: String,
}

/// The per-user data directory: `$XDG_DATA_HOME/tokenhub`, else `~/.local/share/tokenhub`.
fn default_data_dir() -> Result<PathBuf, String> {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(xdg).join("tokenhub"));
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(home) => Ok(PathBuf::from(home).join(".local/share/tokenhub")),
        None => Err("no data directory: set --data-dir, TOKENHUB_DATA_DIR or HOME".into()),
    }
}

pub fn run(args: ServeArgs) -> Result<(), String> {
    let filter = EnvFilter::try_new(&args.log).map_err(|e| format!("--log: {e}"))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    let data_dir = match args.data_dir {
        Some(dir) => dir,
        None => default_data_dir()?,
    };
    let mut options = ServeOptions::new(args.listen, data_dir);
    options.tls_sans = args.tls_san;
    options.tls_certificate = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(ProvidedCertificate { cert, key }),
        _ => None,
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let hub = start(options, Arc::new(SystemClock))
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(
            kubeconfig = %hub.data_dir.join("admin.kubeconfig").display(),
            "export KUBECONFIG to use kubectl as the admin"
        );
        let handle = hub.shutdown_handle();
        tokio::select! {
            result = hub.wait() => result.map_err(|e| format!("the server stopped: {e}")),
            signal = shutdown_signal() => {
                tracing::info!(%signal, "shutting down");
                handle.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
                Ok(())
            }
        }
    })
}

async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = term.recv() => "SIGTERM",
    }
}
