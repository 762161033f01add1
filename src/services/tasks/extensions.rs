//! More time: the lead department asks for working days, coordinators decide.

use super::{Step, led_task, step, text};
use crate::clock::local_date;
use crate::domain::calendar::WorkCalendar;
use crate::domain::ids::TaskId;
use crate::domain::lifecycle::GovernmentEvent;
use crate::domain::tasks::{Extension, ExtensionState, Task, TaskEventKind};
use crate::error::AppError;
use crate::error::FieldCode;
use crate::services::access::{Coordinator, DepartmentMember};
use crate::state::AppState;
use crate::store;
use crate::store::proposals::EventActor;

/// The lead department asks for more working days before its answer deadline.
pub async fn request_extension(
    state: &AppState,
    member: &DepartmentMember,
    id: TaskId,
    working_days: i32,
    reason: &str,
) -> Result<Task, AppError> {
    let task = led_task(state, member, id).await?;
    let reason = text(reason, "reason", 500, "延期原因")?;
    let days = u32::try_from(working_days)
        .ok()
        .filter(|days| (1..=30).contains(days))
        .ok_or_else(|| {
            AppError::validation(
                &["workingDays"],
                FieldCode::OutOfRange,
                "延期天数应为 1 到 30 个工作日。",
            )
        })?;
    let today = local_date(state.clock.now());
    if today > task.answer_due {
        return Err(AppError::validation(
            &["taskId"],
            FieldCode::PastDeadline,
            "答复期限已过，不能再申请延期。",
        ));
    }
    let staff = member.by();
    let extension = Extension {
        id: crate::domain::ids::ExtensionId::new(),
        task_id: task.id,
        working_days: days,
        reason: reason.clone(),
        requested_by: staff,
        requested_at: state.clock.now(),
        state: ExtensionState::Pending,
    };
    store::tasks::insert_extension(&state.db, &extension).await?;
    let text = format!("申请延期 {days} 个工作日：{reason}");
    step(
        state,
        task,
        Step {
            event: Some(GovernmentEvent::RequestExtension),
            kind: TaskEventKind::ExtensionRequested,
            actor: EventActor::Staff(staff),
            text: Some(&text),
            reopened_before: false,
        },
        |_, _| {},
    )
    .await
}

/// Coordinators approve or refuse a pending extension; approved, the answer deadline moves on by
/// the working days asked.
pub async fn decide_extension(
    state: &AppState,
    coordinator: &Coordinator,
    id: TaskId,
    approve: bool,
    note: Option<&str>,
) -> Result<Task, AppError> {
    let task = store::tasks::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let extension = store::tasks::pending_extension(&state.db, id)
        .await?
        .ok_or_else(|| AppError::InvalidTransition)?;
    let by = coordinator.staff().member.id;
    let (decision, kind) = if approve {
        (ExtensionState::Approved, TaskEventKind::ExtensionApproved)
    } else {
        (ExtensionState::Refused, TaskEventKind::ExtensionRefused)
    };
    let now = state.clock.now();
    if !store::tasks::decide_extension(&state.db, extension.id, decision, by, note, now).await? {
        return Err(AppError::Conflict);
    }
    step(
        state,
        task,
        Step {
            event: Some(GovernmentEvent::DecideExtension),
            kind,
            actor: EventActor::Staff(by),
            text: note,
            reopened_before: false,
        },
        |task, _| {
            if approve {
                task.answer_due = WorkCalendar::national()
                    .add_working_days(task.answer_due, extension.working_days);
                task.restart_clock(task.answer_due);
            }
        },
    )
    .await
}
