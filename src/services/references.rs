//! Short tracking references (issue 20): a child, teacher or parent quotes `SY-26-4F7KQ` on the
//! phone, and staff find the proposal: its class's teachers, the departments of its task, and
//! coordinators. For anyone else, and for a reference that is not one, it is NOT_FOUND.

use crate::domain::people::Actor;
use crate::domain::proposals::{Proposal, normalise_reference};
use crate::domain::tasks::Task;
use crate::error::AppError;
use crate::state::AppState;
use crate::store;

/// The proposal with this reference, and its task, if the actor may see it.
pub async fn find(
    state: &AppState,
    actor: &Actor,
    reference: &str,
) -> Result<(Proposal, Option<Task>), AppError> {
    if *actor == Actor::Anonymous {
        return Err(AppError::Unauthenticated);
    }
    let reference = normalise_reference(reference).ok_or(AppError::NotFound)?;
    let proposal = store::proposals::find_by_reference(&state.db, &reference)
        .await?
        .filter(|proposal| !proposal.is_with_the_lead())
        .ok_or(AppError::NotFound)?;
    let task = store::tasks::of_proposals(&state.db, &[proposal.id])
        .await?
        .remove(&proposal.id);
    crate::services::access::may_follow_proposal(&state.db, actor, &proposal, task.as_ref())
        .await?;
    Ok((proposal, task))
}
