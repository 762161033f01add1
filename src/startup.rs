//! Building and running the server: check the configuration, connect, migrate (or refuse while
//! migrations are pending), bind, serve, and shut down in order. The commands that work beside a
//! running server (`admin`, `roster`, `retention`) take the same steps but bind nothing.

use anyhow::{Context as _, bail};
use async_graphql::extensions::ExtensionFactory;
use axum::Router;
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::backplane::Backplane;
use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::secrets::Secrets;
use crate::state::AppState;
use crate::{graphql, http, store};

/// Parts of the application that tests replace.
#[derive(Default)]
pub struct Overrides {
    /// One more GraphQL extension, run inside the error boundary (a panicking or slow resolver).
    pub extension: Option<Arc<dyn ExtensionFactory>>,
    /// A clock the test moves.
    pub clock: Option<SharedClock>,
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    /// The background jobs' own pool (PostgreSQL); `None`: they share the requests' pool.
    jobs_db: Option<DatabaseConnection>,
}

impl Application {
    /// Connects to the database and Redis, applies or checks migrations, and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with(config, Overrides::default()).await
    }

    /// As [`Application::build`], with parts replaced: tests use it to move the clock and to
    /// inject faults into the real router.
    pub async fn build_with(config: Config, overrides: Overrides) -> anyhow::Result<Self> {
        check(&config)?;
        let bind = config.bind;
        let (state, jobs_db) = assemble(config, overrides.clock, true).await?;
        tokio::spawn(state.caches.clone().listen(state.shutdown.clone()));
        crate::services::standing::ensure(&state)
            .await
            .map_err(|error| anyhow::anyhow!("making the standing channel: {error:?}"))?;
        let listener = TcpListener::bind(bind)
            .await
            .with_context(|| format!("binding {bind}"))?;
        tracing::info!(
            database = store::backend_name(&state.db),
            backplane = state.backplane.kind(),
            images = state.media.storage.kind(),
            address = %listener.local_addr()?,
            "Tongsheng is ready"
        );
        let schema = graphql::build_schema(state.clone(), overrides.extension);
        let router = http::router(state.clone(), schema);
        Ok(Application {
            listener,
            router,
            state,
            jobs_db,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Cancelling this token shuts the server down as SIGTERM does.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.state.shutdown.clone()
    }

    /// Serves until the shutdown token is cancelled: then stops accepting, lets in-flight
    /// requests finish for up to the configured grace period, and closes the database pool.
    pub async fn run(self) -> anyhow::Result<()> {
        let Application {
            listener,
            router,
            state,
            jobs_db,
        } = self;
        let shutdown = state.shutdown.clone();
        let jobs = state.config.jobs_interval.map(|interval| {
            let db = jobs_db.clone().unwrap_or_else(|| state.db.clone());
            crate::jobs::spawn(
                AppState {
                    db,
                    ..state.clone()
                },
                interval,
            )
        });
        let server = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown.clone().cancelled_owned());
        let grace = state.config.shutdown_grace;
        let expired = async {
            shutdown.cancelled().await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            result = server => result.context("serving HTTP")?,
            () = expired => tracing::warn!(grace_secs = grace.as_secs(), "in-flight requests outlived the grace period"),
        }
        if let Some(jobs) = jobs {
            // The jobs saw the same cancellation; they finish the row in hand and stop.
            if let Err(error) = jobs.await {
                tracing::warn!(error = %error, "background jobs ended abnormally");
            }
        }
        tracing::info!("stopped accepting; closing the database pool");
        if let Some(jobs_db) = jobs_db
            && let Err(error) = jobs_db.close_by_ref().await
        {
            tracing::warn!(error = %error, "closing the jobs' database pool");
        }
        if let Err(error) = state.db.close_by_ref().await {
            tracing::warn!(error = %error, "closing the database pool");
        }
        tracing::info!("shut down cleanly");
        Ok(())
    }
}

/// Refuses a configuration that would run weakly (see [`Config::problems`]), before anything
/// touches the database: `serve`, `migrate` and every command beside a server call it first.
pub fn check(config: &Config) -> anyhow::Result<()> {
    let problems = config.problems();
    if problems.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = problems
        .iter()
        .map(|problem| format!("{}: {}", problem.name, problem.problem))
        .collect();
    bail!(
        "the configuration is not safe to run: {}",
        listed.join("; ")
    )
}

/// What a command beside a running server needs: the checked configuration, the database (with
/// migrations as `serve` treats them), Redis and the keys. It binds no address and runs no jobs,
/// so it works while servers serve.
pub async fn open(config: Config) -> anyhow::Result<AppState> {
    check(&config)?;
    Ok(assemble(config, None, false).await?.0)
}

/// Connects to the database (and, for a server, the jobs' own pool), applies or checks
/// migrations, and makes the state every request and job reaches.
async fn assemble(
    config: Config,
    clock: Option<SharedClock>,
    serving: bool,
) -> anyhow::Result<(AppState, Option<DatabaseConnection>)> {
    let metrics = Arc::new(Metrics::new());
    let mut db = store::connect(&config).await?;
    let counter = metrics.clone();
    db.set_metric_callback(move |info| counter.record_statement(info.failed));
    let mut jobs_db = match serving {
        true => store::connect_for_jobs(&config).await?,
        false => None,
    };
    if let Some(jobs_db) = &mut jobs_db {
        let counter = metrics.clone();
        jobs_db.set_metric_callback(move |info| counter.record_statement(info.failed));
    }
    if config.migrate_on_start {
        store::migrate(&db).await?;
    } else {
        let pending = store::pending_migrations(&db).await?;
        if !pending.is_empty() {
            bail!(
                "{} migration(s) pending ({}); run `tongsheng migrate` first or set MIGRATE_ON_START=true",
                pending.len(),
                pending.join(", ")
            );
        }
    }
    let backplane = Backplane::connect(&config, metrics.redis_skipped())?;
    let secrets = Secrets::load(&config)?;
    let storage = crate::media::Storage::for_database(&db, config.data_dir.join("media"));
    let media = crate::media::Pipeline::new(storage, config.media_workers);
    let caches = crate::services::caches::Caches::new(backplane.clone());
    let recorder = crate::services::recording::Recorder::new(&db);
    let state = AppState {
        config: Arc::new(config),
        db,
        caches,
        recorder,
        backplane,
        metrics,
        shutdown: CancellationToken::new(),
        clock: clock.unwrap_or_else(|| Arc::new(SystemClock)),
        secrets,
        media,
    };
    Ok((state, jobs_db))
}

/// SIGTERM and SIGINT, listened for from the moment of installing: install before announcing
/// readiness, so a signal that comes right after is never missed.
pub struct Signals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Waits for either signal, then cancels `token`.
    pub async fn cancel_on_signal(mut self, token: CancellationToken) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.terminate.recv() => tracing::info!("SIGTERM received; shutting down"),
            _ = self.interrupt.recv() => tracing::info!("SIGINT received; shutting down"),
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("interrupted; shutting down");
        }
        token.cancel();
    }
}
