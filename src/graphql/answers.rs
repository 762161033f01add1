//! Answering: the department's answer with its child text checked, templates, duplicates,
//! progress; the child's verdict and notifications.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::page::{KeyedConnection, connection, page_request};
use super::tasks::Task;
use crate::domain::answers::{
    Answer as DomainAnswer, Jargon, Progress as DomainProgress, Rating as DomainRating,
};
use crate::domain::ids::{ProposalId, TaskId};
use crate::graphql::states::{NotificationKind, ProposalStatus};
use crate::services;
use crate::services::answers::{AnswerInput as ServiceAnswer, ProgressInput};

/// What a department's answer says will happen.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::answers::Outcome")]
pub enum Outcome {
    /// The proposal will be carried out as the child suggested.
    Adopted,
    /// Part of it will be carried out.
    PartlyAdopted,
    /// The department is still looking into it and will say more later.
    UnderStudy,
    /// It cannot be done; the answer says why.
    NotFeasible,
    /// It has been done already, or is being done.
    AlreadyDone,
}

/// How far the work a department promised has got.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::answers::Stage")]
pub enum ProgressStage {
    /// The work is planned but has not started.
    Planned,
    /// The work has started.
    InProgress,
    /// The work is finished.
    Done,
    /// The work turned out not to be possible; the text says why.
    NotFeasible,
}

/// The child's verdict on the answer they got.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AnswerRating {
    /// The answer was good enough.
    Satisfied,
    /// Some of it was.
    Partly,
    /// It was not; the task goes back to the department once.
    NotSatisfied,
}

/// A department's answer: the outcome, the official text and the text for the child.
#[derive(InputObject)]
pub struct TaskAnswerInput {
    /// What will happen.
    pub outcome: Outcome,
    /// The official answer (1 to 5,000 characters).
    pub official_text: String,
    /// The same in words for the child's age band: at most 120 characters for 6-8, 240 for
    /// 9-11, 400 for 12-14, 600 for 15-17. Administrative words come back as warnings.
    pub child_text: String,
    /// When the work should be done, if the outcome promises work.
    pub planned_completion: Option<NaiveDate>,
    /// Whole yuan.
    pub cost_yuan: Option<i64>,
}

/// An administrative word in the child text, with plainer words.
#[derive(SimpleObject)]
pub struct JargonWarning {
    /// The word as it stands in the child text.
    pub word: String,
    /// Plainer words to use instead.
    pub suggestion: String,
    /// Characters of the child text.
    pub start: i32,
    /// Characters of the child text, exclusive.
    pub end: i32,
}

impl From<Jargon> for JargonWarning {
    fn from(jargon: Jargon) -> Self {
        JargonWarning {
            word: jargon.word,
            suggestion: jargon.suggestion,
            start: i32::try_from(jargon.start).unwrap_or(i32::MAX),
            end: i32::try_from(jargon.end).unwrap_or(i32::MAX),
        }
    }
}

/// A department's answer as saved, with any words a child may not follow.
#[derive(SimpleObject)]
pub struct AnswerPayload {
    /// The task, now answered.
    pub task: Task,
    /// Words a child may not follow; the answer is saved all the same.
    pub warnings: Vec<JargonWarning>,
}

/// A starting text for a department's answer, per topic or general.
#[derive(SimpleObject)]
pub struct AnswerTemplate {
    /// Null for the general template.
    pub topic: Option<String>,
    /// A start for the official answer.
    pub official_text: String,
    /// A start for the child's text.
    pub child_text: String,
}

/// A department's answer as the child reads it.
#[derive(SimpleObject)]
pub struct ChildAnswer {
    /// What will happen.
    pub outcome: Outcome,
    /// The answer in words for the child's age band.
    pub text: String,
    /// When the work should be done, where the answer promises it.
    pub planned_completion: Option<NaiveDate>,
    /// When the department answered.
    pub answered_at: DateTime<Utc>,
}

impl From<DomainAnswer> for ChildAnswer {
    fn from(answer: DomainAnswer) -> Self {
        ChildAnswer {
            outcome: answer.outcome.into(),
            text: answer.child_text,
            planned_completion: answer.planned_completion,
            answered_at: answer.answered_at,
        }
    }
}

/// Progress as the child reads it.
#[derive(SimpleObject)]
pub struct ChildProgress {
    /// How far the work has got.
    pub stage: ProgressStage,
    /// In words for the child's age band.
    pub text: String,
    /// When the department reported it.
    pub at: DateTime<Utc>,
}

impl From<DomainProgress> for ChildProgress {
    fn from(progress: DomainProgress) -> Self {
        ChildProgress {
            stage: progress.stage.into(),
            text: progress.child_text,
            at: progress.at,
        }
    }
}

/// A message to a child about one of their proposals.
#[derive(SimpleObject)]
pub struct Notification {
    /// This notification.
    pub id: ID,
    /// The proposal it is about.
    pub proposal_id: ID,
    /// A new status, or progress on what the department promised.
    pub kind: NotificationKind,
    /// The status reached, for a notice of a new status.
    pub status: Option<ProposalStatus>,
    /// In words for the child's age band.
    pub text: String,
    /// When it was sent.
    pub at: DateTime<Utc>,
}

