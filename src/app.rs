//! The application: connects and migrates the database, seeds the embedded default,
//! binds the listener (port 0 in tests) and serves until told to stop. It builds the one
//! [`Clock`] (the province's "today") and the engine settings every part shares.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::{EndpointExt, Server};
use sea_orm::DatabaseConnection;

use crate::clock::Clock;
use crate::config::{ConnectionLimits, Settings};
use crate::connection::{CappedAcceptor, body};
use crate::dataset::DatasetCache;
use crate::db::{self, StatementCounter};
use crate::graphql::build_schema;
use crate::http::{AppState, metrics_only_routes, routes};
use crate::mail::Mailer;
use crate::scheduler::Scheduler;
use crate::seed;
use crate::telemetry::metrics;
use crate::telemetry::readiness::Readiness;

/// A built, not yet running, server.
pub struct Application {
    acceptor: CappedAcceptor<TcpAcceptor>,
    /// The metrics-only listener (`COSO_METRICS_LISTEN`).
    metrics_acceptor: Option<CappedAcceptor<TcpAcceptor>>,
    connections: ConnectionLimits,
    refresh_every: Option<Duration>,
    engine: crate::indicators::EngineConfig,
    port: u16,
    scheduler: Scheduler,
    state: AppState,
    /// Counts the SQL statements the server runs.
    pub statements: StatementCounter,
}

impl Application {
    /// Connects (waiting up to `COSO_DB_WAIT_SECS` for an unreachable database), migrates,
    /// seeds the embedded default when empty, and binds the listener.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let wait = Duration::from_secs(settings.db_wait_secs);
        tracing::info!(allocator = crate::allocator::name(), "memory allocator");
        if let Ok(asked) = std::env::var(crate::allocator::VARIABLE)
            && !crate::allocator::NAMES.contains(&asked.as_str())
        {
            tracing::warn!(
                asked,
                "unknown COSO_ALLOCATOR (system or mimalloc): using system"
            );
        }
        let (db, statements) =
            db::connect_and_migrate(settings.database_url(), settings.db_max_connections, wait)
                .await?;
        if settings.is_default_database() && seed::is_empty(&db).await? {
            tracing::info!("empty embedded database: loading the demo data");
            seed::seed_demo(&db).await?;
            crate::service::schedules::seed_demo(&db).await?;
            db::refresh_statistics(&db).await;
        }
        let acceptor = capped(settings.listen, &settings.connections).await?;
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().map(|s| s.port()))
            .unwrap_or(settings.listen.port());
        let metrics_acceptor = match settings.observe.metrics_listen {
            Some(addr) => Some(capped(addr, &settings.connections).await?),
            None => None,
        };
        let datasets = DatasetCache::default();
        let analytics = crate::analytics::runner::Runner::new(&settings.analytics);
        let mailer = Mailer::from_settings(&settings.mail)?;
        let clock = settings.clock();
        let engine = settings.engine();
        let scheduler = Scheduler::new(
            db.clone(),
            datasets.clone(),
            mailer,
            crate::scheduler::SchedulerSettings {
                clock: clock.clone(),
                engine,
                // a clock a test set is a pinned time already, and wins
                today: settings.today.filter(|_| !clock.is_manual()),
                ..settings.scheduler.clone()
            },
        );
        let tokens = crate::service::token_cache::TokenCache::default();
        let changes = crate::graphql::live::Changes::default();
        let state = AppState {
            schema: build_schema(crate::graphql::Shared {
                db: db.clone(),
                limits: settings.limits.clone(),
                datasets: datasets.clone(),
                scheduler: scheduler.clone(),
                analytics: analytics.clone(),
                engine,
                tokens: tokens.clone(),
                changes: changes.clone(),
            }),
            datasets,
            analytics,
            db,
            limits: Arc::new(settings.limits.clone()),
            readiness: Readiness::default(),
            limiter: crate::http::auth::limiter(&settings.limits),
            slow_request: Duration::from_millis(settings.observe.slow_request_ms),
            cache: Default::default(),
            clock,
            today: settings.today,
            tokens,
            cors: crate::http::cors::Origins::new(&settings.browser.cors_origins),
            persisted: Arc::new(crate::http::persisted::PersistedQueries::new(
                settings.limits.apq_max_bytes,
            )),
            sockets: Default::default(),
            changes,
            engine,
            executing: Arc::new(tokio::sync::Semaphore::new(
                settings.limits.graphql_permits(),
            )),
            bench_floor: settings.bench_floor,
        };
        let refresh_every = (settings.indicator_refresh_secs > 0)
            .then(|| Duration::from_secs(settings.indicator_refresh_secs));
        Ok(Self {
            acceptor,
            metrics_acceptor,
            connections: settings.connections.clone(),
            refresh_every,
            engine,
            port,
            scheduler,
            state,
            statements,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The report scheduler of this replica.
    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// The database pool.
    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// The port of the metrics-only listener, when `COSO_METRICS_LISTEN` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        let addrs = self.metrics_acceptor.as_ref()?.local_addr();
        addrs.first()?.as_socket_addr().map(|s| s.port())
    }

    /// The readiness flags (`GET /ready`), for the scheduler to set.
    pub fn readiness(&self) -> &Readiness {
        &self.state.readiness
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests (10 s at most).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> std::io::Result<()> {
        let refresher = self.refresh_every.map(|every| {
            tokio::spawn(refresh_indicators(
                self.state.db.clone(),
                self.state.datasets.clone(),
                (self.state.clock.clone(), self.engine),
                every,
                self.state.today,
            ))
        });
        let watcher = tokio::spawn(self.state.changes.clone().watch(self.state.db.clone()));
        let revocations = tokio::spawn(crate::http::subscriptions::watch_revocations(
            self.state.sockets.clone(),
            self.state.db.clone(),
            self.state.tokens.clone(),
        ));
        let jobs = match self.scheduler.start().await {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::error!(error = ?e, "report scheduler did not start");
                None
            }
        };
        let idle = self.connections.idle_timeout();
        let metrics_server = self.metrics_acceptor.map(|acceptor| {
            let routes = metrics_only_routes(self.state.db.clone());
            tokio::spawn(async move {
                if let Err(e) = server(acceptor, idle).run(routes).await {
                    tracing::error!(error = %e, "the metrics listener stopped");
                }
            })
        });
        // Ready once the scheduler ticks here, or when ticking is off in this replica.
        self.state
            .readiness
            .set_scheduler_running(jobs.is_some() || self.scheduler.settings().tick_secs == 0);
        let body_timeout = Duration::from_secs(self.connections.body_read_timeout_secs);
        let max_body = self.state.limits.max_body_bytes;
        // A spreadsheet upload has its own bound (and room for the multipart framing).
        let max_upload = self.state.limits.import_max_bytes + 64 * 1024;
        let app = routes(self.state).around(move |ep, req| {
            let max = if req.uri().path() == "/imports" {
                max_upload
            } else {
                max_body
            };
            body::read_within(ep, req, body_timeout, max)
        });
        let served = server(self.acceptor, idle)
            .run_with_graceful_shutdown(app, shutdown, Some(Duration::from_secs(10)))
            .await;
        self.scheduler.stop(jobs, Duration::from_secs(10)).await;
        if let Some(task) = refresher {
            task.abort();
        }
        if let Some(task) = metrics_server {
            task.abort();
        }
        watcher.abort();
        revocations.abort();
        served
    }
}

