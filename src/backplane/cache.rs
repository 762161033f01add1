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
                let key = redis.key(key);
                redis
                    .on_request_path(|mut connection| async move {
                        redis::cmd("GET")
                            .arg(key)
                            .query_async::<Option<String>>(&mut connection)
                            .await
                    })
                    .await?
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
                let key = redis.key(key);
                let result = redis
                    .on_request_path(|mut connection| async move {
                        redis::cmd("SET")
                            .arg(key)
                            .arg(value)
                            .arg("PX")
                            .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX))
                            .query_async::<()>(&mut connection)
                            .await
                    })
                    .await;
                if let Some(Err(error)) = result {
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
                let key = redis.key(key);
                let result = redis
                    .on_request_path(|mut connection| async move {
                        redis::cmd("DEL")
                            .arg(key)
                            .query_async::<i64>(&mut connection)
                            .await
                    })
                    .await;
                if let Some(Err(error)) = result {
                    tracing::warn!(error = %error, "could not drop a cached value");
                }
            }
        }
    }
}

impl Backplane {
    /// Deletes every key whose name contains `needle` (a child's id at erasure); returns how
    /// many went. The in-process stand-ins forget theirs too.
    pub async fn forget_containing(&self, needle: &str) -> redis::RedisResult<usize> {
        match self {
            Backplane::Local(local) => {
                let mut gone = 0;
                if let Ok(mut cache) = local.cache.lock() {
                    let before = cache.len();
                    cache.retain(|key, _| !key.contains(needle));
                    gone += before - cache.len();
                }
                gone += local.forget_counters_containing(needle);
                Ok(gone)
            }
            Backplane::Redis(redis) => {
                let mut connection = redis.connection();
                let pattern = format!("{}*{needle}*", redis.key(""));
                let mut cursor: u64 = 0;
                let mut gone = 0;
                loop {
                    let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(&pattern)
                        .arg("COUNT")
                        .arg(500)
                        .query_async(&mut connection)
                        .await?;
                    if !keys.is_empty() {
                        gone += redis::cmd("DEL")
                            .arg(&keys)
                            .query_async::<usize>(&mut connection)
                            .await?;
                    }
                    if next == 0 {
                        return Ok(gone);
                    }
                    cursor = next;
                }
            }
        }
    }
}
