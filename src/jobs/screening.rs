//! Automatic screening of new and revised proposals (DESIGN §7): every proposal passes the
//! screening library before an adult sees it; then it waits for the teacher, or, on a
//! safeguarding signal, goes to the school's safeguarding lead. The screening rules arrive with
//! the moderation issue; until then nothing is found and every proposal goes to its teacher.

use moderation::{Action, Options, Screener};
use std::sync::LazyLock;

use crate::domain::ids::ProposalId;
use crate::domain::lifecycle::{SchoolEvent, SchoolState};
use crate::error::AppError;
use crate::services::proposals::announce;
use crate::services::transitions::school_step;
use crate::state::AppState;
use crate::store;
use crate::store::proposals::EventActor;

static SCREENER: LazyLock<Screener> = LazyLock::new(Screener::default);

const TOPICS: [&str; 1] = ["proposal.submitted"];

/// Screens up to a batch of waiting proposals; returns how many rows were handled.
pub async fn run(state: &AppState) -> Result<usize, AppError> {
    let pending = store::proposals::pending(&state.db, &TOPICS, 50).await?;
    let mut handled = 0;
    for row in pending {
        match screen_row(state, &row).await {
            Ok(true) => handled += 1,
            Ok(false) => {}
            // The database is down: stop, the rows wait for the next run.
            Err(AppError::Unavailable) => return Err(AppError::Unavailable),
            // One row that fails must not hold up the rows behind it; it is retried next run.
            Err(error) => tracing::warn!(
                row = row.id,
                code = error.code().as_str(),
                "screening a proposal failed"
            ),
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
    let text: Vec<&str> = proposal
        .answers
        .iter()
        .filter_map(|a| a.text.as_deref())
        .chain(proposal.place.as_deref())
        .collect();
    let screening = SCREENER.screen(&text.join("\n"), &Options { age: 0 });
    let system = EventActor::System;
    proposal.school_state = if screening.action == Action::Escalate {
        school_step(
            &transaction,
            &proposal,
            SchoolEvent::Escalate,
            system,
            None,
            now,
        )
        .await?
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
    transaction.commit().await?;
    announce(state, &proposal).await;
    Ok(true)
}