/// Binds `addr`: at most `limits.max_connections` open at once, request heads bounded.
async fn capped(
    addr: std::net::SocketAddr,
    limits: &ConnectionLimits,
) -> std::io::Result<CappedAcceptor<TcpAcceptor>> {
    let tcp = TcpListener::bind(addr.to_string()).into_acceptor().await?;
    Ok(CappedAcceptor::new(
        tcp,
        limits.max_connections,
        limits.header_timeout(),
    ))
}

/// A poem server on `acceptor`, closing connections idle for `idle`.
fn server(
    acceptor: CappedAcceptor<TcpAcceptor>,
    idle: Option<Duration>,
) -> Server<std::convert::Infallible, CappedAcceptor<TcpAcceptor>> {
    let server = Server::new_with_acceptor(acceptor);
    match idle {
        Some(idle) => server.idle_timeout(idle),
        None => server,
    }
}

/// Stores an indicator snapshot as of the province's today at start and every `every`
/// after (a no-op when the snapshot of the current data version and day exists).
async fn refresh_indicators(
    db: DatabaseConnection,
    datasets: DatasetCache,
    (clock, config): (Clock, crate::indicators::EngineConfig),
    every: Duration,
    pinned: Option<chrono::NaiveDate>,
) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        let today = pinned.unwrap_or_else(|| clock.today());
        let started = std::time::Instant::now();
        let refreshed = crate::service::indicators::refresh(&db, &datasets, today, config).await;
        metrics::record_indicator_refresh(started.elapsed(), refreshed.is_ok());
        match refreshed {
            Ok(r) if r.rows > 0 => tracing::info!(
                rows = r.rows,
                data_version = r.data_version,
                "indicators refreshed"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = ?e, "indicator refresh failed"),
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