fn task_id(id: &ID, path: &str) -> Result<TaskId, crate::error::AppError> {
    parse_id(id, TaskId::parse, &[path])
}

#[derive(Default)]
pub struct AnswersQuery;

#[Object]
impl AnswersQuery {
    /// Department staff: starting points for an answer on a topic with an outcome, the topic's
    /// own first.
    async fn answer_templates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The topic's key, for example `places_to_play`.")] topic: String,
        #[graphql(desc = "The outcome the answer will give.")] outcome: Outcome,
    ) -> GqlResult<Vec<AnswerTemplate>> {
        Ok(services::answers::templates(
            &services::access::department_member(actor(ctx))?,
            &topic,
            outcome.into(),
        )?
        .into_iter()
        .map(|t| AnswerTemplate {
            topic: t.topic.map(str::to_owned),
            official_text: t.official_text.to_owned(),
            child_text: t.child_text.to_owned(),
        })
        .collect())
    }

    /// A signed-in child: what happened to their proposals, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn my_notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<uuid::Uuid, Notification>> {
        let request = page_request::<uuid::Uuid>(first, after)?;
        let page = services::notifications::mine(
            state(ctx)?,
            &crate::services::access::signed_in_child(actor(ctx))?,
            &request,
        )
        .await?;
        Ok(connection(
            page,
            |n| n.id,
            |n| {
                let (kind, status) = NotificationKind::of(n.notice);
                Notification {
                    id: ID(n.id.to_string()),
                    proposal_id: ID(n.proposal_id.to_string()),
                    kind,
                    status,
                    text: n.text,
                    at: n.at,
                }
            },
        ))
    }
}

#[derive(Default)]
pub struct AnswersMutation;

#[Object]
impl AnswersMutation {
    /// The lead department: answers a task it signed for, and every task linked to it as a
    /// duplicate. Each child is told; where the campaign publishes on answering, it goes public
    /// with the consents it needs.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn answer_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task to answer.")] task_id: ID,
        #[graphql(desc = "The answer.")] input: TaskAnswerInput,
    ) -> GqlResult<AnswerPayload> {
        let state = state(ctx)?;
        let id = self::task_id(&task_id, "taskId")?;
        let (task, warnings) = services::answers::answer(
            state,
            &services::access::department_member(actor(ctx))?,
            id,
            ServiceAnswer {
                outcome: input.outcome.into(),
                official_text: input.official_text,
                child_text: input.child_text,
                planned_completion: input.planned_completion,
                cost_yuan: input.cost_yuan,
            },
        )
        .await?;
        Ok(AnswerPayload {
            task: super::tasks::single(state, task).await?,
            warnings: warnings.into_iter().map(Into::into).collect(),
        })
    }

    /// The lead department: links a task as the duplicate of another it leads; answering that
    /// one answers both.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn link_duplicate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task that duplicates another.")] task_id: ID,
        #[graphql(desc = "The task it duplicates; this department must lead it.")]
        duplicate_of_task_id: ID,
    ) -> GqlResult<Task> {
        let state = state(ctx)?;
        let id = self::task_id(&task_id, "taskId")?;
        let of = self::task_id(&duplicate_of_task_id, "duplicateOfTaskId")?;
        let task = services::answers::link_duplicate(
            state,
            &services::access::department_member(actor(ctx))?,
            id,
            of,
        )
        .await?;
        Ok(super::tasks::single(state, task).await?)
    }

    /// The lead department: reports progress after an answer that promised action; it reaches
    /// the child.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn post_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The answered task.")] task_id: ID,
        #[graphql(desc = "How far the work has got.")] stage: ProgressStage,
        #[graphql(desc = "The official text.")] text: String,
        #[graphql(desc = "The same in words for the child's age band.")] child_text: String,
    ) -> GqlResult<Task> {
        let state = state(ctx)?;
        let id = self::task_id(&task_id, "taskId")?;
        let input = ProgressInput {
            stage: stage.into(),
            text,
            child_text,
        };
        let task = services::answers::post_progress(
            state,
            &services::access::department_member(actor(ctx))?,
            id,
            input,
        )
        .await?;
        Ok(super::tasks::single(state, task).await?)
    }

    /// The child who made it: says whether the answer was good enough. NOT_SATISFIED sends it
    /// back to the department once, with the comment.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn rate_answer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The child's proposal that was answered.")] proposal_id: ID,
        #[graphql(desc = "Whether the answer was good enough.")] rating: AnswerRating,
        #[graphql(desc = "What was missing, in the child's words (optional).")] comment: Option<
            String,
        >,
    ) -> GqlResult<super::proposals::Proposal> {
        let state = state(ctx)?;
        let id = parse_id(&proposal_id, ProposalId::parse, &["proposalId"])?;
        let rating = match rating {
            AnswerRating::Satisfied => DomainRating::Satisfied,
            AnswerRating::Partly => DomainRating::Partly,
            AnswerRating::NotSatisfied => DomainRating::NotSatisfied,
        };
        let child = services::access::signed_in_child(actor(ctx))?;
        let proposal = services::answers::rate(state, &child, id, rating, comment).await?;
        Ok(super::proposals::for_child(state, &child, proposal).await?)
    }
}
