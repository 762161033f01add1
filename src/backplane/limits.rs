//! Fixed-window counters for brute-force and quota limits, counted before the decision. In Redis when configured, so every
//! instance counts together; in process otherwise.
//!
//! When Redis is configured but does not answer, the limits fail open (with a warning): a Redis
//! outage must not stop 40 children signing in. The database-kept lock on a class after 100
//! failures still holds.

use chrono::{DateTime, Utc};
use redis::AsyncCommands as _;
use std::time::Duration;

use super::{Backplane, LocalBackplane};

/// A limit: at most `max` attempts (or units, such as bytes) per `window` for one subject (an
/// address, a class, a user).
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
    /// Counts one attempt against the subject first, then decides: `Err(retry_after)` when this
    /// attempt is over the limit. Counting before deciding is what makes the limit hold under
    /// concurrency: of N attempts racing, at most `max` are let through, on one instance or many.
    /// An attempt that turns out not to count (a sign-in that succeeded, a submission that was
    /// not recorded) is given back with [`Backplane::give_back`].
    pub async fn take(
        &self,
        limit: &Limit,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Duration> {
        self.take_many(limit, subject, 1, now).await
    }

    /// [`Backplane::take`] for `amount` at once (bytes against a byte quota, say).
    pub async fn take_many(
        &self,
        limit: &Limit,
        subject: &str,
        amount: u32,
        now: DateTime<Utc>,
    ) -> Result<(), Duration> {
        let key = format!("limit:{}:{}", limit.name, subject);
        match self {
            Backplane::Local(local) => local.take(limit, key, amount, now),
            Backplane::Redis(redis) => {
                let key = redis.key(&key);
                let window = i64::try_from(limit.window.as_secs()).unwrap_or(i64::MAX);
                let result = redis
                    .on_request_path(|mut connection| async move {
                        // NX: the window starts at the first attempt and later ones do not
                        // extend it.
                        redis::pipe()
                            .atomic()
                            .incr(&key, amount)
                            .cmd("EXPIRE")
                            .arg(&key)
                            .arg(window)
                            .arg("NX")
                            .ignore()
                            .ttl(&key)
                            .query_async::<(u64, i64)>(&mut connection)
                            .await
                    })
                    .await;
                match result {
                    Some(Ok((count, ttl))) if count > u64::from(limit.max) => {
                        Err(Duration::from_secs(u64::try_from(ttl).unwrap_or(1).max(1)))
                    }
                    Some(Ok(_)) | None => Ok(()),
                    Some(Err(error)) => {
                        tracing::warn!(error = %error, limit = limit.name, "rate limit unavailable; allowing");
                        Ok(())
                    }
                }
            }
        }
    }

    /// Gives back an attempt [`Backplane::take`] counted that turned out not to count.
    pub async fn give_back(&self, limit: &Limit, subject: &str) {
        let key = format!("limit:{}:{}", limit.name, subject);
        match self {
            Backplane::Local(local) => local.give_back(&key),
            Backplane::Redis(redis) => {
                let key = redis.key(&key);
                let result = redis
                    .on_request_path(|mut connection| async move {
                        connection.decr::<_, _, i64>(&key, 1).await
                    })
                    .await;
                if let Some(Err(error)) = result {
                    tracing::warn!(error = %error, limit = limit.name, "could not give back an attempt");
                }
            }
        }
    }
}

impl LocalBackplane {
    fn take(
        &self,
        limit: &Limit,
        key: String,
        amount: u32,
        now: DateTime<Utc>,
    ) -> Result<(), Duration> {
        let Ok(mut counters) = self.counters.lock() else {
            return Ok(());
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
        counter.count = counter.count.saturating_add(amount);
        if counter.count > limit.max {
            return Err((counter.resets_at - now)
                .to_std()
                .unwrap_or(Duration::from_secs(1)));
        }
        Ok(())
    }

    fn give_back(&self, key: &str) {
        if let Ok(mut counters) = self.counters.lock()
            && let Some(counter) = counters.get_mut(key)
        {
            counter.count = counter.count.saturating_sub(1);
        }
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
    async fn the_local_limit_lets_max_attempts_through_until_the_window_passes() {
        let backplane = Backplane::Local(Arc::default());
        let start = Utc::now();
        for _ in 0..3 {
            assert!(backplane.take(&LIMIT, "who", start).await.is_ok());
        }
        assert!(backplane.take(&LIMIT, "who", start).await.is_err());
        assert!(backplane.take(&LIMIT, "someone else", start).await.is_ok());
        let later = start + chrono::Duration::minutes(15);
        assert!(backplane.take(&LIMIT, "who", later).await.is_ok());
    }

    #[tokio::test]
    async fn an_attempt_given_back_does_not_count() {
        let backplane = Backplane::Local(Arc::default());
        let now = Utc::now();
        for _ in 0..10 {
            assert!(backplane.take(&LIMIT, "who", now).await.is_ok());
            backplane.give_back(&LIMIT, "who").await;
        }
        assert!(backplane.take(&LIMIT, "who", now).await.is_ok());
    }
}
