//! Fixed-window failure counters for brute-force limits. In Redis when configured, so every
//! instance counts together; in process otherwise.
//!
//! When Redis is configured but does not answer, the limits fail open (with a warning): a Redis
//! outage must not stop 40 children signing in. The database-kept lock on a class after 100
//! failures still holds.

use chrono::{DateTime, Utc};
use redis::AsyncCommands as _;
use std::time::Duration;

use super::{Backplane, LocalBackplane};

/// A limit: at most `max` failures per `window` for one subject (an address, a class, a user).
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub name: &'static str,
    pub max: u32,
    pub window: Duration,
}

pub(super) struct LocalCounter {
    count: u32,
    resets_at: DateTime<Utc>,
}

/// Past this many counters the in-process map drops the ones whose window has passed.
const LOCAL_PRUNE_AT: usize = 100_000;

impl Backplane {
    /// When the subject is over the limit, how long until it may try again.
    pub async fn blocked(
        &self,
        limit: &Limit,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Option<Duration> {
        let key = format!("limit:{}:{}", limit.name, subject);
        match self {
            Backplane::Local(local) => local.blocked(limit, &key, now),
            Backplane::Redis(redis) => {
                let key = redis.key(&key);
                let result = redis
                    .on_request_path(|mut connection| async move {
                        redis::pipe()
                            .get(&key)
                            .ttl(&key)
                            .query_async::<(Option<u32>, i64)>(&mut connection)
                            .await
                    })
                    .await;
                match result {
                    Some(Ok((Some(count), ttl))) if count >= limit.max => {
                        Some(Duration::from_secs(u64::try_from(ttl).unwrap_or(1).max(1)))
                    }
                    Some(Ok(_)) => None,
                    Some(Err(error)) => {
                        tracing::warn!(error = %error, limit = limit.name, "rate limit unavailable; allowing");
                        None
                    }
                    None => None,
                }
            }
        }
    }

    /// Counts one event (a failure, a submission) against the subject.
    pub async fn count(&self, limit: &Limit, subject: &str, now: DateTime<Utc>) {
        let key = format!("limit:{}:{}", limit.name, subject);
        match self {
            Backplane::Local(local) => local.record(limit, key, now),
            Backplane::Redis(redis) => {
                let key = redis.key(&key);
                let window = i64::try_from(limit.window.as_secs()).unwrap_or(i64::MAX);
                let result = redis
                    .on_request_path(|mut connection| async move {
                        let _: u32 = connection.incr(&key, 1).await?;
                        // NX: the window starts at the first event and is not extended by later ones.
                        redis::cmd("EXPIRE")
                            .arg(&key)
                            .arg(window)
                            .arg("NX")
                            .query_async::<()>(&mut connection)
                            .await
                    })
                    .await;
                if let Some(Err(error)) = result {
                    tracing::warn!(error = %error, limit = limit.name, "could not count an event");
                }
            }
        }
    }
}

impl LocalBackplane {
    fn blocked(&self, limit: &Limit, key: &str, now: DateTime<Utc>) -> Option<Duration> {
        let counters = self.counters.lock().ok()?;
        let counter = counters.get(key)?;
        (counter.resets_at > now && counter.count >= limit.max).then(|| {
            (counter.resets_at - now)
                .to_std()
                .unwrap_or(Duration::from_secs(1))
        })
    }

    fn record(&self, limit: &Limit, key: String, now: DateTime<Utc>) {
        let Ok(mut counters) = self.counters.lock() else {
            return;
        };
        if counters.len() >= LOCAL_PRUNE_AT {
            counters.retain(|_, counter| counter.resets_at > now);
        }
        let window =
            chrono::Duration::from_std(limit.window).unwrap_or(chrono::Duration::minutes(15));
        let counter = counters.entry(key).or_insert(LocalCounter {
            count: 0,
            resets_at: now + window,
        });
        if counter.resets_at <= now {
            *counter = LocalCounter {
                count: 0,
                resets_at: now + window,
            };
        }
        counter.count += 1;
    }
}

impl LocalBackplane {
    /// Forgets the counters whose key contains `needle`; returns how many.
    pub(super) fn forget_counters_containing(&self, needle: &str) -> usize {
        let Ok(mut counters) = self.counters.lock() else {
            return 0;
        };
        let before = counters.len();
        counters.retain(|key, _| !key.contains(needle));
        before - counters.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const LIMIT: Limit = Limit {
        name: "test",
        max: 3,
        window: Duration::from_secs(900),
    };

    #[tokio::test]
    async fn the_local_limit_blocks_after_max_failures_until_the_window_passes() {
        let backplane = Backplane::Local(Arc::default());
        let start = Utc::now();
        for _ in 0..3 {
            assert!(backplane.blocked(&LIMIT, "who", start).await.is_none());
            backplane.count(&LIMIT, "who", start).await;
        }
        assert!(backplane.blocked(&LIMIT, "who", start).await.is_some());
        assert!(
            backplane
                .blocked(&LIMIT, "someone else", start)
                .await
                .is_none()
        );
        let later = start + chrono::Duration::minutes(15);
        assert!(backplane.blocked(&LIMIT, "who", later).await.is_none());
    }
}
