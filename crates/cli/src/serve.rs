//! `tokenhub serve`.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use jiff::SignedDuration;
use tokenhub_core::clock::SystemClock;
use tokenhub_core::serviceaccount::SigningAlgorithm;
use tokenhub_server::bootstrap::tls::ProvidedCertificate;
use tokenhub_server::{ServeOptions, ServiceAccountOptions, start};
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
    /// The longest a ServiceAccount token may live; longer requests get this (e.g. `8760h`).
    #[arg(long, env = "TOKENHUB_SERVICE_ACCOUNT_MAX_TOKEN_EXPIRATION", default_value = "8760h", value_parser = parse_duration)]
    service_account_max_token_expiration: SignedDuration,
    /// `iss` of ServiceAccount tokens [default: the hub's URL].
    #[arg(long, env = "TOKENHUB_SERVICE_ACCOUNT_ISSUER")]
    service_account_issuer: Option<String>,
    /// How ServiceAccount tokens are signed: ES256 or RS256.
    #[arg(long, env = "TOKENHUB_SERVICE_ACCOUNT_SIGNING_ALGORITHM", default_value = "ES256", value_parser = parse_algorithm)]
    service_account_signing_algorithm: SigningAlgorithm,
    /// Sign new ServiceAccount tokens with a new key; tokens signed before keep working.
    #[arg(long, env = "TOKENHUB_ROTATE_SIGNING_KEY")]
    rotate_signing_key: bool,
    /// Log filter, e.g. `info` or `tokenhub_server=debug`.
    #[arg(long, env = "TOKENHUB_LOG", default_value = "info")]
    log: String,
}

/// A Go-style duration as kube-apiserver flags take them: `8760h`, `90m`, `1h30m`, `3600s`.
fn parse_duration(text: &str) -> Result<SignedDuration, String> {
    let mut total = SignedDuration::ZERO;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number
            .parse()
            .map_err(|_| format!("invalid duration {text:?}"))?;
        number.clear();
        let part = match c {
            'h' => SignedDuration::from_hours(n),
            'm' => SignedDuration::from_mins(n),
            's' => SignedDuration::from_secs(n),
            _ => {
                return Err(format!(
                    "invalid duration {text:?}: use h, m and s, e.g. 8760h"
                ));
            }
        };
        total = total
            .checked_add(part)
            .ok_or_else(|| format!("duration {text:?} is too long"))?;
    }
    if !number.is_empty() || total.is_zero() {
        return Err(format!(
            "invalid duration {text:?}: use h, m and s, e.g. 8760h"
        ));
    }
    Ok(total)
}

fn parse_algorithm(text: &str) -> Result<SigningAlgorithm, String> {
    text.parse()
        .map_err(|_| format!("unsupported signing algorithm {text:?}: use ES256 or RS256"))
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
    options.service_accounts = ServiceAccountOptions {
        issuer: args.service_account_issuer,
        max_token_expiration: args.service_account_max_token_expiration,
        signing_algorithm: args.service_account_signing_algorithm,
        rotate_signing_key: args.rotate_signing_key,
    };
    options.tls_certificate = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(ProvidedCertificate { cert, key }),
        _ => None,
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        // Listen before the hub says it serves: a SIGTERM right after that line must stop it
        // gracefully, not kill it by the signal's default action.
        let signals =
            ShutdownSignals::listen().map_err(|e| format!("cannot handle signals: {e}"))?;
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
            signal = signals.next() => {
                tracing::info!(%signal, "shutting down");
                handle.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
                Ok(())
            }
        }
    })
}

/// SIGTERM and SIGINT, handled from the moment they are listened to.
struct ShutdownSignals {
    term: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    fn listen() -> std::io::Result<ShutdownSignals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(ShutdownSignals {
            term: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    async fn next(mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.term.recv() => "SIGTERM",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_kube_apiserver_flags() {
        assert_eq!(
            parse_duration("8760h").unwrap(),
            SignedDuration::from_hours(8760)
        );
        assert_eq!(
            parse_duration("1h30m").unwrap(),
            SignedDuration::from_mins(90)
        );
        assert_eq!(
            parse_duration("600s").unwrap(),
            SignedDuration::from_secs(600)
        );
        for bad in ["", "10", "1d", "h", "1h2"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
