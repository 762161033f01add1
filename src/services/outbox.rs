//! The outbox: work one step of the loop leaves for another, written in the same transaction as
//! the change it follows (a proposal submitted, a case opened, a task event). The background jobs
//! read the oldest rows of their topics and claim each once, in the transaction that handles it:
//! a row claimed and not committed is claimed again by the next poll.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::error::AppError;
use crate::state::AppState;
use crate::store;

pub use crate::store::proposals::Pending;

/// The oldest unhandled rows of these topics, at most `limit`.
pub async fn pending(
    state: &AppState,
    topics: &[&str],
    limit: u64,
) -> Result<Vec<Pending>, AppError> {
    Ok(store::proposals::pending(&state.db, topics, limit).await?)
}

/// How long a handled row is kept (to look into what happened), before [`prune`] removes it.
pub const KEPT: chrono::Duration = chrono::Duration::days(7);
/// The most handled rows one prune removes, so that it never holds the table for long.
const PRUNED_AT_ONCE: u64 = 5_000;

/// Removes handled rows older than [`KEPT`], oldest first, a bounded batch at a time (every
/// poll of the jobs takes a batch); returns how many went. Its cost does not grow with the
/// history: it reads the primary key from the oldest row up to the first row still kept.
pub async fn prune(state: &AppState) -> Result<u64, AppError> {
    let before = state.clock.now() - KEPT;
    Ok(store::proposals::prune_outbox(&state.db, before, PRUNED_AT_ONCE).await?)
}

/// Claims row `id` in the caller's transaction; false when another worker had claimed it.
pub async fn claim(
    transaction: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(store::proposals::claim(transaction, id, now).await?)
}
