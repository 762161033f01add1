//! The departments' task queues: what department staff and coordinators read and do.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::page::{KeyedConnection, connection, page_request};
use super::proposals::Answer;
use super::routing::department_id;
use crate::clock::local_date;
use crate::domain::forms::Answer as DomainAnswer;
use crate::domain::ids::{CampaignId, ProposalId, TaskId};
use crate::domain::page::Page;
use crate::domain::tasks::QueueKey;
use crate::domain::tasks::{Task as DomainTask, TaskEvent as DomainEvent};
use crate::error::AppError;
use crate::graphql::states::TaskEventKind;
use crate::services;
use crate::services::tasks::QueueRequest;
use crate::state::AppState;

mod escalations;
mod live;
mod reader;
pub use escalations::EscalationsQuery;
pub use live::TasksSubscription;

/// Where a department's task is in its life.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::lifecycle::GovernmentState")]
pub enum TaskState {
    /// With a department, waiting to be signed for (签收).
    Routed,
    /// Signed for; the answer deadline runs.
    SignedFor,
    /// Sent back by the department as not its business; in the triage queue.
    Bounced,
    /// An extension is asked for; a coordinator decides.
    ExtensionRequested,
    /// Answered; the child has been told.
    Answered,
    /// Answered and public.
    Published,
    /// The child gave their verdict on the answer, and the loop is finished.
    Closed,
    /// The child was not satisfied; back with the department once.
    Reopened,
}

/// One thing that happened to a task.
#[derive(SimpleObject)]
pub struct TaskEvent {
    /// This event.
    pub id: ID,
    /// What happened.
    pub kind: TaskEventKind,
    /// The department it happened in.
    pub department_id: Option<ID>,
    /// The member of staff who did it; null for the sweep.
    pub staff_id: Option<ID>,
    /// The note, reason or decision, where it has one.
    pub text: Option<String>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

impl From<DomainEvent> for TaskEvent {
    fn from(event: DomainEvent) -> Self {
        TaskEvent {
            id: ID(event.id.to_string()),
            kind: event.kind.into(),
            department_id: event.department_id.map(|id| ID(id.0.to_string())),
            staff_id: event.staff_id.map(|id| ID(id.to_string())),
            text: event.text,
            at: event.at,
        }
    }
}

/// A proposal in a department's queue, as departments read it: the approved text, with the
/// teacher's redactions applied; never the child's name.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Task {
    /// This task.
    pub id: ID,
    /// The proposal it carries.
    pub proposal_id: ID,
    /// The campaign the proposal answers.
    pub campaign_id: ID,
    /// The topic's key.
    pub topic: String,
    /// The topic as children see it.
    pub topic_label: String,
    /// Where it is in its life.
    pub state: TaskState,
    /// Null: in the coordinators' triage queue.
    pub department_id: Option<ID>,
    /// Departments that help the lead.
    pub co_department_ids: Vec<ID>,
    /// The last working day to sign for it.
    pub sign_for_due: NaiveDate,
    /// The last working day to answer it.
    pub answer_due: NaiveDate,
    /// The deadline that runs now: signing for, then answering.
    pub due: NaiveDate,
    /// Whether the deadline that runs now has passed.
    pub overdue: bool,
    /// When the department signed for it.
    pub signed_for_at: Option<DateTime<Utc>>,
    /// When the sweep sent the reminder (催办).
    pub reminded_at: Option<DateTime<Utc>>,
    /// When the sweep escalated it (督办).
    pub escalated_at: Option<DateTime<Utc>>,
    /// When it was opened, on approval.
    pub created_at: DateTime<Utc>,
    /// The child's answers, with the teacher's redactions applied.
    pub answers: Vec<Answer>,
    /// Where, in the child's words, redacted.
    pub place: Option<String>,
    /// Oldest first.
    pub events: Vec<TaskEvent>,
    /// Children who back its proposal since publication (附议), pooled with linked duplicates.
    pub backers: i32,
}

type PublicText = HashMap<ProposalId, (Vec<DomainAnswer>, Option<String>)>;

fn task(
    task: DomainTask,
    today: NaiveDate,
    texts: &mut PublicText,
    events: &mut HashMap<TaskId, Vec<DomainEvent>>,
    backers: &HashMap<ProposalId, u64>,
) -> Task {
    let (answers, place) = texts.remove(&task.proposal_id).unwrap_or_default();
    Task {
        id: ID(task.id.to_string()),
        proposal_id: ID(task.proposal_id.to_string()),
        campaign_id: ID(task.campaign_id.to_string()),
        topic_label: task.topic.label_zh().to_owned(),
        overdue: task.is_overdue(today),
        state: task.state.into(),
        department_id: task.department_id.map(|id| ID(id.0.to_string())),
        co_department_ids: task
            .co_departments
            .iter()
            .map(|id| ID(id.0.to_string()))
            .collect(),
        sign_for_due: task.sign_for_due,
        answer_due: task.answer_due,
        due: task.due,
        signed_for_at: task.signed_for_at,
        reminded_at: task.reminded_at,
        escalated_at: task.escalated_at,
        created_at: task.created_at,
        answers: answers.into_iter().map(Answer::from).collect(),
        place,
        events: events
            .remove(&task.id)
            .unwrap_or_default()
            .into_iter()
            .map(TaskEvent::from)
            .collect(),
        backers: i32::try_from(backers.get(&task.proposal_id).copied().unwrap_or(0))
            .unwrap_or(i32::MAX),
        topic: task.topic.key().to_owned(),
    }
}

