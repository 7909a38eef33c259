//! Starting and stopping a hub: data directory, store, TLS, bootstrap, then HTTPS.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use tokenhub_api::kinds::registry;
use tokenhub_core::clock::Clock;
use tokenhub_store::{SqliteStore, Store};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use jiff::SignedDuration;
use tokenhub_core::login_limits::{Limit, LoginLimiter};
use tokenhub_core::serviceaccount::{JWKS_PATH, SigningAlgorithm, TokenRequestPolicy};
use tokio::sync::mpsc;

use crate::admission::{ApiTokenRoles, EscalationCheck, SettingsCheck, TokenUpdates};
use crate::authn::last_used::LastUsed;
use crate::authn::{ApiTokens, AuthenticatorChain, PersonalTokens, ServiceAccountTokens};
use crate::authz::Authorizer;
use crate::bootstrap::files::ensure_private_dir;
use crate::bootstrap::tls::{self, ProvidedCertificate};
use crate::bootstrap::{
    BootstrapError, admin_token, ensure_admin_user, ensure_hub_objects, ensure_settings,
    held_admin_token, public_kubeconfig, reconcile_presets, signing_keys, write_admin_kubeconfig,
};
use crate::caches::Caches;
use crate::docs::{ApiDocs, OidcDocs};
use crate::error::ApiError;
use crate::housekeeping::{do_chores, purge_expired_tokens, sweep_leftovers};
use crate::http::{is_token_kind, router};
use crate::objects::{Admission, Admissions, Objects};
use crate::state::{Hub, Limits, ServiceAccountIssuer};

/// Everything `tokenhub serve` can be told.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub tls_sans: Vec<String>,
    pub tls_certificate: Option<ProvidedCertificate>,
    pub limits: Limits,
    /// How long the change feed reaches back (for watches and continued lists).
    pub event_retention: Duration,
    pub service_accounts: ServiceAccountOptions,
    /// How often expired Tokens are deleted.
    pub token_purge_interval: Duration,
    /// How often the times Tokens were last used are written.
    pub last_used_flush: Duration,
}

/// How ServiceAccount tokens are issued.
#[derive(Clone, Debug)]
pub struct ServiceAccountOptions {
    /// `iss` of the tokens; the hub's URL when not set.
    pub issuer: Option<String>,
    /// Longer requests get tokens of this lifetime (`--service-account-max-token-expiration`).
    pub max_token_expiration: SignedDuration,
    pub signing_algorithm: SigningAlgorithm,
    /// Start signing with a new key; the old one keeps verifying its tokens.
    pub rotate_signing_key: bool,
}

impl Default for ServiceAccountOptions {
    fn default() -> Self {
        ServiceAccountOptions {
            issuer: None,
            max_token_expiration: SignedDuration::from_hours(8760),
            signing_algorithm: SigningAlgorithm::ES256,
            rotate_signing_key: false,
        }
    }
}

