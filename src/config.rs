//! Configuration, read once from the environment. Every variable and its default is listed in
//! `.env.example`; nothing configured means the embedded default (SQLite under `DATA_DIR`,
//! in-process stand-ins for Redis).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Where images are decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaIsolation {
    /// On a blocking thread of the server.
    Thread,
    /// In `PROGRAM media-worker`, one process an image, under an address-space limit.
    Process(PathBuf),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `postgres://…` or `sqlite://…`; `None` means a SQLite file under `data_dir`.
    pub database_url: Option<String>,
    /// `redis://…`; `None` means in-process stand-ins (one instance only).
    pub redis_url: Option<String>,
    /// Prefix of every Redis key this instance writes, so deployments (and tests) can share one.
    pub redis_key_prefix: String,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub environment: Environment,
    pub log_format: LogFormat,
    /// Apply pending migrations when `serve` starts; when false, `serve` refuses to start while
    /// any are pending (run `tongsheng migrate` as a release step instead).
    pub migrate_on_start: bool,
    pub database_max_connections: u32,
    /// The background jobs' own pool on PostgreSQL, so that a burst of requests does not starve
    /// screening (and with it the teachers' queues). On SQLite the jobs share the one pool.
    pub jobs_database_connections: u32,
    pub request_timeout: Duration,
    pub shutdown_grace: Duration,
    /// Keys the PIN digests. Required in production; otherwise kept in `DATA_DIR/secret.key`.
    pub secret_key: Option<String>,
    /// The key before the last rotation: PINs digested with it still sign in (and are
    /// re-digested with `SECRET_KEY` as they do), so rotating locks no child out.
    pub secret_key_previous: Option<String>,
    /// Peers whose `X-Forwarded-For` is believed (a load balancer); from anyone else the socket
    /// address is the client address.
    pub trusted_proxies: Vec<IpAddr>,
    /// A CJK font (TTF/OTF/TTC) for printable cards; Debian's usual paths are tried after it.
    pub card_font: Option<PathBuf>,
    /// How often background jobs (screening) look for work; `None` (JOBS_INTERVAL_MS=0) runs none,
    /// as in tests, which drain the queue themselves.
    pub jobs_interval: Option<Duration>,
    /// How many images may be processed at once.
    pub media_workers: usize,
    /// Where images are decoded: in a separate, memory-limited process (the default), or on a
    /// thread of the server (`MEDIA_ISOLATION=thread`).
    pub media_isolation: MediaIsolation,
    /// The worker process's address-space limit.
    pub media_worker_memory_mb: u64,
    /// Working days after a missed deadline (and its reminder, 催办) before the coordinators
    /// are alerted (督办).
    pub escalate_after_working_days: u32,
    /// Days after a child left the school (or their class's school year ended) before their
    /// data is erased.
    pub retention_days: u32,
    /// Load the demo district into a new embedded database (never into PostgreSQL or production).
    pub demo: bool,
    /// When set, `/metrics` answers only a request bearing it (`Authorization: Bearer …`). In
    /// production `/metrics` answers nobody without it: what a server counts is not for everyone.
    pub metrics_token: Option<String>,
    /// Working hours a safeguarding lead has to acknowledge a new case before it goes up to the
    /// district's safeguarding leads.
    pub safeguarding_ack_working_hours: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration variable {name}: {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }

    /// Reads the configuration through `lookup`, so tests can configure without touching the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let environment = match lookup("APP_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(problem(
                    "APP_ENV",
                    format!("expected development or production, got {other:?}"),
                ));
            }
        };
        let log_format = match lookup("LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            None if environment == Environment::Production => LogFormat::Json,
            None => LogFormat::Pretty,
            Some(other) => {
                return Err(problem(
                    "LOG_FORMAT",
                    format!("expected json or pretty, got {other:?}"),
                ));
            }
        };
        Ok(Config {
            database_url: lookup("DATABASE_URL"),
            redis_url: lookup("REDIS_URL"),
            redis_key_prefix: lookup("REDIS_KEY_PREFIX").unwrap_or_else(|| "tongsheng:".into()),
            bind: parse(&lookup, "BIND", "127.0.0.1:8080")?,
            data_dir: PathBuf::from(lookup("DATA_DIR").unwrap_or_else(|| "./data".into())),
            environment,
            log_format,
            migrate_on_start: parse(&lookup, "MIGRATE_ON_START", "true")?,
            database_max_connections: parse(&lookup, "DATABASE_MAX_CONNECTIONS", "20")?,
            jobs_database_connections: parse(&lookup, "JOBS_DATABASE_CONNECTIONS", "4")?,
            request_timeout: Duration::from_secs(parse(&lookup, "REQUEST_TIMEOUT_SECS", "10")?),
            shutdown_grace: Duration::from_secs(parse(&lookup, "SHUTDOWN_GRACE_SECS", "10")?),
            secret_key: lookup("SECRET_KEY"),
            secret_key_previous: lookup("SECRET_KEY_PREVIOUS"),
            trusted_proxies: parse_list(&lookup, "TRUSTED_PROXIES")?,
            demo: parse(&lookup, "DEMO", "true")?,
            card_font: lookup("CARD_FONT").map(PathBuf::from),
            media_workers: parse(&lookup, "MEDIA_WORKERS", "2")?,
            media_isolation: match lookup("MEDIA_ISOLATION").as_deref() {
                None | Some("process") => {
                    MediaIsolation::Process(std::env::current_exe().map_err(|e| {
                        problem("MEDIA_ISOLATION", format!("cannot find this program: {e}"))
                    })?)
                }
                Some("thread") => MediaIsolation::Thread,
                Some(other) => {
                    return Err(problem(
                        "MEDIA_ISOLATION",
                        format!("expected process or thread, got {other:?}"),
                    ));
                }
            },
            media_worker_memory_mb: parse(&lookup, "MEDIA_WORKER_MEMORY_MB", "1024")?,
            escalate_after_working_days: parse(&lookup, "ESCALATE_AFTER_WORKING_DAYS", "3")?,
            retention_days: parse(&lookup, "RETENTION_DAYS", "365")?,
            safeguarding_ack_working_hours: parse(&lookup, "SAFEGUARDING_ACK_WORKING_HOURS", "4")?,
            metrics_token: lookup("METRICS_TOKEN").filter(|token| !token.trim().is_empty()),
            jobs_interval: match parse::<u64>(&lookup, "JOBS_INTERVAL_MS", "2000")? {
                0 => None,
                ms => Some(Duration::from_millis(ms)),
            },
        })
    }

    /// What is wrong with this configuration beyond its syntax: a missing secret in production,
    /// a weak `SECRET_KEY` or `METRICS_TOKEN` anywhere. `tongsheng check-config` lists these, and
    /// every command that opens the database refuses to start while there is one.
    pub fn problems(&self) -> Vec<ConfigError> {
        let mut problems = Vec::new();
        match &self.secret_key {
            Some(key) => {
                if let Some(weak) = weakness(key) {
                    problems.push(problem("SECRET_KEY", weak));
                }
            }
            None if self.is_production() => problems.push(problem(
                "SECRET_KEY",
                "must be set in production (a random phrase of 32 characters or more)".into(),
            )),
            None => {}
        }
        if let Some(previous) = &self.secret_key_previous
            && let Some(weak) = weakness(previous)
        {
            problems.push(problem("SECRET_KEY_PREVIOUS", weak));
        }
        if let Some(token) = &self.metrics_token
            && token.chars().count() < 16
        {
            problems.push(problem(
                "METRICS_TOKEN",
                "must be at least 16 characters".into(),
            ));
        }
        problems
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// The database URL in force: the configured one, or the embedded SQLite file.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("tongsheng.sqlite").display()
            ),
        }
    }
}