/// Tasks with their text and events, read in two queries for the whole list.
async fn tasks(state: &AppState, list: Vec<DomainTask>) -> Result<Vec<Task>, AppError> {
    let today = local_date(state.clock.now());
    let mut texts = services::tasks::public_text(state, &list).await?;
    let ids: Vec<TaskId> = list.iter().map(|t| t.id).collect();
    let mut events = services::tasks::events_of(state, &ids).await?;
    let proposals: Vec<ProposalId> = list.iter().map(|t| t.proposal_id).collect();
    let backers = services::backing::counts(state, &proposals).await?;
    Ok(list
        .into_iter()
        .map(|t| task(t, today, &mut texts, &mut events, &backers))
        .collect())
}

async fn page_of(
    state: &AppState,
    page: Page<DomainTask>,
) -> Result<KeyedConnection<QueueKey, Task>, AppError> {
    let keys: Vec<QueueKey> = page.items.iter().map(|t| (t.due, t.id.0)).collect();
    let items = tasks(state, page.items).await?;
    let page = Page {
        items: keys.into_iter().zip(items).collect::<Vec<_>>(),
        has_next_page: page.has_next_page,
    };
    Ok(connection(page, |(key, _)| *key, |(_, task)| task))
}

fn task_id(id: &ID, path: &str) -> Result<TaskId, AppError> {
    parse_id(id, TaskId::parse, &[path])
}

/// Narrows a department's task queue: by state, campaign, topic, overdue only, or the tasks it helps with.
#[derive(InputObject, Default)]
pub struct TaskFilterInput {
    /// Only these states; omitted: all but bounced.
    pub states: Option<Vec<TaskState>>,
    /// Only open tasks past their deadline.
    #[graphql(default)]
    pub overdue: bool,
    /// Only this campaign's.
    pub campaign_id: Option<ID>,
    /// Only this topic's (a key).
    pub topic: Option<String>,
    /// The tasks your department helps with, instead of those it leads.
    #[graphql(default)]
    pub as_co_department: bool,
}

/// One department's load, for coordinators.
#[derive(SimpleObject)]
pub struct DepartmentWorkload {
    /// The department.
    pub department: super::departments::Department,
    /// Tasks not yet answered.
    pub open: u64,
    /// Open tasks past their deadline.
    pub overdue: u64,
    /// Tasks it returned as not its business: counted, because bouncing is how work-order
    /// systems are gamed.
    pub bounces: u64,
    /// 催办
    pub reminders: u64,
    /// 督办
    pub escalations: u64,
}

#[derive(Default)]
pub struct TasksQuery;

#[Object]
impl TasksQuery {
    /// Department staff: the tasks their department leads that children back most (附议),
    /// most backed first (then the nearest deadline).
    async fn most_backed_tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many: 20 if not given, at most 50.")] first: Option<i32>,
    ) -> GqlResult<Vec<Task>> {
        let state = state(ctx)?;
        let member = crate::services::access::department_member(actor(ctx))?;
        let limit = crate::domain::page::PageRequest::<()>::parse(first, None)?.first() as usize;
        let backed = services::tasks::most_backed(state, &member, limit).await?;
        Ok(tasks(state, backed.into_iter().map(|(task, _)| task).collect()).await?)
    }

    /// Department staff: their department's tasks, the nearest deadline first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn department_tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which tasks; all but bounced if not given.")] filter: Option<
            TaskFilterInput,
        >,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<QueueKey, Task>> {
        let state = state(ctx)?;
        let filter = filter.unwrap_or_default();
        let request = QueueRequest {
            as_co_department: filter.as_co_department,
            states: filter
                .states
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            overdue: filter.overdue,
            campaign: filter
                .campaign_id
                .map(|id| parse_id(&id, CampaignId::parse, &["filter", "campaignId"]))
                .transpose()?,
            topic: filter.topic,
        };
        let page = page_request::<QueueKey>(first, after)?;
        let tasks = services::tasks::queue(
            state,
            &crate::services::access::department_member(actor(ctx))?,
            request,
            &page,
        )
        .await?;
        Ok(page_of(state, tasks).await?)
    }

    /// Coordinators: the triage queue: bounced tasks and tasks no rule routes, the nearest
    /// deadline first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn triage_tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<QueueKey, Task>> {
        let state = state(ctx)?;
        let coordinator = services::access::coordinator(actor(ctx))?;
        let page = page_request::<QueueKey>(first, after)?;
        let tasks = services::tasks::triage(state, &coordinator, &page).await?;
        Ok(page_of(state, tasks).await?)
    }

    /// Department staff of its lead or co-departments, and coordinators: one task.
    async fn task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task.")] id: ID,
    ) -> GqlResult<Task> {
        let state = state(ctx)?;
        let (one, events) = services::tasks::one(state, actor(ctx), task_id(&id, "id")?).await?;
        let today = local_date(state.clock.now());
        let mut texts = services::tasks::public_text(state, std::slice::from_ref(&one)).await?;
        let mut events = HashMap::from([(one.id, events)]);
        let backers = services::backing::counts(state, &[one.proposal_id]).await?;
        Ok(task(one, today, &mut texts, &mut events, &backers))
    }

    /// Coordinators: each department's open and overdue tasks, bounces, reminders and
    /// escalations, the most overdue first.
    async fn department_workload(&self, ctx: &Context<'_>) -> GqlResult<Vec<DepartmentWorkload>> {
        let state = state(ctx)?;
        let coordinator = services::access::coordinator(actor(ctx))?;
        let rows = services::tasks::workload(state, &coordinator).await?;
        let departments = services::departments::all(&state.db).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(department) = departments.get(&row.department).cloned() {
                out.push(DepartmentWorkload {
                    department: department.into(),
                    open: row.open,
                    overdue: row.overdue,
                    bounces: row.bounces,
                    reminders: row.reminders,
                    escalations: row.escalations,
                });
            }
        }
        Ok(out)
    }
}