impl ServeOptions {
    pub fn new(listen: SocketAddr, data_dir: PathBuf) -> Self {
        ServeOptions {
            listen,
            data_dir,
            tls_sans: Vec::new(),
            tls_certificate: None,
            limits: Limits::default(),
            event_retention: Duration::from_secs(5 * 60),
            service_accounts: ServiceAccountOptions::default(),
            token_purge_interval: Duration::from_secs(60 * 60),
            last_used_flush: Duration::from_secs(15),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Bootstrap(#[from] BootstrapError),
    #[error("cannot open the store: {0}")]
    Store(String),
}

/// A hub that is serving.
pub struct RunningHub {
    pub address: SocketAddr,
    pub server_url: String,
    pub data_dir: PathBuf,
    /// The CA clients trust (PEM).
    pub ca_pem: String,
    /// The bootstrap admin's bearer token.
    pub admin_token: String,
    /// Trims the change feed; it also runs by itself once a minute.
    pub compactor: Compactor,
    handle: Handle<SocketAddr>,
    server: JoinHandle<std::io::Result<()>>,
    /// Compaction, the views' feed follower and the aggregation writer.
    background: Vec<JoinHandle<()>>,
}

impl RunningHub {
    /// Stops accepting, lets requests in flight finish (watches get a few seconds), returns
    /// when the server is down.
    pub async fn shutdown(self) {
        self.shutdown_within(Duration::from_secs(5)).await;
    }

    /// Like `shutdown`, with the time requests in flight get before they are cut.
    pub async fn shutdown_within(self, grace: Duration) {
        self.handle.graceful_shutdown(Some(grace));
        let _ = self.server.await;
        for task in self.background {
            task.abort();
        }
    }

    /// Serves until the server stops on its own (an IO failure).
    pub async fn wait(self) -> std::io::Result<()> {
        let result = match self.server.await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        };
        for task in self.background {
            task.abort();
        }
        result
    }

    pub fn shutdown_handle(&self) -> Handle<SocketAddr> {
        self.handle.clone()
    }
}

/// The URL clients use: a wildcard listen address is reached on loopback.
fn server_url(address: SocketAddr) -> String {
    let host = match address.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_string(),
        ip if ip.is_unspecified() => "[::1]".to_string(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        std::net::IpAddr::V4(ip) => ip.to_string(),
    };
    format!("https://{host}:{}", address.port())
}

pub async fn start(options: ServeOptions, clock: Arc<dyn Clock>) -> Result<RunningHub, StartError> {
    let dir = options.data_dir.clone();
    ensure_private_dir(&dir).map_err(|e| BootstrapError::io(&dir, e))?;
    let listener = TcpListener::bind(options.listen).map_err(|source| StartError::Listen {
        address: options.listen,
        source,
    })?;
    let address = listener.local_addr().map_err(|source| StartError::Listen {
        address: options.listen,
        source,
    })?;
    let url = server_url(address);

    let names = tls::serving_names(&options.tls_sans);
    let material = tls::load_or_generate(&dir, &names, options.tls_certificate.as_ref())?;
    let tls_config = RustlsConfig::from_config(Arc::new(tls::server_config(&material)?));

    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&dir.join("tokenhub.db"), Arc::clone(&clock))
            .await
            .map_err(|e| StartError::Store(e.to_string()))?,
    );
    let (caches, follow_from) = Caches::load(store.as_ref())
        .await
        .map_err(|e| StartError::Store(e.to_string()))?;
    let (chores, chores_to_do) = mpsc::unbounded_channel();
    let follower = caches.follow(Arc::clone(&store), follow_from, chores);
    let authorizer = Arc::new(Authorizer::new(Arc::clone(&caches)));
    let escalation = Arc::new(EscalationCheck::new(
        Arc::clone(&authorizer),
        Arc::clone(&caches),
    ));
    let admissions = Admissions(vec![
        Arc::clone(&escalation) as Arc<dyn Admission>,
        Arc::new(ApiTokenRoles::new(escalation)),
        Arc::new(TokenUpdates::new(
            Arc::clone(&authorizer),
            Arc::clone(&caches),
            Arc::clone(&clock),
        )),
        Arc::new(SettingsCheck::new(Arc::clone(&caches))),
    ]);
    let objects = Objects::new(
        Arc::clone(&store),
        Arc::clone(&clock),
        Arc::new(admissions),
        Some(Arc::clone(&caches)),
    );
    let housekeeping = tokio::spawn(do_chores(objects.clone(), chores_to_do));

    let bootstrap_failed =
        |e: ApiError| BootstrapError::Other(format!("cannot create the hub's own objects: {e}"));
    ensure_hub_objects(&objects, &public_kubeconfig(&url, &material.ca_pem))
        .await
        .map_err(bootstrap_failed)?;
    reconcile_presets(&objects)
        .await
        .map_err(bootstrap_failed)?;
    ensure_settings(&objects).await.map_err(bootstrap_failed)?;
    match sweep_leftovers(&objects, &caches).await {
        Ok(0) => {}
        Ok(done) => tracing::info!(done, "finished the housekeeping a previous run left undone"),
        Err(e) => tracing::warn!(error = %e, "housekeeping left undone could not be finished"),
    }

