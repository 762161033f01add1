//! Children backing published proposals (附议): one row per child and proposal.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use std::collections::{HashMap, HashSet};

use super::entities::{backings, duplicate_links, tasks};
use crate::domain::ids::{ChildId, ProposalId, SchoolId};

/// Records a child's backing; whether it is new (a second backing changes nothing).
pub async fn insert(
    db: &impl ConnectionTrait,
    proposal: ProposalId,
    child: ChildId,
    school: SchoolId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = backings::Entity::insert(backings::ActiveModel {
        proposal_id: Set(proposal.0),
        child_id: Set(child.0),
        school_id: Set(school.0),
        at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([backings::Column::ProposalId, backings::Column::ChildId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Which of these proposals the child backs.
pub async fn backed_by(
    db: &impl ConnectionTrait,
    child: ChildId,
    proposals: &[ProposalId],
) -> Result<HashSet<ProposalId>, DbErr> {
    Ok(backings::Entity::find()
        .filter(backings::Column::ChildId.eq(child.0))
        .filter(backings::Column::ProposalId.is_in(proposals.iter().map(|id| id.0)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| ProposalId(row.proposal_id))
        .collect())
}

/// Each proposal's backers, pooled with the proposals linked to it as duplicates: the distinct
/// children who back any proposal of its group (a group is a task and the tasks linked to it).
pub async fn pooled_counts(
    db: &impl ConnectionTrait,
    proposals: &[ProposalId],
) -> Result<HashMap<ProposalId, u64>, DbErr> {
    if proposals.is_empty() {
        return Ok(HashMap::new());
    }
    // The proposals' tasks, and the root of each task's group.
    let own_tasks = tasks::Entity::find()
        .filter(tasks::Column::ProposalId.is_in(proposals.iter().map(|id| id.0)))
        .all(db)
        .await?;
    let own_ids: Vec<uuid::Uuid> = own_tasks.iter().map(|task| task.id).collect();
    let links_out = duplicate_links::Entity::find()
        .filter(duplicate_links::Column::TaskId.is_in(own_ids.clone()))
        .all(db)
        .await?;
    let root_of: HashMap<uuid::Uuid, uuid::Uuid> = links_out
        .iter()
        .map(|link| (link.task_id, link.duplicate_of))
        .collect();
    let roots: HashSet<uuid::Uuid> = own_ids
        .iter()
        .map(|task| *root_of.get(task).unwrap_or(task))
        .collect();
    // Every task of those groups, and their proposals.
    let members = duplicate_links::Entity::find()
        .filter(duplicate_links::Column::DuplicateOf.is_in(roots.iter().copied()))
        .all(db)
        .await?;
    let mut group_of: HashMap<uuid::Uuid, uuid::Uuid> =
        roots.iter().map(|root| (*root, *root)).collect();
    for link in &members {
        group_of.insert(link.task_id, link.duplicate_of);
    }
    let group_tasks = tasks::Entity::find()
        .filter(tasks::Column::Id.is_in(group_of.keys().copied()))
        .all(db)
        .await?;
    let group_of_proposal: HashMap<uuid::Uuid, uuid::Uuid> = group_tasks
        .iter()
        .map(|task| (task.proposal_id, group_of[&task.id]))
        .collect();
    let rows = backings::Entity::find()
        .filter(backings::Column::ProposalId.is_in(group_of_proposal.keys().copied()))
        .all(db)
        .await?;
    let mut children: HashMap<uuid::Uuid, HashSet<uuid::Uuid>> = HashMap::new();
    for row in rows {
        if let Some(group) = group_of_proposal.get(&row.proposal_id) {
            children.entry(*group).or_default().insert(row.child_id);
        }
    }
    Ok(own_tasks
        .iter()
        .map(|task| {
            let root = *root_of.get(&task.id).unwrap_or(&task.id);
            let count = children.get(&root).map_or(0, |set| set.len() as u64);
            (ProposalId(task.proposal_id), count)
        })
        .collect())
}

/// Removes a child's backings (erasure).
pub async fn remove_child(db: &impl ConnectionTrait, child: ChildId) -> Result<(), DbErr> {
    backings::Entity::delete_many()
        .filter(backings::Column::ChildId.eq(child.0))
        .exec(db)
        .await?;
    Ok(())
}