#[derive(Default)]
pub struct TasksMutation;

#[Object]
impl TasksMutation {
    /// The lead department: signs for a task; the answer deadline now runs.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn sign_for_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task.")] task_id: ID,
    ) -> GqlResult<Task> {
        let state = state(ctx)?;
        let one = services::tasks::sign_for(
            state,
            &crate::services::access::department_member(actor(ctx))?,
            self::task_id(&task_id, "taskId")?,
        )
        .await?;
        Ok(single(state, one).await?)
    }

    /// The lead or a co-department: adds a note (1 to 1,000 characters).
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn add_task_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task.")] task_id: ID,
        #[graphql(desc = "The note.")] note: String,
    ) -> GqlResult<Task> {
        let state = state(ctx)?;
        let id = self::task_id(&task_id, "taskId")?;
        let one = services::tasks::add_note(
            state,
            &crate::services::access::department_member(actor(ctx))?,
            id,
            &note,
        )
        .await?;
        Ok(single(state, one).await?)
    }

    /// The lead department, before its answer deadline: asks for 1 to 30 more working days.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn request_extension(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task.")] task_id: ID,
        #[graphql(desc = "How many more working days, 1 to 30.")] working_days: i32,
        #[graphql(desc = "Why.")] reason: String,
    ) -> GqlResult<Task> {
        let state = state(ctx)?;
        let id = self::task_id(&task_id, "taskId")?;
        let one = services::tasks::request_extension(
            state,
            &crate::services::access::department_member(actor(ctx))?,
            id,
            working_days,
            &reason,
        )
        .await?;
        Ok(single(state, one).await?)
    }

    /// Coordinators: approves or refuses a task's pending extension.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn decide_extension(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task.")] task_id: ID,
        #[graphql(desc = "True to approve, false to refuse.")] approve: bool,
        #[graphql(desc = "A word to the department (optional).")] note: Option<String>,
    ) -> GqlResult<Task> {
        let state = state(ctx)?;
        let id = self::task_id(&task_id, "taskId")?;
        let one = services::tasks::decide_extension(
            state,
            &crate::services::access::coordinator(actor(ctx))?,
            id,
            approve,
            note.as_deref(),
        )
        .await?;
        Ok(single(state, one).await?)
    }

    /// The lead department: returns a task that is not its business to the coordinators.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn bounce_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task.")] task_id: ID,
        #[graphql(desc = "Why it is not the department's business.")] reason: String,
    ) -> GqlResult<Task> {
        let state = state(ctx)?;
        let id = self::task_id(&task_id, "taskId")?;
        let one = services::tasks::bounce(
            state,
            &crate::services::access::department_member(actor(ctx))?,
            id,
            &reason,
        )
        .await?;
        Ok(single(state, one).await?)
    }

    /// Coordinators: routes a bounced, unrouted or not yet signed-for task to a department,
    /// whose deadlines start today.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn reroute_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task.")] task_id: ID,
        #[graphql(desc = "The department to lead it.")] department_id: ID,
    ) -> GqlResult<Task> {
        let state = state(ctx)?;
        let id = self::task_id(&task_id, "taskId")?;
        let department = parse_id(&department_id, self::department_id, &["departmentId"])?;
        let one = services::tasks::reroute(
            state,
            &crate::services::access::coordinator(actor(ctx))?,
            id,
            department,
        )
        .await?;
        Ok(single(state, one).await?)
    }
}

pub(crate) async fn single(state: &AppState, one: DomainTask) -> Result<Task, AppError> {
    tasks(state, vec![one])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}