    let sa = &options.service_accounts;
    let keys = Arc::new(signing_keys::load_or_create(
        &dir,
        sa.signing_algorithm,
        sa.rotate_signing_key,
        clock.now(),
        sa.max_token_expiration,
    )?);
    let issuer = ServiceAccountIssuer {
        keys: Arc::clone(&keys),
        issuer: sa.issuer.clone().unwrap_or_else(|| url.clone()),
        api_audiences: vec![sa.issuer.clone().unwrap_or_else(|| url.clone())],
        policy: TokenRequestPolicy {
            max_expiration: sa.max_token_expiration,
            ..TokenRequestPolicy::default()
        },
    };
    let last_used = Arc::new(LastUsed::default());
    let authenticators = AuthenticatorChain::new(vec![
        Arc::new(PersonalTokens::new(
            Arc::clone(&caches),
            Arc::clone(&clock),
            Arc::clone(&last_used),
        )),
        Arc::new(ApiTokens::new(
            Arc::clone(&caches),
            Arc::clone(&clock),
            Arc::clone(&last_used),
        )),
        Arc::new(ServiceAccountTokens::new(
            keys,
            issuer.issuer.clone(),
            issuer.api_audiences.clone(),
            Arc::clone(&caches),
            Arc::clone(&clock),
        )),
    ]);

    let registry = registry();
    let render = |registry: &tokenhub_api::registry::Registry| {
        let oidc = OidcDocs::render(&issuer.issuer, &format!("{url}{JWKS_PATH}"), &issuer.keys);
        ApiDocs::render(registry, address.to_string(), oidc)
    };
    let docs = render(&registry);
    let docs_without_tokens = render(&registry.without(is_token_kind));
    let hub = Arc::new(Hub {
        registry,
        objects: objects.clone(),
        clock: Arc::clone(&clock),
        authenticators,
        authorizer,
        caches: Arc::clone(&caches),
        issuer,
        docs,
        docs_without_tokens,
        login_limiter: LoginLimiter::new(Limit::DEFAULT_PER_USER, Limit::DEFAULT_PER_ADDRESS),
        in_flight: Semaphore::new(options.limits.max_in_flight),
        limits: options.limits.clone(),
    });

    ensure_admin_user(&hub, &dir).await?;
    let admin_token = admin_token(&hub, held_admin_token(&dir)?).await?;
    write_admin_kubeconfig(&dir, &url, &material.ca_pem, &admin_token)?;

    let handle = Handle::new();
    let server = axum_server::tls_rustls::from_tcp_rustls(listener, tls_config)
        .map_err(|source| StartError::Listen { address, source })?
        .handle(handle.clone())
        .serve(router(hub).into_make_service_with_connect_info::<SocketAddr>());
    let server = tokio::spawn(server);
    let compactor = Compactor {
        store,
        clock,
        retention: options.event_retention,
    };
    let compaction = tokio::spawn(compact_periodically(compactor.clone()));
    let last_used_writer =
        tokio::spawn(last_used.write_behind(objects.clone(), options.last_used_flush));
    let purge = tokio::spawn(purge_expired_tokens(
        objects,
        caches,
        Arc::clone(&compactor.clock),
        options.token_purge_interval,
    ));
    let background = vec![compaction, follower, housekeeping, last_used_writer, purge];
    tracing::info!(%address, url = %url, data_dir = %dir.display(), "tokenhub is serving");
    Ok(RunningHub {
        address,
        server_url: url,
        data_dir: dir,
        ca_pem: material.ca_pem,
        admin_token,
        compactor,
        handle,
        server,
        background,
    })
}

/// Trims the change feed to the retention window: watches and continued lists that reach back
/// further get 410 Expired.
#[derive(Clone, Debug)]
pub struct Compactor {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    retention: Duration,
}

impl Compactor {
    /// Forgets the feed entries older than the retention window; returns how many.
    pub async fn run_once(&self) -> Result<u64, tokenhub_store::StoreError> {
        let retention_ms = i64::try_from(self.retention.as_millis()).unwrap_or(i64::MAX);
        let keep_after = self
            .clock
            .now()
            .as_millisecond()
            .saturating_sub(retention_ms);
        self.store.compact(keep_after).await
    }
}

async fn compact_periodically(compactor: Compactor) {
    let mut every_minute = tokio::time::interval(Duration::from_secs(60));
    loop {
        every_minute.tick().await;
        if let Err(e) = compactor.run_once().await {
            tracing::warn!(error = %e, "compacting the change feed failed");
        }
    }
}
