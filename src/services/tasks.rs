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
use crate::domain::page::{Page, PageRequest};
use crate::domain::people::Actor;
use crate::domain::proposals::Proposal;
use crate::domain::tasks::{Extension, ExtensionState, Task, TaskEvent, TaskEventKind};
use crate::error::AppError;
use crate::services::access::{Coordinator, DepartmentMember, coordinator, department_member};
use crate::state::AppState;
use crate::store;
use crate::store::proposals::{Change, EventActor};
use crate::store::tasks::{QueueKey, TaskFilter};

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
/// topic to the lead department (or the coordinators' triage queue), with its deadlines.
pub async fn open_for_approved(
    db: &impl ConnectionTrait,
    proposal: &Proposal,
    now: DateTime<Utc>,
) -> Result<(Task, TaskEvent), AppError> {
    let rule = store::routing::for_topic(db, &proposal.topic, None).await?;
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
        topic: proposal.topic.clone(),
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

/// Appends a task event and its outbox row (ids only) for the departments' streams.
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
        crate::services::proposals::announce(state, &proposal).await;
    }
}

/// One step on a task: the state table's check, then the task, the proposal's state, the event
/// and the outbox row in one transaction; then the live notices.
async fn step(
    state: &AppState,
    task: Task,
    event: Option<GovernmentEvent>,
    kind: TaskEventKind,
    staff: StaffId,
    text: Option<&str>,
    change: impl FnOnce(&mut Task, NaiveDate),
) -> Result<Task, AppError> {
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let (task, event) = step_in(
        &transaction,
        task,
        Step {
            event,
            kind,
            actor: EventActor::Staff(staff),
            text,
            reopened_before: false,
        },
        change,
        now,
    )
    .await?;
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
        task.state =
            from.next(event, step.reopened_before)
                .ok_or_else(|| AppError::InvalidTransition {
                    from: from.as_str().into(),
                    to: format!("{event:?}"),
                })?;
    }
    change(&mut task, local_date(now));
    if !store::tasks::update(db, &task, from, now).await? {
        return Err(AppError::Conflict("state".into()));
    }
    mirror(db, &task, Some(from), step.actor, None, now).await?;
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
            "LENGTH",
            format!("请用 1 到 {max} 个字写明{what}。"),
        ))
    }
}

/// Which tasks a department member asks for.
#[derive(Clone, Debug, Default)]
pub struct QueueRequest {
    /// Tasks the department helps with, instead of those it leads.
    pub as_co_department: bool,
    pub states: Vec<GovernmentState>,
    pub overdue: bool,
    pub campaign: Option<crate::domain::ids::CampaignId>,
    pub topic: Option<String>,
}

/// Department staff: their department's tasks, the nearest deadline first.
pub async fn queue(
    state: &AppState,
    member: &DepartmentMember,
    request: QueueRequest,
    page: &PageRequest<QueueKey>,
) -> Result<Page<Task>, AppError> {
    let today = local_date(state.clock.now());
    // A bounced task is the coordinators' now; the department sees it only when it asks.
    let mut request = request;
    if request.states.is_empty() {
        request.states = GovernmentState::ALL
            .iter()
            .copied()
            .filter(|state| *state != GovernmentState::Bounced)
            .collect();
    }
    let filter = TaskFilter {
        department: (!request.as_co_department).then_some(member.department()),
        co_department: request.as_co_department.then_some(member.department()),
        triage: false,
        states: request.states,
        overdue_on: request.overdue.then_some(today),
        campaign: request.campaign,
        topic: request.topic,
    };
    Ok(store::tasks::queue(&state.db, &filter, page).await?)
}

