//! What a clerk does to a task: sign for it, note on it, bounce it; coordinators re-route it.

use super::{Step, led_task, step, text, visible_task};
use crate::domain::calendar::WorkCalendar;
use crate::domain::departments::DepartmentId;
use crate::domain::ids::TaskId;
use crate::domain::lifecycle::{GovernmentEvent, GovernmentState};
use crate::domain::tasks::{Task, TaskEventKind};
use crate::error::AppError;
use crate::error::FieldCode;
use crate::services::access::{Coordinator, DepartmentMember};
use crate::state::AppState;
use crate::store;
use crate::store::proposals::EventActor;

/// The lead department signs for a routed (or reopened) task: the answer clock now runs.
pub async fn sign_for(
    state: &AppState,
    member: &DepartmentMember,
    id: TaskId,
) -> Result<Task, AppError> {
    let task = led_task(state, member, id).await?;
    let now = state.clock.now();
    step(
        state,
        task,
        Step {
            event: Some(GovernmentEvent::SignFor),
            kind: TaskEventKind::SignedFor,
            actor: EventActor::Staff(member.by()),
            text: None,
            reopened_before: false,
        },
        |task, _| {
            task.signed_for_at = Some(now);
            task.restart_clock(task.answer_due);
        },
    )
    .await
}

/// The lead or a co-department adds a note (1 to 1,000 characters).
pub async fn add_note(
    state: &AppState,
    member: &DepartmentMember,
    id: TaskId,
    note: &str,
) -> Result<Task, AppError> {
    let task = visible_task(state, member, id).await?;
    let note = text(note, "note", 1000, "备注")?;
    step(
        state,
        task,
        Step {
            event: None,
            kind: TaskEventKind::Note,
            actor: EventActor::Staff(member.by()),
            text: Some(&note),
            reopened_before: false,
        },
        |_, _| {},
    )
    .await
}

/// The lead department returns a task that is not its business to the coordinators' triage.
pub async fn bounce(
    state: &AppState,
    member: &DepartmentMember,
    id: TaskId,
    reason: &str,
) -> Result<Task, AppError> {
    let task = led_task(state, member, id).await?;
    let reason = text(reason, "reason", 500, "退回原因")?;
    step(
        state,
        task,
        Step {
            event: Some(GovernmentEvent::Bounce),
            kind: TaskEventKind::Bounced,
            actor: EventActor::Staff(member.by()),
            text: Some(&reason),
            reopened_before: false,
        },
        |_, _| {},
    )
    .await
}

/// Coordinators route a task (bounced, unrouted, or routed and not yet signed for) to a
/// department, whose deadlines start today.
pub async fn reroute(
    state: &AppState,
    coordinator: &Coordinator,
    id: TaskId,
    department: DepartmentId,
) -> Result<Task, AppError> {
    let task = store::tasks::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let target = store::departments::find(&state.db, department)
        .await?
        .ok_or_else(|| {
            AppError::validation(&["departmentId"], FieldCode::Unknown, "没有这个部门。")
        })?;
    let event = match task.state {
        GovernmentState::Bounced => Some(GovernmentEvent::Route),
        GovernmentState::Routed => None,
        _ => return Err(AppError::InvalidTransition),
    };
    let campaign = store::campaigns::find(&state.db, task.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let note = format!("转至{}", target.name_zh);
    step(
        state,
        task,
        Step {
            event,
            kind: TaskEventKind::Rerouted,
            actor: EventActor::Staff(coordinator.staff().member.id),
            text: Some(&note),
            reopened_before: false,
        },
        |task, today| {
            let calendar = WorkCalendar::national();
            task.department_id = Some(target.id);
            task.co_departments.retain(|co| *co != target.id);
            task.sign_for_due = calendar.add_working_days(today, campaign.sign_for_days);
            task.answer_due = calendar.add_working_days(today, campaign.answer_days);
            task.signed_for_at = None;
            task.restart_clock(task.sign_for_due);
        },
    )
    .await
}
