//! Persistence only: connecting, migrating, sea-orm entities and query functions that map rows to
//! domain types. Nothing here checks permissions or decides state changes.
//!
//! Query functions take `&impl ConnectionTrait`, so the calling service decides on the
//! transaction.

pub mod access_log;
pub mod answers;
pub mod areas;
pub mod backings;
pub mod campaigns;
pub mod children;
pub mod classes;
pub mod departments;
pub mod entities;
pub mod integrations;
pub mod media;
pub mod moderation;
pub mod people;
pub mod plan;
pub mod privacy;
pub mod proposals;
pub mod publications;
pub mod routing;
pub mod safeguarding;
pub mod sessions;
pub mod submitted;
pub mod tasks;

use anyhow::Context as _;
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, RuntimeErr,
};
use std::time::Duration;

use crate::config::Config;

/// Opens the pool for the configured database. On SQLite: WAL, `synchronous=FULL` (a child's
/// submission survives a power cut once acknowledged), foreign keys on, a busy timeout.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    connect_pool(config, config.database_max_connections).await
}

/// The background jobs' own pool of `JOBS_DATABASE_CONNECTIONS` on PostgreSQL; `None` on SQLite,
/// whose one writer the jobs share with the requests, and when no jobs run here.
pub async fn connect_for_jobs(config: &Config) -> anyhow::Result<Option<DatabaseConnection>> {
    let postgres = config
        .database_url
        .as_deref()
        .is_some_and(|url| url.starts_with("postgres"));
    if !postgres || config.jobs_interval.is_none() {
        return Ok(None);
    }
    connect_pool(config, config.jobs_database_connections.max(1))
        .await
        .map(Some)
}

async fn connect_pool(config: &Config, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    let url = config.effective_database_url();
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating DATA_DIR {}", config.data_dir.display()))?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections)
        .min_connections(1)
        // With the database down a request fails fast (UNAVAILABLE) instead of hanging: no
        // request waits more than about two seconds for a connection.
        .connect_timeout(Duration::from_secs(1))
        .acquire_timeout(Duration::from_secs(2))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    Database::connect(options)
        .await
        .context("connecting to the database")
}

/// Applies every pending migration. On PostgreSQL an advisory lock makes instances that start
/// together take turns, so exactly one of them migrates.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        let pool = db.get_postgres_connection_pool();
        let mut lock = pool
            .acquire()
            .await
            .context("acquiring the migration lock connection")?;
        sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK_KEY)
            .execute(&mut *lock)
            .await
            .context("taking the migration lock")?;
        let result = Migrator::up(db, None).await;
        sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK_KEY)
            .execute(&mut *lock)
            .await
            .context("releasing the migration lock")?;
        result.context("applying migrations")
    } else {
        Migrator::up(db, None).await.context("applying migrations")
    }
}

/// The names of migrations not yet applied.
pub async fn pending_migrations(db: &DatabaseConnection) -> anyhow::Result<Vec<String>> {
    let pending = Migrator::get_pending_migrations(db)
        .await
        .context("reading migration status")?;
    Ok(pending
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect())
}

/// An arbitrary constant shared by every instance: "tongshen" in ASCII.
const MIGRATION_LOCK_KEY: i64 = 0x746f_6e67_7368_656e;

/// Whether the database answers at all.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// Connections in use and idle, for `/metrics`.
pub fn pool_usage(db: &DatabaseConnection) -> PoolUsage {
    let (size, idle) = match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(size);
    PoolUsage {
        in_use: size - idle,
        idle,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolUsage {
    pub in_use: u32,
    pub idle: u32,
}

/// Reads a JSON column into its domain value. A value that does not read is a corrupt row: an
/// error naming the row and the column, never a silent default.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    row: impl std::fmt::Display,
    column: &str,
) -> Result<T, DbErr> {
    serde_json::from_value(value)
        .map_err(|error| DbErr::Type(format!("{row}: the {column} column does not read: {error}")))
}

/// A database error as the API reports it: UNAVAILABLE when the database cannot be reached (the
/// client may retry), otherwise an internal error whose SQL never reaches the client. It lives
/// here, beside the database, so that nothing outside `store` depends on sea-orm through
/// `AppError`.
impl From<DbErr> for crate::error::AppError {
    fn from(error: DbErr) -> Self {
        if is_unavailable(&error) {
            tracing::warn!(error = %error, "database unavailable");
            crate::error::AppError::Unavailable
        } else {
            crate::error::AppError::Internal(error.into())
        }
    }
}

/// True for errors that mean "the database is not reachable right now" rather than "this query
/// is wrong": the client gets UNAVAILABLE and may retry.
pub fn is_unavailable(error: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    match error {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                Sqlx::Io(_)
                | Sqlx::PoolTimedOut
                | Sqlx::PoolClosed
                | Sqlx::Tls(_)
                | Sqlx::WorkerCrashed => true,
                // SQLite busy or locked past the busy timeout: another writer held on; the
                // client may retry.
                Sqlx::Database(database) => {
                    matches!(database.code().as_deref(), Some("5" | "6" | "517"))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The backend's name as logs and `/readyz` show it.
pub fn backend_name(db: &impl ConnectionTrait) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// A condition: the column, read as text (a JSON column too), contains `needle` (a UUID or
/// other text without LIKE wildcards). The same SQL on PostgreSQL and SQLite.
pub(crate) fn text_contains(
    column: impl sea_orm::sea_query::IntoColumnRef,
    needle: &str,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func};
    Expr::expr(Func::cast_as(Expr::col(column), Alias::new("TEXT"))).like(format!("%{needle}%"))
}