fn parse<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: &str,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    let raw = lookup(name).unwrap_or_else(|| default.to_owned());
    raw.parse()
        .map_err(|e: T::Err| problem(name, format!("{raw:?}: {e}")))
}

fn parse_list<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Vec<T>, ConfigError>
where
    T::Err: std::fmt::Display,
{
    let raw = lookup(name).unwrap_or_default();
    raw.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse()
                .map_err(|e: T::Err| problem(name, format!("{item:?}: {e}")))
        })
        .collect()
}

/// Why a secret is too weak to key PINs and tokens: too short, or too few different characters.
pub fn weakness(secret: &str) -> Option<String> {
    if secret.chars().count() < 32 {
        return Some("must be at least 32 characters".into());
    }
    let distinct = secret
        .chars()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    (distinct < 10)
        .then(|| format!("has only {distinct} different characters; use a random phrase"))
}

fn problem(name: &'static str, problem: String) -> ConfigError {
    ConfigError { name, problem }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_configured_means_the_embedded_default() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.database_url, None);
        assert_eq!(config.redis_url, None);
        assert!(config.effective_database_url().starts_with("sqlite://"));
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.log_format, LogFormat::Pretty);
    }

    #[test]
    fn production_logs_json_unless_told_otherwise() {
        let config =
            Config::from_lookup(|name| (name == "APP_ENV").then(|| "production".into())).unwrap();
        assert_eq!(config.log_format, LogFormat::Json);
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let error =
            Config::from_lookup(|name| (name == "BIND").then(|| "nowhere".into())).unwrap_err();
        assert_eq!(error.name, "BIND");
    }
}
