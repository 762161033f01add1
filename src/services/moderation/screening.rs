//! Screening (DESIGN §7): every proposal passes the screening library before an adult sees it,
//! and its findings are stored with it. Then it waits for the teacher, or, on a safeguarding
//! signal, goes to the school's safeguarding lead: the case opens in the same transaction, so no
//! disclosure waits in a queue. The screen's own entry opens the moderation log.

use moderation::Screener;
use sea_orm::DatabaseTransaction;

use crate::domain::ids::ProposalId;
use crate::domain::lifecycle::{SchoolEvent, SchoolState};
use crate::domain::moderation::screen;
use crate::error::AppError;
use crate::services::notifications::announce;
use crate::services::safeguarding;
use crate::services::transitions::school_step;
use crate::state::AppState;
use crate::store;
use crate::store::moderation::LogEntry;
use crate::store::proposals::EventActor;

/// Screens proposal `id` in `transaction`, in which the background job claimed its outbox row,
/// and commits. A proposal withdrawn (or gone) before screening needs nothing but the commit.
pub async fn screen_claimed(
    state: &AppState,
    transaction: DatabaseTransaction,
    id: Option<ProposalId>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let proposal = match id {
        Some(id) => store::proposals::find(&transaction, id).await?,
        None => None,
    };
    // Withdrawn (or gone) before screening: nothing to do but mark the row handled.
    let Some(mut proposal) = proposal.filter(|p| p.school_state == SchoolState::Submitted) else {
        transaction.commit().await?;
        return Ok(());
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
            topic_before: proposal.topic.key(),
            topic_after: proposal.topic.key(),
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
    Ok(())
}
