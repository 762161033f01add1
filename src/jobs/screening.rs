//! Automatic screening of new and revised proposals (DESIGN §7): every proposal passes the
//! screening library before an adult sees it, and its findings are stored with it. Then it waits
//! for the teacher, or, on a safeguarding signal, goes to the school's safeguarding lead: the
//! case opens in the same transaction, so no disclosure waits in a queue.

use futures_util::future::join_all;
use moderation::Screener;
use sea_orm::DbBackend;

use crate::domain::ids::ProposalId;
use crate::domain::lifecycle::{SchoolEvent, SchoolState};
use crate::domain::moderation::screen;
use crate::error::AppError;
use crate::services::proposals::announce;
use crate::services::safeguarding;
use crate::services::transitions::school_step;
use crate::state::AppState;
use crate::store;
use crate::store::moderation::LogEntry;
use crate::store::proposals::EventActor;

const TOPICS: [&str; 1] = ["proposal.submitted"];

/// Screens up to a batch of waiting proposals, as many at once as the jobs have connections
/// (one at a time on SQLite, whose one writer they would only queue for); returns how many rows
/// were handled.
pub async fn run(state: &AppState) -> Result<usize, AppError> {
    let pending = store::proposals::pending(&state.db, &TOPICS, 50).await?;
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
async fn screen_row(state: &AppState, row: &store::proposals::Pending) -> Result<bool, AppError> {
    let id = row
        .payload
        .get("proposalId")
        .and_then(|id| id.as_str())
        .and_then(ProposalId::parse);
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    if !store::proposals::claim(&transaction, row.id, now).await? {
        return Ok(false);
    }
    let proposal = match id {
        Some(id) => store::proposals::find(&transaction, id).await?,
        None => None,
    };
    // Withdrawn (or gone) before screening: nothing to do but mark the row handled.
    let Some(mut proposal) = proposal.filter(|p| p.school_state == SchoolState::Submitted) else {
        transaction.commit().await?;
        return Ok(true);
    };
    let screening = screen(
        Screener::builtin(),
        proposal.band,
        &proposal.answers,
        proposal.place.as_deref(),
    );
    store::moderation::set_screening(&transaction, proposal.id, &screening).await?;
    let system = EventActor::System;
    let mut case = None;
    proposal.school_state = if screening.escalates() {
        let escalated = school_step(
            &transaction,
            &proposal,
            SchoolEvent::Escalate,
            system,
            None,
            now,
        )
        .await?;
        let opened = safeguarding::open_case(
            &transaction,
            &proposal,
            None,
            screening.signals(),
            None,
            &safeguarding::deadline(state),
            now,
        )
        .await?;
        case = Some(opened);
        escalated
    } else {
        proposal.school_state = school_step(
            &transaction,
            &proposal,
            SchoolEvent::Screen,
            system,
            None,
            now,
        )
        .await?;
        school_step(
            &transaction,
            &proposal,
            SchoolEvent::QueueForReview,
            system,
            None,
            now,
        )
        .await?
    };
    let text = serde_json::json!({ "answers": proposal.answers, "place": proposal.place });
    store::moderation::append_log(
        &transaction,
        LogEntry {
            proposal: proposal.id,
            staff: None,
            decision: None,
            reason: Some(screening.action.as_str()),
            message: None,
            topic_before: &proposal.topic,
            topic_after: &proposal.topic,
            text_before: text,
            text_after: None,
            redactions: &[],
            false_alarms: &[],
        },
        now,
    )
    .await?;
    transaction.commit().await?;
    announce(state, &proposal).await;
    if let Some(case) = &case {
        safeguarding::announce(state, case).await;
    }
    Ok(true)
}
