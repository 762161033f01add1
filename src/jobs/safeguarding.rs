//! Safeguarding's background work: each `safeguarding.case_opened` outbox event becomes a stored
//! notice for the case's leads (so a lead who was not online when it opened finds it, on any
//! instance), and cases nobody acknowledged in time go up to the district's leads.

use crate::domain::ids::CaseId;
use crate::error::AppError;
use crate::services::outbox;
use crate::services::safeguarding;
use crate::state::AppState;

const TOPICS: [&str; 1] = ["safeguarding.case_opened"];

/// Handles waiting case-opened events, then escalates overdue cases; returns how many of each.
pub async fn run(state: &AppState) -> Result<usize, AppError> {
    let mut handled = 0;
    for row in outbox::pending(state, &TOPICS, 50).await? {
        handled += super::tally(notify(state, &row).await, row.id, "a case notice failed")?;
    }
    Ok(handled + safeguarding::escalate_overdue(state).await?)
}

/// The notices of one event, in the transaction that claims it. False when another worker had
/// claimed it.
async fn notify(state: &AppState, row: &outbox::Pending) -> Result<bool, AppError> {
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    if !outbox::claim(&transaction, row.id, now).await? {
        return Ok(false);
    }
    let case = row
        .payload
        .get("caseId")
        .and_then(|id| id.as_str())
        .and_then(CaseId::parse);
    if let Some(case) = case
        && !safeguarding::notify_opened(&transaction, case, now).await?
    {
        tracing::warn!(case = %case, "a case-opened event names no case");
    }
    transaction.commit().await?;
    Ok(true)
}
