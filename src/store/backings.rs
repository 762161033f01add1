//! Children backing published proposals (附议): one row per child and proposal.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, Set, Statement,
};
use std::collections::{HashMap, HashSet};

use super::entities::backings;
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
/// children who back any proposal of its group (a task, the task it duplicates, and the other
/// duplicates of that one). One statement, whatever the number of proposals.
pub async fn pooled_counts(
    db: &impl ConnectionTrait,
    proposals: &[ProposalId],
) -> Result<HashMap<ProposalId, u64>, DbErr> {
    if proposals.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let placeholders: Vec<String> = (1..=proposals.len())
        .map(|n| match backend {
            DbBackend::Postgres => format!("${n}"),
            _ => "?".to_owned(),
        })
        .collect();
    let sql = format!(
        "SELECT t.proposal_id AS proposal_id, COUNT(DISTINCT b.child_id) AS backers \
         FROM tasks t \
         LEFT JOIN duplicate_links d ON d.task_id = t.id \
         JOIN tasks g ON g.id = COALESCE(d.duplicate_of, t.id) \
           OR g.id IN (SELECT l.task_id FROM duplicate_links l \
                       WHERE l.duplicate_of = COALESCE(d.duplicate_of, t.id)) \
         JOIN backings b ON b.proposal_id = g.proposal_id \
         WHERE t.proposal_id IN ({}) \
         GROUP BY t.proposal_id",
        placeholders.join(", ")
    );
    let values: Vec<sea_orm::Value> = proposals.iter().map(|id| id.0.into()).collect();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.into_iter()
        .map(|row| {
            let proposal: uuid::Uuid = row.try_get("", "proposal_id")?;
            let backers: i64 = row.try_get("", "backers")?;
            Ok((ProposalId(proposal), u64::try_from(backers).unwrap_or(0)))
        })
        .collect()
}

/// Removes a child's backings (erasure).
pub async fn remove_child(db: &impl ConnectionTrait, child: ChildId) -> Result<(), DbErr> {
    backings::Entity::delete_many()
        .filter(backings::Column::ChildId.eq(child.0))
        .exec(db)
        .await?;
    Ok(())
}
