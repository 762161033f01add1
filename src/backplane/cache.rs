//! A short-lived cache of computed public data (statistics): Redis when configured, shared by
//! every instance; an in-process map otherwise. Never the record: a miss recomputes.

use std::time::{Duration, Instant};

use super::Backplane;

impl Backplane {
    /// The cached value of `key`, if it is there and fresh. A Redis error is a miss.
    pub async fn cached(&self, key: &str) -> Option<String> {
        match self {
            Backplane::Local(local) => {
                let cache = local.cache.lock().ok()?;
                let (expires, value) = cache.get(key)?;
                (Instant::now() < *expires).then(|| value.clone())
            }
            Backplane::Redis(redis) => {
                let mut connection = redis.connection();
                redis::cmd("GET")
                    .arg(redis.key(key))
                    .query_async::<Option<String>>(&mut connection)
                    .await
                    .ok()
                    .flatten()
            }
        }
    }

    /// Keeps `value` under `key` for `ttl`. A Redis error is logged and ignored.
    pub async fn cache(&self, key: &str, value: &str, ttl: Duration) {
        match self {
            Backplane::Local(local) => {
                if let Ok(mut cache) = local.cache.lock() {
                    let now = Instant::now();
                    cache.retain(|_, (expires, _)| *expires > now);
                    cache.insert(key.to_owned(), (now + ttl, value.to_owned()));
                }
            }
            Backplane::Redis(redis) => {
                let mut connection = redis.connection();
                let result: redis::RedisResult<()> = redis::cmd("SET")
                    .arg(redis.key(key))
                    .arg(value)
                    .arg("PX")
                    .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX))
                    .query_async(&mut connection)
                    .await;
                if let Err(error) = result {
                    tracing::warn!(error = %error, "could not cache");
                }
            }
        }
    }

    /// Drops `key`, so the next read recomputes it.
    pub async fn forget(&self, key: &str) {
        match self {
            Backplane::Local(local) => {
                if let Ok(mut cache) = local.cache.lock() {
                    cache.remove(key);
                }
            }
            Backplane::Redis(redis) => {
                let mut connection = redis.connection();
                let result: redis::RedisResult<i64> = redis::cmd("DEL")
                    .arg(redis.key(key))
                    .query_async(&mut connection)
                    .await;
                if let Err(error) = result {
                    tracing::warn!(error = %error, "could not drop a cached value");
                }
            }
        }
    }
}
