//! The departments' task queues (DESIGN §5, §6): a task opens when a teacher approves, in the same
//! transaction; its department signs for it, notes on it, asks for more time or bounces it;
//! coordinators decide extensions and re-route. Every step writes the task, its event, the
//! proposal's state (what the child reads) and an outbox row for the departments' streams, in
//! one transaction, then tells the departments' consoles live.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;

use crate::clock::local_date;
use crate::domain::calendar::WorkCalendar;
use crate::domain::departments::DepartmentId;
use crate::domain::ids::{ProposalId, StaffId, TaskEventId, TaskId};
use crate::domain::lifecycle::{GovernmentEvent, GovernmentState};
use crate::domain::people::Actor;
use crate::domain::proposals::Proposal;
use crate::domain::tasks::{Task, TaskEvent, TaskEventKind};
use crate::error::AppError;
use crate::error::FieldCode;
use crate::services::access::{DepartmentMember, coordinator, department_member};
use crate::state::AppState;
use crate::store;
use crate::store::proposals::{Change, EventActor};

mod deadlines;
mod extensions;
mod queue;
mod steps;

pub use deadlines::sweep;
pub use extensions::{decide_extension, request_extension};
pub use queue::{
    QueueRequest, Workload, escalated, in_states, most_backed, queue, triage, workload,
};
pub use steps::{add_note, bounce, reroute, sign_for};

/// The outbox topic of a task event; the stream relay publishes every `task.` row.
pub fn topic(kind: TaskEventKind) -> String {
    format!("task.{}", kind.as_str())
}

/// Every task event's outbox topic.
pub fn topics() -> Vec<String> {
    TaskEventKind::ALL.iter().map(|kind| topic(*kind)).collect()
}

/// The live channel of a department's console.
pub fn channel(department: DepartmentId) -> String {
    format!("tasks:{}", department.0)
}

