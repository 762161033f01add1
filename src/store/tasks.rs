//! Tasks, their events and extension requests.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

use super::entities::{extension_requests, task_events, tasks};
use super::routing::{ids, json_ids};
use crate::domain::departments::DepartmentId;
use crate::domain::ids::{CampaignId, ExtensionId, ProposalId, StaffId, TaskEventId, TaskId};
use crate::domain::lifecycle::GovernmentState;
use crate::domain::page::{Page, PageRequest};
use crate::domain::tasks::QueueKey;
use crate::domain::tasks::{
    Extension, ExtensionState, OPEN_STATES, Task, TaskEvent, TaskEventKind,
};

pub async fn insert(db: &impl ConnectionTrait, task: &Task) -> Result<(), DbErr> {
    tasks::ActiveModel {
        id: Set(task.id.0),
        proposal_id: Set(task.proposal_id.0),
        campaign_id: Set(task.campaign_id.0),
        topic: Set(task.topic.key().to_owned()),
        department_id: Set(task.department_id.map(|id| id.0)),
        co_department_ids: Set(json_ids(&task.co_departments)),
        state: Set(task.state.as_str().to_owned()),
        sign_for_due: Set(task.sign_for_due),
        answer_due: Set(task.answer_due),
        due: Set(task.due),
        signed_for_at: Set(task.signed_for_at),
        signed_for_by: Set(None),
        reminded_at: Set(task.reminded_at),
        escalated_at: Set(task.escalated_at),
        created_at: Set(task.created_at),
        updated_at: Set(task.created_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: TaskId) -> Result<Option<Task>, DbErr> {
    tasks::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// The tasks of these proposals, by proposal.
pub async fn of_proposals(
    db: &impl ConnectionTrait,
    proposals: &[ProposalId],
) -> Result<HashMap<ProposalId, Task>, DbErr> {
    if proposals.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = tasks::Entity::find()
        .filter(tasks::Column::ProposalId.is_in(proposals.iter().map(|id| id.0)))
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| to_domain(row).map(|task| (task.proposal_id, task)))
        .collect()
}

/// Writes a task's changed fields, when it is still in `from`; false when another change came
/// first.
pub async fn update(
    db: &impl ConnectionTrait,
    task: &Task,
    from: GovernmentState,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = tasks::Entity::update_many()
        .col_expr(
            tasks::Column::DepartmentId,
            Expr::value(task.department_id.map(|id| id.0)),
        )
        .col_expr(
            tasks::Column::CoDepartmentIds,
            Expr::value(json_ids(&task.co_departments)),
        )
        .col_expr(tasks::Column::State, Expr::value(task.state.as_str()))
        .col_expr(tasks::Column::SignForDue, Expr::value(task.sign_for_due))
        .col_expr(tasks::Column::AnswerDue, Expr::value(task.answer_due))
        .col_expr(tasks::Column::Due, Expr::value(task.due))
        .col_expr(tasks::Column::SignedForAt, Expr::value(task.signed_for_at))
        .col_expr(tasks::Column::RemindedAt, Expr::value(task.reminded_at))
        .col_expr(tasks::Column::EscalatedAt, Expr::value(task.escalated_at))
        .col_expr(tasks::Column::UpdatedAt, Expr::value(now))
        .filter(tasks::Column::Id.eq(task.id.0))
        .filter(tasks::Column::State.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Which tasks a queue shows.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    /// Tasks this department leads.
    pub department: Option<DepartmentId>,
    /// Tasks this department helps with.
    pub co_department: Option<DepartmentId>,
    /// Only the coordinators' triage queue.
    pub triage: bool,
    pub states: Vec<GovernmentState>,
    /// Open and past their deadline on this day.
    pub overdue_on: Option<NaiveDate>,
    pub campaign: Option<CampaignId>,
    pub topic: Option<String>,
}

/// A queue, the nearest deadline first (then the oldest).
pub async fn queue(
    db: &impl ConnectionTrait,
    filter: &TaskFilter,
    page: &PageRequest<QueueKey>,
) -> Result<Page<Task>, DbErr> {
    let mut query = tasks::Entity::find()
        .order_by_asc(tasks::Column::Due)
        .order_by_asc(tasks::Column::Id)
        .limit(page.fetch_limit());
    if let Some(department) = filter.department {
        query = query.filter(tasks::Column::DepartmentId.eq(department.0));
    }
    if let Some(department) = filter.co_department {
        // The JSON list of co-departments, as text, holds the id.
        query = query.filter(super::text_contains(
            tasks::Column::CoDepartmentIds,
            &department.0.to_string(),
        ));
    }
    if filter.triage {
        query = query.filter(
            Condition::any()
                .add(tasks::Column::State.eq(GovernmentState::Bounced.as_str()))
                .add(
                    Condition::all()
                        .add(tasks::Column::DepartmentId.is_null())
                        .add(tasks::Column::State.eq(GovernmentState::Routed.as_str())),
                ),
        );
    }
    if !filter.states.is_empty() {
        query = query.filter(tasks::Column::State.is_in(filter.states.iter().map(|s| s.as_str())));
    }
    if let Some(today) = filter.overdue_on {
        query = query
            .filter(tasks::Column::Due.lt(today))
            .filter(tasks::Column::State.is_in(OPEN_STATES.iter().map(|s| s.as_str())));
    }
    if let Some(campaign) = filter.campaign {
        query = query.filter(tasks::Column::CampaignId.eq(campaign.0));
    }
    if let Some(topic) = &filter.topic {
        query = query.filter(tasks::Column::Topic.eq(topic.as_str()));
    }
    if let Some((due, id)) = page.after {
        query = query.filter(
            Condition::any().add(tasks::Column::Due.gt(due)).add(
                Condition::all()
                    .add(tasks::Column::Due.eq(due))
                    .add(tasks::Column::Id.gt(id)),
            ),
        );
    }
    let tasks = query
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetched(tasks, page))
}

/// Open tasks to remind (their deadline is `today` or past, not yet reminded) or escalate (their
/// deadline is `escalate_by` or earlier, not yet escalated).
pub async fn due_for_sweep(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    escalate_by: NaiveDate,
    limit: u64,
) -> Result<Vec<Task>, DbErr> {
    let rows = tasks::Entity::find()
        .filter(tasks::Column::Due.lte(today))
        .filter(tasks::Column::State.is_in(OPEN_STATES.iter().map(|s| s.as_str())))
        .filter(tasks::Column::DepartmentId.is_not_null())
        .filter(
            Condition::any()
                .add(tasks::Column::RemindedAt.is_null())
                .add(
                    Condition::all()
                        .add(tasks::Column::EscalatedAt.is_null())
                        .add(tasks::Column::Due.lte(escalate_by)),
                ),
        )
        .order_by_asc(tasks::Column::Due)
        .limit(limit)
        .all(db)
        .await?;
    rows.into_iter().map(to_domain).collect()
}

pub async fn append_event(db: &impl ConnectionTrait, event: &TaskEvent) -> Result<(), DbErr> {
    task_events::ActiveModel {
        id: Set(event.id.0),
        task_id: Set(event.task_id.0),
        kind: Set(event.kind.as_str().to_owned()),
        department_id: Set(event.department_id.map(|id| id.0)),
        staff_id: Set(event.staff_id.map(|id| id.0)),
        text: Set(event.text.clone()),
        at: Set(event.at),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn find_event(
    db: &impl ConnectionTrait,
    id: TaskEventId,
) -> Result<Option<TaskEvent>, DbErr> {
    task_events::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(event_to_domain)
        .transpose()
}

/// The events of several tasks, oldest first.
pub async fn events_of(
    db: &impl ConnectionTrait,
    tasks: &[TaskId],
) -> Result<HashMap<TaskId, Vec<TaskEvent>>, DbErr> {
    if tasks.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = task_events::Entity::find()
        .filter(task_events::Column::TaskId.is_in(tasks.iter().map(|id| id.0)))
        .order_by_asc(task_events::Column::Id)
        .all(db)
        .await?;
    let mut events: HashMap<TaskId, Vec<TaskEvent>> = HashMap::new();
    for row in rows {
        let event = event_to_domain(row)?;
        events.entry(event.task_id).or_default().push(event);
    }
    Ok(events)
}

/// How many events of each kind each department has had: (department, kind) → count.
pub async fn event_counts(
    db: &impl ConnectionTrait,
) -> Result<HashMap<(DepartmentId, TaskEventKind), u64>, DbErr> {
    let rows: Vec<(Option<uuid::Uuid>, String, i64)> = task_events::Entity::find()
        .select_only()
        .column(task_events::Column::DepartmentId)
        .column(task_events::Column::Kind)
        .column_as(task_events::Column::Id.count(), "n")
        .group_by(task_events::Column::DepartmentId)
        .group_by(task_events::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(department, kind, n)| {
            Some((
                (DepartmentId(department?), TaskEventKind::parse(&kind)?),
                u64::try_from(n).unwrap_or_default(),
            ))
        })
        .collect())
}

/// Open tasks per lead department, and how many of them are past `today`'s deadline.
pub async fn open_counts(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<HashMap<DepartmentId, (u64, u64)>, DbErr> {
    let rows: Vec<(Option<uuid::Uuid>, NaiveDate)> = tasks::Entity::find()
        .select_only()
        .column(tasks::Column::DepartmentId)
        .column(tasks::Column::Due)
        .filter(tasks::Column::State.is_in(OPEN_STATES.iter().map(|s| s.as_str())))
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<DepartmentId, (u64, u64)> = HashMap::new();
    for (department, due) in rows {
        if let Some(department) = department {
            let entry = counts.entry(DepartmentId(department)).or_default();
            entry.0 += 1;
            entry.1 += u64::from(due < today);
        }
    }
    Ok(counts)
}

pub async fn insert_extension(
    db: &impl ConnectionTrait,
    extension: &Extension,
) -> Result<(), DbErr> {
    extension_requests::ActiveModel {
        id: Set(extension.id.0),
        task_id: Set(extension.task_id.0),
        working_days: Set(i32::try_from(extension.working_days).unwrap_or(i32::MAX)),
        reason: Set(extension.reason.clone()),
        requested_by: Set(extension.requested_by.0),
        requested_at: Set(extension.requested_at),
        state: Set(extension.state.as_str().to_owned()),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The task's pending extension request, if any.
pub async fn pending_extension(
    db: &impl ConnectionTrait,
    task: TaskId,
) -> Result<Option<Extension>, DbErr> {
    let row = extension_requests::Entity::find()
        .filter(extension_requests::Column::TaskId.eq(task.0))
        .filter(extension_requests::Column::State.eq(ExtensionState::Pending.as_str()))
        .one(db)
        .await?;
    Ok(row.and_then(|row| {
        Some(Extension {
            id: ExtensionId(row.id),
            task_id: TaskId(row.task_id),
            working_days: u32::try_from(row.working_days).ok()?,
            reason: row.reason,
            requested_by: StaffId(row.requested_by),
            requested_at: row.requested_at,
            state: ExtensionState::parse(&row.state)?,
        })
    }))
}

/// Records a decision on a pending request; false when it was not pending.
pub async fn decide_extension(
    db: &impl ConnectionTrait,
    id: ExtensionId,
    state: ExtensionState,
    by: StaffId,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = extension_requests::Entity::update_many()
        .col_expr(
            extension_requests::Column::State,
            Expr::value(state.as_str()),
        )
        .col_expr(extension_requests::Column::DecidedBy, Expr::value(by.0))
        .col_expr(extension_requests::Column::DecidedAt, Expr::value(now))
        .col_expr(extension_requests::Column::DecisionNote, Expr::value(note))
        .filter(extension_requests::Column::Id.eq(id.0))
        .filter(extension_requests::Column::State.eq(ExtensionState::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

fn to_domain(row: tasks::Model) -> Result<Task, DbErr> {
    Ok(Task {
        id: TaskId(row.id),
        proposal_id: ProposalId(row.proposal_id),
        campaign_id: CampaignId(row.campaign_id),
        topic: crate::domain::topics::Topic::parse(&row.topic)
            .ok_or_else(|| DbErr::Type(format!("task {} has an invalid topic", row.id)))?,
        department_id: row.department_id.map(DepartmentId),
        co_departments: ids(row.co_department_ids, format!("task {}", row.id))?,
        state: GovernmentState::parse(&row.state)
            .ok_or_else(|| DbErr::Type(format!("task {} has an invalid state", row.id)))?,
        sign_for_due: row.sign_for_due,
        answer_due: row.answer_due,
        due: row.due,
        signed_for_at: row.signed_for_at,
        reminded_at: row.reminded_at,
        escalated_at: row.escalated_at,
        created_at: row.created_at,
    })
}

fn event_to_domain(row: task_events::Model) -> Result<TaskEvent, DbErr> {
    Ok(TaskEvent {
        id: TaskEventId(row.id),
        task_id: TaskId(row.task_id),
        kind: TaskEventKind::parse(&row.kind)
            .ok_or_else(|| DbErr::Type(format!("task event {} has an invalid kind", row.id)))?,
        department_id: row.department_id.map(DepartmentId),
        staff_id: row.staff_id.map(StaffId),
        text: row.text,
        at: row.at,
    })
}

/// Every task of a campaign (or of all campaigns).
pub async fn of_campaign(
    db: &impl ConnectionTrait,
    campaign: Option<CampaignId>,
) -> Result<Vec<Task>, DbErr> {
    let mut query = tasks::Entity::find();
    if let Some(campaign) = campaign {
        query = query.filter(tasks::Column::CampaignId.eq(campaign.0));
    }
    query.all(db).await?.into_iter().map(to_domain).collect()
}

/// The tasks a department leads whose proposals children back (it or a duplicate linked to it).
pub async fn led_and_backed(
    db: &impl ConnectionTrait,
    department: DepartmentId,
) -> Result<Vec<Task>, DbErr> {
    use super::entities::{backings, duplicate_links};
    use sea_orm::sea_query::{ExprTrait as _, Query};
    let backed = Query::select()
        .column(backings::Column::ProposalId)
        .from(backings::Entity)
        .to_owned();
    let backed_tasks = Query::select()
        .column(tasks::Column::Id)
        .from(tasks::Entity)
        .and_where(Expr::col(tasks::Column::ProposalId).in_subquery(backed.clone()))
        .to_owned();
    let pooled = Query::select()
        .column(duplicate_links::Column::DuplicateOf)
        .from(duplicate_links::Entity)
        .and_where(Expr::col(duplicate_links::Column::TaskId).in_subquery(backed_tasks))
        .to_owned();
    tasks::Entity::find()
        .filter(tasks::Column::DepartmentId.eq(department.0))
        .filter(
            Condition::any()
                .add(Expr::col(tasks::Column::ProposalId).in_subquery(backed))
                .add(Expr::col(tasks::Column::Id).in_subquery(pooled)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// The open tasks escalated to the coordinators (督办), the longest overdue first.
pub async fn escalated(db: &impl ConnectionTrait) -> Result<Vec<Task>, DbErr> {
    tasks::Entity::find()
        .filter(tasks::Column::EscalatedAt.is_not_null())
        .filter(tasks::Column::State.is_in(OPEN_STATES.iter().map(|s| s.as_str())))
        .order_by_asc(tasks::Column::Due)
        .order_by_asc(tasks::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}
