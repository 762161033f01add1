//! What a clerk sees: the department's queue, the coordinators' triage, every department's workload.

use crate::clock::local_date;
use crate::domain::departments::DepartmentId;
use crate::domain::lifecycle::GovernmentState;
use crate::domain::page::{Page, PageRequest};
use crate::domain::tasks::QueueKey;
use crate::domain::tasks::{Task, TaskEventKind};
use crate::error::AppError;
use crate::services::access::{Coordinator, DepartmentMember};
use crate::state::AppState;
use crate::store;
use crate::store::tasks::TaskFilter;

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

/// Coordinators: the district's tasks in these states (all of them when none are given is
/// refused: a coordinator asks for what they will act on).
pub async fn in_states(
    state: &AppState,
    _: &Coordinator,
    states: Vec<GovernmentState>,
    page: &PageRequest<QueueKey>,
) -> Result<Page<Task>, AppError> {
    if states.is_empty() {
        return Err(AppError::validation(
            &["states"],
            crate::error::FieldCode::Required,
            "请至少选择一种状态。",
        ));
    }
    let filter = TaskFilter {
        states,
        ..TaskFilter::default()
    };
    Ok(store::tasks::queue(&state.db, &filter, page).await?)
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

/// Department staff: the tasks their department leads that children back most (附议), most
/// backed first, then the nearest deadline; with each its count.
pub async fn most_backed(
    state: &AppState,
    member: &DepartmentMember,
    limit: usize,
) -> Result<Vec<(Task, u64)>, AppError> {
    let tasks = store::tasks::led_and_backed(&state.db, member.department()).await?;
    let ids: Vec<_> = tasks.iter().map(|task| task.proposal_id).collect();
    let counts = store::backings::pooled_counts(&state.db, &ids).await?;
    let mut backed: Vec<(Task, u64)> = tasks
        .into_iter()
        .map(|task| {
            let count = counts.get(&task.proposal_id).copied().unwrap_or(0);
            (task, count)
        })
        .filter(|(_, count)| *count > 0)
        .collect();
    backed.sort_by(|(a, a_count), (b, b_count)| {
        b_count
            .cmp(a_count)
            .then(a.due.cmp(&b.due))
            .then(a.id.cmp(&b.id))
    });
    backed.truncate(limit);
    Ok(backed)
}

/// Coordinators: the open tasks escalated to them (督办), the longest overdue first, each with
/// the working days it is overdue.
pub async fn escalated(state: &AppState, _: &Coordinator) -> Result<Vec<(Task, u32)>, AppError> {
    let today = local_date(state.clock.now());
    let calendar = crate::domain::calendar::WorkCalendar::national();
    Ok(store::tasks::escalated(&state.db)
        .await?
        .into_iter()
        .map(|task| {
            let late = calendar.working_days_between(task.due, today);
            (task, late)
        })
        .collect())
}