/// Opens the task of a proposal the school approved, in the approving transaction: routed by its
/// topic and area (the area's own rule first, then the topic's) to the lead department or
/// township (or the coordinators' triage queue), with its deadlines.
pub async fn open_for_approved(
    db: &impl ConnectionTrait,
    proposal: &Proposal,
    now: DateTime<Utc>,
) -> Result<(Task, TaskEvent), AppError> {
    let rule =
        store::routing::for_topic(db, proposal.topic.key(), proposal.area_code.as_deref()).await?;
    let campaign = store::campaigns::find(db, proposal.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = local_date(now);
    let calendar = WorkCalendar::national();
    let sign_for_due = calendar.add_working_days(today, campaign.sign_for_days);
    let task = Task {
        id: TaskId::new(),
        proposal_id: proposal.id,
        campaign_id: proposal.campaign_id,
        topic: proposal.topic,
        department_id: rule.as_ref().and_then(|rule| rule.lead),
        co_departments: rule.map(|rule| rule.co).unwrap_or_default(),
        state: GovernmentState::Routed,
        sign_for_due,
        answer_due: calendar.add_working_days(today, campaign.answer_days),
        due: sign_for_due,
        signed_for_at: None,
        reminded_at: None,
        escalated_at: None,
        created_at: now,
    };
    store::tasks::insert(db, &task).await?;
    mirror(db, &task, None, EventActor::System, None, now).await?;
    let event = record(db, &task, TaskEventKind::Created, None, None, now).await?;
    Ok((task, event))
}

/// Writes the task's state onto its proposal, with an event in the proposal's history.
async fn mirror(
    db: &impl ConnectionTrait,
    task: &Task,
    from: Option<GovernmentState>,
    actor: EventActor,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if from == Some(task.state) {
        return Ok(());
    }
    store::proposals::set_government_state(db, task.proposal_id, task.state, now).await?;
    let change = Change {
        layer: "government",
        from: from.map(GovernmentState::as_str),
        to: task.state.as_str(),
        reason,
    };
    store::proposals::append_event(db, task.proposal_id, actor, change, now).await?;
    Ok(())
}

/// Appends a task event and its outbox rows (ids only): one for the departments' streams, one
/// for their feeds.
async fn record(
    db: &impl ConnectionTrait,
    task: &Task,
    kind: TaskEventKind,
    staff: Option<StaffId>,
    text: Option<&str>,
    now: DateTime<Utc>,
) -> Result<TaskEvent, AppError> {
    let event = TaskEvent {
        id: TaskEventId::new(),
        task_id: task.id,
        kind,
        department_id: task.department_id,
        staff_id: staff,
        text: text.map(str::to_owned),
        at: now,
    };
    store::tasks::append_event(db, &event).await?;
    let payload = serde_json::json!({
        "eventId": event.id.0.to_string(),
        "taskId": task.id.0.to_string(),
        "proposalId": task.proposal_id.0.to_string(),
        "kind": kind.as_str(),
        "at": now.to_rfc3339(),
        "leadDepartmentId": task.department_id.map(|d| d.0.to_string()),
        "departmentIds": departments_of(task)
            .iter()
            .map(|d| d.0.to_string())
            .collect::<Vec<_>>(),
    });
    store::proposals::enqueue(
        db,
        crate::services::integrations::FEED_TOPIC,
        payload.clone(),
        now,
    )
    .await?;
    store::proposals::enqueue(db, &topic(kind), payload, now).await?;
    Ok(event)
}

/// The departments that see a task: its lead and its co-departments.
pub fn departments_of(task: &Task) -> Vec<DepartmentId> {
    task.department_id
        .into_iter()
        .chain(task.co_departments.iter().copied())
        .collect()
}

/// After commit: the consoles of the task's departments hear of the event, and the child of any
/// change of state.
pub async fn announce(state: &AppState, task: &Task, event: &TaskEvent) {
    for department in departments_of(task) {
        state
            .backplane
            .publish(&channel(department), &event.id.0.to_string())
            .await;
    }
    if let Ok(Some(proposal)) = store::proposals::find(&state.db, task.proposal_id).await {
        crate::services::notifications::announce(state, &proposal).await;
    }
}

/// One step on a task: the state table's check, then the task, the proposal's state, the event
/// and the outbox row in one transaction; then the live notices.
async fn step(
    state: &AppState,
    task: Task,
    step: Step<'_>,
    change: impl FnOnce(&mut Task, NaiveDate),
) -> Result<Task, AppError> {
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let (task, event) = step_in(&transaction, task, step, change, now).await?;
    transaction.commit().await?;
    announce(state, &task, &event).await;
    Ok(task)
}

/// What one step on a task does.
pub struct Step<'a> {
    /// The lifecycle event, if the state changes.
    pub event: Option<GovernmentEvent>,
    pub kind: TaskEventKind,
    pub actor: EventActor,
    pub text: Option<&'a str>,
    /// The proposal was reopened before (it reopens once only).
    pub reopened_before: bool,
}

impl Step<'_> {
    /// A child's verdict on the answer goes into their proposal's history as its rating only
    /// (never their comment): it decides the words they read when the task closes.
    fn verdict(&self) -> Option<&str> {
        match self.actor {
            EventActor::Child(_) => self.text.and_then(|text| text.split('：').next()),
            _ => None,
        }
    }
}

/// One step on a task in the caller's transaction: the state table's check, then the task, the
/// proposal's state, the event and the outbox row. The caller commits and announces.
pub async fn step_in(
    db: &impl ConnectionTrait,
    mut task: Task,
    step: Step<'_>,
    change: impl FnOnce(&mut Task, NaiveDate),
    now: DateTime<Utc>,
) -> Result<(Task, TaskEvent), AppError> {
    let from = task.state;
    if let Some(event) = step.event {
        task.state = from
            .next(event, step.reopened_before)
            .ok_or_else(|| AppError::InvalidTransition)?;
    }
    change(&mut task, local_date(now));
    if !store::tasks::update(db, &task, from, now).await? {
        return Err(AppError::Conflict);
    }
    mirror(db, &task, Some(from), step.actor, step.verdict(), now).await?;
    let staff = match step.actor {
        EventActor::Staff(staff) => Some(staff),
        _ => None,
    };
    let event = record(db, &task, step.kind, staff, step.text, now).await?;
    Ok((task, event))
}

