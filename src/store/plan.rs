//! The plan's measures as topics serve them, and the policy changes recorded against adopted
//! proposals.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::entities::{policy_changes, topic_measures};
use crate::domain::departments::DepartmentId;
use crate::domain::ids::{ProposalId, StaffId};

/// Every (topic key, measure number) pair.
pub async fn topic_measures(db: &impl ConnectionTrait) -> Result<Vec<(String, u32)>, DbErr> {
    Ok(topic_measures::Entity::find()
        .order_by_asc(topic_measures::Column::Topic)
        .order_by_asc(topic_measures::Column::Measure)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| Some((row.topic, u32::try_from(row.measure).ok()?)))
        .collect())
}

/// Replaces the measures a topic serves.
pub async fn set_topic_measures(
    db: &impl ConnectionTrait,
    topic: &str,
    measures: &[u32],
) -> Result<(), DbErr> {
    topic_measures::Entity::delete_many()
        .filter(topic_measures::Column::Topic.eq(topic))
        .exec(db)
        .await?;
    for measure in measures {
        topic_measures::ActiveModel {
            topic: Set(topic.to_owned()),
            measure: Set(*measure as i32),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A policy change a department recorded against a proposal it adopted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyChange {
    pub id: uuid::Uuid,
    pub proposal_id: ProposalId,
    pub department_id: DepartmentId,
    pub text: String,
    pub link: Option<String>,
    pub recorded_by: StaffId,
    pub at: DateTime<Utc>,
}

pub async fn insert_policy_change(
    db: &impl ConnectionTrait,
    change: &PolicyChange,
) -> Result<(), DbErr> {
    policy_changes::ActiveModel {
        id: Set(change.id),
        proposal_id: Set(change.proposal_id.0),
        department_id: Set(change.department_id.0),
        text: Set(change.text.clone()),
        link: Set(change.link.clone()),
        recorded_by: Set(change.recorded_by.0),
        at: Set(change.at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The policy changes recorded against these proposals, oldest first.
pub async fn policy_changes(
    db: &impl ConnectionTrait,
    proposals: &[ProposalId],
) -> Result<Vec<PolicyChange>, DbErr> {
    Ok(policy_changes::Entity::find()
        .filter(policy_changes::Column::ProposalId.is_in(proposals.iter().map(|id| id.0)))
        .order_by_asc(policy_changes::Column::At)
        .all(db)
        .await?
        .into_iter()
        .map(|row| PolicyChange {
            id: row.id,
            proposal_id: ProposalId(row.proposal_id),
            department_id: DepartmentId(row.department_id),
            text: row.text,
            link: row.link,
            recorded_by: StaffId(row.recorded_by),
            at: row.at,
        })
        .collect())
}
