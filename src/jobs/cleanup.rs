//! Retries the deletions an erasure could not finish (`services::cleanup`) until each is done.

use crate::error::AppError;
use crate::services::{cleanup, outbox};
use crate::state::AppState;

/// Retries waiting deletions; returns how many rows are done.
pub async fn run(state: &AppState) -> Result<usize, AppError> {
    let mut done = 0;
    for row in outbox::pending(state, &[cleanup::TOPIC], 50).await? {
        match cleanup::retry(state, &row).await {
            Ok(handled) => done += usize::from(handled),
            // Not yet: the row stays, and the next run tries again.
            Err(error) => tracing::warn!(
                row = row.id,
                code = error.code().as_str(),
                "a deletion waits for its retry"
            ),
        }
    }
    Ok(done)
}
