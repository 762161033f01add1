//! The time, from one place, so tests can move it: session expiry, rate-limit windows and (later)
//! working-day deadlines all read the app's clock, never `Utc::now()` directly.

use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to. Shared by cloning.
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn starting_at(now: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(Mutex::new(now)))
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|now| *now)
            .unwrap_or_else(|poisoned| *poisoned.into_inner())
    }
}

pub type SharedClock = Arc<dyn Clock>;

/// The date in Shangyu (UTC+8) at `now`: what "today" means to the people using the system.
pub fn local_date(now: DateTime<Utc>) -> chrono::NaiveDate {
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(china) => now.with_timezone(&china).date_naive(),
        None => now.date_naive(),
    }
}
