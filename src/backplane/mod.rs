//! What Redis does for us: shared state that is never the record. With `REDIS_URL` set, every
//! instance shares one Redis; without it, in-process stand-ins serve a single instance.
//!
//! The database stays the only record (DESIGN §9): anything kept here can be lost when Redis
//! restarts, and every feature built on it must recover from the database.

mod cache;
mod events;
pub mod instance_cache;
mod limits;
pub mod streams;

pub use limits::Limit;

use anyhow::Context as _;
use prometheus_client::metrics::counter::Counter;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::Config;

#[derive(Clone)]
pub enum Backplane {
    Redis(RedisBackplane),
    /// In-process stand-ins: one instance only.
    Local(Arc<LocalBackplane>),
}

/// The in-process stand-ins' state.
#[derive(Default)]
pub struct LocalBackplane {
    counters: Mutex<HashMap<String, limits::LocalCounter>>,
    channels: events::Channels,
    cache: Mutex<HashMap<String, (std::time::Instant, String)>>,
}

#[derive(Clone)]
pub struct RedisBackplane {
    connection: ConnectionManager,
    prefix: String,
    /// The one pub/sub connection this instance's subscribers share.
    hub: Arc<events::Hub>,
    /// Until when the request paths leave Redis alone after it failed them.
    resting_until: Arc<Mutex<Option<Instant>>>,
    /// Commands skipped while Redis rests (`/metrics`).
    skipped: Counter,
}

/// How long the request paths leave Redis alone after a connection failure or a timeout.
const REST: Duration = Duration::from_secs(2);

impl Backplane {
    /// Connects lazily: a Redis that is down at start does not stop the server starting; it shows
    /// in `/readyz` and features fall back as each one documents. `skipped` counts the
    /// request-path commands skipped while Redis rests.
    pub fn connect(config: &Config, skipped: Counter) -> anyhow::Result<Self> {
        let Some(url) = &config.redis_url else {
            return Ok(Backplane::Local(Arc::default()));
        };
        let client = redis::Client::open(url.as_str()).context("parsing REDIS_URL")?;
        let manager_config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(2));
        let connection = ConnectionManager::new_lazy_with_config(client.clone(), manager_config)
            .context("configuring the Redis connection")?;
        Ok(Backplane::Redis(RedisBackplane {
            connection,
            prefix: config.redis_key_prefix.clone(),
            hub: events::Hub::new(client),
            resting_until: Arc::default(),
            skipped,
        }))
    }

    /// `redis` or `local`.
    pub fn kind(&self) -> &'static str {
        match self {
            Backplane::Redis(_) => "redis",
            Backplane::Local(_) => "local",
        }
    }

    /// Whether Redis answers a PING; the in-process stand-ins are always ready.
    pub async fn is_ready(&self) -> bool {
        match self {
            Backplane::Redis(redis) => redis.ping().await.is_ok(),
            Backplane::Local(_) => true,
        }
    }
}

impl RedisBackplane {
    /// The full key for `name`: every key this instance writes starts with the configured prefix.
    pub fn key(&self, name: &str) -> String {
        format!("{}{}", self.prefix, name)
    }

    pub fn connection(&self) -> ConnectionManager {
        self.connection.clone()
    }

    /// Runs a command on a request's path (rate limits, live updates, the cache), whose caller
    /// has a fallback. After a connection failure or a timeout, Redis rests for [`REST`]: the
    /// commands in that time give `None` at once, so a dead Redis costs a request its fallback,
    /// not a timeout for each command.
    pub async fn on_request_path<T, F, Fut>(&self, command: F) -> Option<redis::RedisResult<T>>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let now = Instant::now();
        if let Ok(resting) = self.resting_until.lock()
            && resting.is_some_and(|until| now < until)
        {
            self.skipped.inc();
            return None;
        }
        let result = command(self.connection.clone()).await;
        if let Err(error) = &result
            && (error.is_io_error() || error.is_timeout() || error.is_connection_dropped())
            && let Ok(mut resting) = self.resting_until.lock()
        {
            *resting = Some(Instant::now() + REST);
        }
        Some(result)
    }

    async fn ping(&self) -> redis::RedisResult<()> {
        let mut connection = self.connection.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
            .map(|_| ())
    }
}
