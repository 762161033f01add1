//! Building and running the server: connect, migrate (or refuse while migrations are pending),
//! bind, serve, and shut down in order.

use anyhow::{Context as _, bail};
use async_graphql::extensions::ExtensionFactory;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::backplane::Backplane;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::state::AppState;
use crate::{graphql, http, store};

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Connects to the database and Redis, applies or checks migrations, and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with(config, None).await
    }

    /// As [`Application::build`], with one more GraphQL extension run inside the error boundary.
    /// Tests use it to inject faults (a panicking or slow resolver) into the real router.
    pub async fn build_with(
        config: Config,
        extension: Option<Arc<dyn ExtensionFactory>>,
    ) -> anyhow::Result<Self> {
        let db = store::connect(&config).await?;
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
        let backplane = Backplane::connect(&config)?;
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("binding {}", config.bind))?;
        tracing::info!(
            database = store::backend_name(&db),
            backplane = backplane.kind(),
            address = %listener.local_addr()?,
            "Tongsheng is ready"
        );
        let state = AppState {
            config: Arc::new(config),
            db,
            backplane,
            metrics: Arc::new(Metrics::new()),
            shutdown: CancellationToken::new(),
        };
        let schema = graphql::build_schema(state.clone(), extension);
        let router = http::router(state.clone(), schema);
        Ok(Application {
            listener,
            router,
            state,
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
        } = self;
        let shutdown = state.shutdown.clone();
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
        tracing::info!("stopped accepting; closing the database pool");
        if let Err(error) = state.db.close_by_ref().await {
            tracing::warn!(error = %error, "closing the database pool");
        }
        tracing::info!("shut down cleanly");
        Ok(())
    }
}

/// Resolves on SIGTERM or SIGINT, then cancels `token`.
pub async fn cancel_on_signal(token: CancellationToken) {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(error = %error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => tracing::info!("SIGINT received; shutting down"),
        () = terminate => tracing::info!("SIGTERM received; shutting down"),
    }
    token.cancel();
}
