//! Short tracking references (issue 20): a child, teacher or parent quotes `SY-26-4F7KQ` on the
//! phone, and staff find the proposal: its class's teachers, the departments of its task, and
//! coordinators. For anyone else, and for a reference that is not one, it is NOT_FOUND.

use crate::domain::people::{Actor, Role};
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
    let may = match actor {
        Actor::Staff(staff) => match staff.member.role {
            Role::Coordinator => true,
            Role::Teacher => {
                store::classes::is_teacher_of(&state.db, staff.member.id, proposal.class_id).await?
            }
            Role::DepartmentStaff => task.as_ref().is_some_and(|task| {
                staff.member.department_id.is_some_and(|department| {
                    crate::services::tasks::departments_of(task).contains(&department)
                })
            }),
            Role::SafeguardingLead | Role::DistrictSafeguardingLead => false,
        },
        Actor::Integration(key) => task.as_ref().is_some_and(|task| {
            crate::services::tasks::departments_of(task).contains(&key.department_id)
        }),
        Actor::Child(child) => child.id == proposal.child_id,
        Actor::Anonymous => return Err(AppError::Unauthenticated),
    };
    if !may {
        return Err(AppError::NotFound);
    }
    Ok((proposal, task))
}
