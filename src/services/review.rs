//! A teacher's decisions on their class's proposals. Returning a proposal for changes is here
//! now; approving, rejecting and escalating come with the moderation issue.

use crate::domain::ids::ProposalId;
use crate::domain::lifecycle::SchoolEvent;
use crate::domain::people::Actor;
use crate::domain::proposals::Proposal;
use crate::error::AppError;
use crate::services::proposals::announce;
use crate::services::transitions::school_step;
use crate::state::AppState;
use crate::store;
use crate::store::proposals::EventActor;

/// The proposal's class teacher: asks the child to change it, saying what in words the child
/// will read (1 to 200 characters).
pub async fn return_for_changes(
    state: &AppState,
    actor: &Actor,
    id: ProposalId,
    note: &str,
) -> Result<Proposal, AppError> {
    let note = note.trim();
    if !(1..=200).contains(&note.chars().count()) {
        return Err(AppError::validation(
            &["note"],
            "LENGTH",
            "请用 1 到 200 个字告诉孩子要改什么。",
        ));
    }
    let mut proposal = store::proposals::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let teacher =
        crate::services::access::class_teacher(&state.db, actor, proposal.class_id).await?;
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let by = EventActor::Staff(teacher.staff.member.id);
    proposal.school_state = school_step(
        &transaction,
        &proposal,
        SchoolEvent::ReturnForChanges,
        by,
        Some(note),
        now,
    )
    .await?;
    transaction.commit().await?;
    announce(state, &proposal).await;
    Ok(proposal)
}
