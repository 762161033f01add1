//! Answers, progress, duplicate links, ratings and children's notifications.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

use super::entities::{answers, duplicate_links, notifications, progress_updates, ratings, tasks};
use crate::domain::answers::{Answer, Outcome, Progress, Rating, Stage};
use crate::domain::ids::{ChildId, ProposalId, StaffId, TaskId};
use crate::domain::lifecycle::GovernmentState;
use crate::domain::page::{Page, PageRequest};
use crate::domain::tracking::Notice;

pub async fn insert(db: &impl ConnectionTrait, answer: &Answer) -> Result<(), DbErr> {
    answers::ActiveModel {
        id: Set(answer.id),
        task_id: Set(answer.task_id.0),
        proposal_id: Set(answer.proposal_id.0),
        outcome: Set(answer.outcome.as_str().to_owned()),
        official_text: Set(answer.official_text.clone()),
        child_text: Set(answer.child_text.clone()),
        planned_completion: Set(answer.planned_completion),
        cost_yuan: Set(answer.cost_yuan),
        answered_by: Set(answer.answered_by.0),
        answered_at: Set(answer.answered_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The latest answer of each proposal.
pub async fn latest(
    db: &impl ConnectionTrait,
    proposals: &[ProposalId],
) -> Result<HashMap<ProposalId, Answer>, DbErr> {
    Ok(all_of(db, proposals)
        .await?
        .into_iter()
        .filter_map(|(id, mut answers)| Some((id, answers.pop()?)))
        .collect())
}

/// Every answer of each proposal, oldest first (a reopened proposal has two).
pub async fn all_of(
    db: &impl ConnectionTrait,
    proposals: &[ProposalId],
) -> Result<HashMap<ProposalId, Vec<Answer>>, DbErr> {
    if proposals.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = answers::Entity::find()
        .filter(answers::Column::ProposalId.is_in(proposals.iter().map(|id| id.0)))
        .order_by_asc(answers::Column::Id)
        .all(db)
        .await?;
    let mut all: HashMap<ProposalId, Vec<Answer>> = HashMap::new();
    for row in rows {
        let Some(outcome) = Outcome::parse(&row.outcome) else {
            continue;
        };
        all.entry(ProposalId(row.proposal_id))
            .or_default()
            .push(Answer {
                id: row.id,
                task_id: TaskId(row.task_id),
                proposal_id: ProposalId(row.proposal_id),
                outcome,
                official_text: row.official_text,
                child_text: row.child_text,
                planned_completion: row.planned_completion,
                cost_yuan: row.cost_yuan,
                answered_by: StaffId(row.answered_by),
                answered_at: row.answered_at,
            });
    }
    Ok(all)
}

pub async fn insert_progress(
    db: &impl ConnectionTrait,
    task: TaskId,
    progress: &Progress,
    by: StaffId,
) -> Result<(), DbErr> {
    progress_updates::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        task_id: Set(task.0),
        stage: Set(progress.stage.as_str().to_owned()),
        text: Set(progress.text.clone()),
        child_text: Set(progress.child_text.clone()),
        posted_by: Set(by.0),
        at: Set(progress.at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The progress of several tasks, oldest first.
pub async fn progress_of(
    db: &impl ConnectionTrait,
    tasks: &[TaskId],
) -> Result<HashMap<TaskId, Vec<Progress>>, DbErr> {
    if tasks.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = progress_updates::Entity::find()
        .filter(progress_updates::Column::TaskId.is_in(tasks.iter().map(|id| id.0)))
        .order_by_asc(progress_updates::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<TaskId, Vec<Progress>> = HashMap::new();
    for row in rows {
        let Some(stage) = Stage::parse(&row.stage) else {
            continue;
        };
        out.entry(TaskId(row.task_id)).or_default().push(Progress {
            stage,
            text: row.text,
            child_text: row.child_text,
            at: row.at,
        });
    }
    Ok(out)
}

pub async fn link_duplicate(
    db: &impl ConnectionTrait,
    task: TaskId,
    of: TaskId,
    by: StaffId,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    duplicate_links::ActiveModel {
        task_id: Set(task.0),
        duplicate_of: Set(of.0),
        linked_by: Set(by.0),
        at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The task a task is a duplicate of, if it is one.
pub async fn duplicate_of(
    db: &impl ConnectionTrait,
    task: TaskId,
) -> Result<Option<TaskId>, DbErr> {
    let row = duplicate_links::Entity::find_by_id(task.0).one(db).await?;
    Ok(row.map(|row| TaskId(row.duplicate_of)))
}

/// The tasks linked as duplicates of a task.
pub async fn duplicates(db: &impl ConnectionTrait, of: TaskId) -> Result<Vec<TaskId>, DbErr> {
    let rows = duplicate_links::Entity::find()
        .filter(duplicate_links::Column::DuplicateOf.eq(of.0))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| TaskId(row.task_id)).collect())
}

/// Records the child's rating of an answer; false when that answer was rated already.
pub async fn rate(
    db: &impl ConnectionTrait,
    proposal: ProposalId,
    answer: uuid::Uuid,
    rating: Rating,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let exists = ratings::Entity::find()
        .filter(ratings::Column::AnswerId.eq(answer))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(false);
    }
    ratings::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        proposal_id: Set(proposal.0),
        answer_id: Set(answer),
        rating: Set(rating.as_str().to_owned()),
        comment: Set(comment.map(str::to_owned)),
        at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(true)
}

/// The ratings of proposals (every answer's), as (proposal, rating).
pub async fn ratings_of(
    db: &impl ConnectionTrait,
    proposals: &[ProposalId],
) -> Result<Vec<(ProposalId, Rating)>, DbErr> {
    if proposals.is_empty() {
        return Ok(Vec::new());
    }
    let rows = ratings::Entity::find()
        .filter(ratings::Column::ProposalId.is_in(proposals.iter().map(|id| id.0)))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Some((ProposalId(row.proposal_id), Rating::parse(&row.rating)?)))
        .collect())
}

/// Answers given before `before`, on tasks still waiting for the child's verdict, that their
/// child has not rated: (proposal, task).
pub async fn unrated_before(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(ProposalId, TaskId)>, DbErr> {
    let waiting: Vec<uuid::Uuid> = tasks::Entity::find()
        .select_only()
        .column(tasks::Column::Id)
        .filter(tasks::Column::State.is_in([
            GovernmentState::Answered.as_str(),
            GovernmentState::Published.as_str(),
        ]))
        .into_tuple()
        .all(db)
        .await?;
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    let rows = answers::Entity::find()
        .filter(answers::Column::TaskId.is_in(waiting))
        .filter(answers::Column::AnsweredAt.lt(before))
        .order_by_asc(answers::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let rated: Vec<uuid::Uuid> = ratings::Entity::find()
        .select_only()
        .column(ratings::Column::AnswerId)
        .filter(ratings::Column::AnswerId.is_in(rows.iter().map(|row| row.id)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|row| !rated.contains(&row.id))
        .map(|row| (ProposalId(row.proposal_id), TaskId(row.task_id)))
        .collect())
}

/// A notification for a child's app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub id: uuid::Uuid,
    pub proposal_id: ProposalId,
    pub notice: Notice,
    pub text: String,
    pub at: DateTime<Utc>,
    pub read: bool,
}

pub async fn notify(
    db: &impl ConnectionTrait,
    child: ChildId,
    proposal: ProposalId,
    notice: Notice,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    notifications::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        child_id: Set(child.0),
        proposal_id: Set(proposal.0),
        kind: Set(notice.key().to_owned()),
        text: Set(text.to_owned()),
        at: Set(now),
        read_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The kind of the latest notification of a status change about a proposal (progress reports
/// are not status changes).
pub async fn last_status(
    db: &impl ConnectionTrait,
    proposal: ProposalId,
) -> Result<Option<Notice>, DbErr> {
    let row = notifications::Entity::find()
        .filter(notifications::Column::ProposalId.eq(proposal.0))
        .filter(notifications::Column::Kind.ne(Notice::Progress.key()))
        .order_by_desc(notifications::Column::Id)
        .one(db)
        .await?;
    row.map(|row| notice(&row.kind, row.id)).transpose()
}

fn notice(key: &str, id: uuid::Uuid) -> Result<Notice, DbErr> {
    Notice::parse(key).ok_or_else(|| DbErr::Type(format!("notification {id} has an invalid kind")))
}

/// A child's notifications, newest first.
pub async fn of_child(
    db: &impl ConnectionTrait,
    child: ChildId,
    page: &PageRequest<uuid::Uuid>,
) -> Result<Page<Notification>, DbErr> {
    let mut query = notifications::Entity::find()
        .filter(notifications::Column::ChildId.eq(child.0))
        .order_by_desc(notifications::Column::Id)
        .limit(page.fetch_limit());
    if let Some(after) = page.after {
        query = query.filter(notifications::Column::Id.lt(after));
    }
    let rows = query.all(db).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            Ok(Notification {
                id: row.id,
                proposal_id: ProposalId(row.proposal_id),
                notice: notice(&row.kind, row.id)?,
                text: row.text,
                at: row.at,
                read: row.read_at.is_some(),
            })
        })
        .collect::<Result<_, DbErr>>()?;
    Ok(Page::from_overfetched(items, page))
}
