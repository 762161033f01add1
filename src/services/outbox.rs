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

/// Claims row `id` in the caller's transaction; false when another worker had claimed it.
pub async fn claim(
    transaction: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(store::proposals::claim(transaction, id, now).await?)
}