/// A task the member's department leads, or NOT_FOUND.
pub(crate) async fn led_task(
    state: &AppState,
    member: &DepartmentMember,
    id: TaskId,
) -> Result<Task, AppError> {
    store::tasks::find(&state.db, id)
        .await?
        .filter(|task| task.department_id == Some(member.department()))
        .ok_or(AppError::NotFound)
}

/// A task the member's department leads or helps with, or NOT_FOUND.
async fn visible_task(
    state: &AppState,
    member: &DepartmentMember,
    id: TaskId,
) -> Result<Task, AppError> {
    store::tasks::find(&state.db, id)
        .await?
        .filter(|task| departments_of(task).contains(&member.department()))
        .ok_or(AppError::NotFound)
}

fn text(value: &str, path: &str, max: usize, what: &str) -> Result<String, AppError> {
    let value = value.trim();
    if (1..=max).contains(&value.chars().count()) {
        Ok(value.to_owned())
    } else {
        Err(AppError::validation(
            &[path],
            FieldCode::Length,
            format!("请用 1 到 {max} 个字写明{what}。"),
        ))
    }
}

/// The events of tasks, for showing them.
pub async fn events_of(
    state: &AppState,
    tasks: &[TaskId],
) -> Result<std::collections::HashMap<TaskId, Vec<TaskEvent>>, AppError> {
    Ok(store::tasks::events_of(&state.db, tasks).await?)
}

/// The tasks of proposals (for the child's expected answer date).
pub async fn of_proposals(
    state: &AppState,
    proposals: &[ProposalId],
) -> Result<std::collections::HashMap<ProposalId, Task>, AppError> {
    Ok(store::tasks::of_proposals(&state.db, proposals).await?)
}

/// A department member's task by id (theirs to lead or help with), with its events.
pub async fn one(
    state: &AppState,
    actor: &Actor,
    id: TaskId,
) -> Result<(Task, Vec<TaskEvent>), AppError> {
    let task = match coordinator(actor) {
        Ok(_) => store::tasks::find(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?,
        Err(_) => visible_task(state, &department_member(actor)?, id).await?,
    };
    let mut events = store::tasks::events_of(&state.db, &[task.id]).await?;
    let events = events.remove(&task.id).unwrap_or_default();
    Ok((task, events))
}

/// A department member's live feed: each event on a task their department leads or helps with.
pub async fn live(
    state: &AppState,
    member: DepartmentMember,
) -> Result<futures_util::stream::BoxStream<'static, (Task, TaskEvent)>, AppError> {
    use futures_util::StreamExt as _;
    let updates = state
        .backplane
        .subscribe(&channel(member.department()))
        .await
        .map_err(|error| {
            tracing::warn!(error = %error, "cannot subscribe to task events");
            AppError::Unavailable
        })?;
    let state = state.clone();
    let stream = updates.filter_map(move |id| {
        let (state, member) = (state.clone(), member.clone());
        async move {
            let id = TaskEventId(uuid::Uuid::parse_str(&id).ok()?);
            let event = store::tasks::find_event(&state.db, id).await.ok()??;
            let task = visible_task(&state, &member, event.task_id).await.ok()?;
            Some((task, event))
        }
    });
    Ok(stream.boxed())
}

/// The approved (redacted) text of the tasks' proposals: all a department reads of a child.
pub async fn public_text(
    state: &AppState,
    tasks: &[Task],
) -> Result<
    std::collections::HashMap<ProposalId, (Vec<crate::domain::forms::Answer>, Option<String>)>,
    AppError,
> {
    let ids: Vec<ProposalId> = tasks.iter().map(|task| task.proposal_id).collect();
    Ok(store::moderation::public_text(&state.db, &ids).await?)
}