/// Coordinators: the triage queue (bounced tasks, and tasks no rule routes).
pub async fn triage(
    state: &AppState,
    _: &Coordinator,
    page: &PageRequest<QueueKey>,
) -> Result<Page<Task>, AppError> {
    let filter = TaskFilter {
        triage: true,
        ..TaskFilter::default()
    };
    Ok(store::tasks::queue(&state.db, &filter, page).await?)
}

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
        Some(GovernmentEvent::SignFor),
        TaskEventKind::SignedFor,
        member.staff().member.id,
        None,
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
        None,
        TaskEventKind::Note,
        member.staff().member.id,
        Some(&note),
        |_, _| {},
    )
    .await
}

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
                "OUT_OF_RANGE",
                "延期天数应为 1 到 30 个工作日。",
            )
        })?;
    let today = local_date(state.clock.now());
    if today > task.answer_due {
        return Err(AppError::validation(
            &["taskId"],
            "PAST_DEADLINE",
            "答复期限已过，不能再申请延期。",
        ));
    }
    let staff = member.staff().member.id;
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
        Some(GovernmentEvent::RequestExtension),
        TaskEventKind::ExtensionRequested,
        staff,
        Some(&text),
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
        .ok_or_else(|| AppError::InvalidTransition {
            from: task.state.as_str().into(),
            to: "decide_extension".into(),
        })?;
    let by = coordinator.staff().member.id;
    let (decision, kind) = if approve {
        (ExtensionState::Approved, TaskEventKind::ExtensionApproved)
    } else {
        (ExtensionState::Refused, TaskEventKind::ExtensionRefused)
    };
    let now = state.clock.now();
    if !store::tasks::decide_extension(&state.db, extension.id, decision, by, note, now).await? {
        return Err(AppError::Conflict("extension".into()));
    }
    step(
        state,
        task,
        Some(GovernmentEvent::DecideExtension),
        kind,
        by,
        note,
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
        Some(GovernmentEvent::Bounce),
        TaskEventKind::Bounced,
        member.staff().member.id,
        Some(&reason),
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
        .ok_or_else(|| AppError::validation(&["departmentId"], "UNKNOWN", "没有这个部门。"))?;
    let event = match task.state {
        GovernmentState::Bounced => Some(GovernmentEvent::Route),
        GovernmentState::Routed => None,
        other => {
            return Err(AppError::InvalidTransition {
                from: other.as_str().into(),
                to: "reroute".into(),
            });
        }
    };
    let campaign = store::campaigns::find(&state.db, task.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let note = format!("转至{}", target.name_zh);
    step(
        state,
        task,
        event,
        TaskEventKind::Rerouted,
        coordinator.staff().member.id,
        Some(&note),
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

/// The reminder (催办) and escalation (督办) sweep: each open task whose deadline has come is
/// reminded once, and escalated once after `escalate_after` further working days. Returns how
/// many events it wrote.
pub async fn sweep(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let today = local_date(now);
    let calendar = WorkCalendar::national();
    let escalate_after = state.config.escalate_after_working_days;
    let mut written = 0;
    let escalate_by = calendar.working_days_before(today, escalate_after);
    for mut task in store::tasks::due_for_sweep(&state.db, today, escalate_by, 200).await? {
        let mut kinds = Vec::new();
        if task.reminded_at.is_none() {
            task.reminded_at = Some(now);
            kinds.push(TaskEventKind::Reminder);
        }
        if task.escalated_at.is_none() && task.due <= escalate_by {
            task.escalated_at = Some(now);
            kinds.push(TaskEventKind::Escalation);
        }
        if kinds.is_empty() {
            continue;
        }
        let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
        if !store::tasks::update(&transaction, &task, task.state, now).await? {
            continue;
        }
        let mut events = Vec::new();
        for kind in &kinds {
            let text = match kind {
                TaskEventKind::Reminder => format!("期限 {} 已到，请尽快办理（催办）", task.due),
                _ => format!(
                    "期限 {} 已过 {escalate_after} 个工作日，转协调员督办",
                    task.due
                ),
            };
            events.push(record(&transaction, &task, *kind, None, Some(&text), now).await?);
        }
        transaction.commit().await?;
        for (kind, event) in kinds.iter().zip(&events) {
            state.metrics.task_deadline_event(kind.as_str());
            announce(state, &task, event).await;
        }
        written += events.len();
    }
    Ok(written)
}

/// Per lead department: open and overdue tasks, and the bounces, reminders and escalations it
/// has had.
pub struct Workload {
    pub department: DepartmentId,
    pub open: u64,
    pub overdue: u64,
    pub bounces: u64,
    pub reminders: u64,
    pub escalations: u64,
}

/// Coordinators: every department's workload, the most overdue first.
pub async fn workload(state: &AppState, _: &Coordinator) -> Result<Vec<Workload>, AppError> {
    let today = local_date(state.clock.now());
    let open = store::tasks::open_counts(&state.db, today).await?;
    let events = store::tasks::event_counts(&state.db).await?;
    let mut departments: Vec<DepartmentId> = open
        .keys()
        .copied()
        .chain(events.keys().map(|(department, _)| *department))
        .collect();
    departments.sort();
    departments.dedup();
    let count = |department: DepartmentId, kind| events.get(&(department, kind)).copied();
    let mut rows: Vec<Workload> = departments
        .into_iter()
        .map(|department| {
            let (open, overdue) = open.get(&department).copied().unwrap_or_default();
            Workload {
                department,
                open,
                overdue,
                bounces: count(department, TaskEventKind::Bounced).unwrap_or_default(),
                reminders: count(department, TaskEventKind::Reminder).unwrap_or_default(),
                escalations: count(department, TaskEventKind::Escalation).unwrap_or_default(),
            }
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse((row.overdue, row.open)));
    Ok(rows)
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
