//! The screening job: it claims each `proposal.submitted` outbox row and hands the proposal to
//! the screening use case (`services::moderation::screen_claimed`) in the claiming transaction.

use futures_util::future::join_all;
use sea_orm::DbBackend;

use crate::domain::ids::ProposalId;
use crate::error::AppError;
use crate::services::outbox;
use crate::state::AppState;

const TOPICS: [&str; 1] = ["proposal.submitted"];

/// Screens up to a batch of waiting proposals, as many at once as the jobs have connections
/// (one at a time on SQLite, whose one writer they would only queue for); returns how many rows
/// were handled.
pub async fn run(state: &AppState) -> Result<usize, AppError> {
    let pending = outbox::pending(state, &TOPICS, 50).await?;
    let at_once = match state.db.get_database_backend() {
        DbBackend::Sqlite => 1,
        _ => state.config.jobs_database_connections.max(1) as usize,
    };
    let mut handled = 0;
    for rows in pending.chunks(at_once) {
        let outcomes = join_all(rows.iter().map(|row| screen_row(state, row))).await;
        for (row, outcome) in rows.iter().zip(outcomes) {
            handled += super::tally(outcome, row.id, "screening a proposal failed")?;
        }
    }
    Ok(handled)
}

/// Screens the proposal of one outbox row, in the transaction that claims the row. False when
/// another worker had claimed it.
async fn screen_row(state: &AppState, row: &outbox::Pending) -> Result<bool, AppError> {
    let id = row
        .payload
        .get("proposalId")
        .and_then(|id| id.as_str())
        .and_then(ProposalId::parse);
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    if !outbox::claim(&transaction, row.id, now).await? {
        return Ok(false);
    }
    crate::services::moderation::screen_claimed(state, transaction, id).await?;
    Ok(true)
}
