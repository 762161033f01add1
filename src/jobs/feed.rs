//! Numbers each task event in the feeds of the departments that see it (`taskEvents`), in the
//! order the numbering commits: each row is claimed and numbered in one short transaction, so no
//! request waits on a department's feed.

use crate::error::AppError;
use crate::services;
use crate::services::integrations::FEED_TOPIC;
use crate::services::outbox;
use crate::state::AppState;

/// Numbers up to a batch of task events; returns how many rows were handled.
pub async fn run(state: &AppState) -> Result<usize, AppError> {
    let pending = outbox::pending(state, &[FEED_TOPIC], 100).await?;
    let mut handled = 0;
    for row in pending {
        let outcome = number(state, &row).await;
        handled += super::tally(
            outcome,
            row.id,
            "numbering a task event in the feeds failed",
        )?;
    }
    Ok(handled)
}

async fn number(state: &AppState, row: &outbox::Pending) -> Result<bool, AppError> {
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    if !outbox::claim(&transaction, row.id, state.clock.now()).await? {
        return Ok(false);
    }
    services::integrations::number_in_feeds(&transaction, &row.payload).await?;
    transaction.commit().await?;
    Ok(true)
}
