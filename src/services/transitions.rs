//! One step of a proposal's school layer: checked against the lifecycle table, written with
//! its event and an outbox row, in the caller's transaction.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::domain::lifecycle::{SchoolEvent, SchoolState};
use crate::domain::proposals::Proposal;
use crate::error::AppError;
use crate::store;
use crate::store::proposals::{Change, EventActor};

/// Moves `proposal` by `event`; INVALID_TRANSITION when the table does not allow it, CONFLICT
/// when another change came first. Returns the new state.
pub async fn school_step(
    db: &impl ConnectionTrait,
    proposal: &Proposal,
    event: SchoolEvent,
    actor: EventActor,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SchoolState, AppError> {
    let from = proposal.school_state;
    let to = from
        .next(event)
        .ok_or_else(|| AppError::InvalidTransition)?;
    if !store::proposals::set_school_state(db, proposal.id, from, to, now).await? {
        return Err(AppError::Conflict);
    }
    let change = Change {
        layer: "school",
        from: Some(from.as_str()),
        to: to.as_str(),
        reason,
    };
    store::proposals::append_event(db, proposal.id, actor, change, now).await?;
    // Only a proposal sent (again) asks a job for something: screening. No row is written for
    // the other steps, which nothing reads.
    if to == SchoolState::Submitted {
        let payload = serde_json::json!({ "proposalId": proposal.id.to_string() });
        store::proposals::enqueue(db, crate::store::submitted::SUBMITTED, payload, now).await?;
    }
    Ok(to)
}
