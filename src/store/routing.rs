//! The routing table and its history of changes.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entities::{routing_rule_changes, routing_rules};
use crate::domain::departments::DepartmentId;
use crate::domain::ids::StaffId;
use crate::domain::routing::RoutingRule;

pub(super) fn ids(
    value: serde_json::Value,
    row: impl std::fmt::Display,
) -> Result<Vec<DepartmentId>, DbErr> {
    let ids: Vec<uuid::Uuid> = super::read_json(value, row, "co-department")?;
    Ok(ids.into_iter().map(DepartmentId).collect())
}

fn rule(
    topic: String,
    area_code: String,
    lead: Option<uuid::Uuid>,
    co: serde_json::Value,
    changed_by: Option<uuid::Uuid>,
    changed_at: DateTime<Utc>,
) -> Result<RoutingRule, DbErr> {
    let row = format!("routing rule {topic}/{area_code}");
    Ok(RoutingRule {
        topic: crate::domain::topics::Topic::parse(&topic)
            .ok_or_else(|| DbErr::Type(format!("{row}: the topic does not read")))?,
        area_code,
        lead: lead.map(DepartmentId),
        co: ids(co, row)?,
        changed_by: changed_by.map(StaffId),
        changed_at,
    })
}

fn from_row(row: routing_rules::Model) -> Result<RoutingRule, DbErr> {
    rule(
        row.topic,
        row.area_code,
        row.lead_department_id,
        row.co_department_ids,
        row.updated_by,
        row.updated_at,
    )
}

pub(super) fn json_ids(ids: &[DepartmentId]) -> serde_json::Value {
    serde_json::json!(ids.iter().map(|id| id.0.to_string()).collect::<Vec<_>>())
}

/// Every rule, by topic then area.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<RoutingRule>, DbErr> {
    let rows = routing_rules::Entity::find()
        .order_by_asc(routing_rules::Column::Topic)
        .order_by_asc(routing_rules::Column::AreaCode)
        .all(db)
        .await?;
    rows.into_iter().map(from_row).collect()
}

/// The rule for a topic in an area, falling back to the topic's rule for any area.
pub async fn for_topic(
    db: &impl ConnectionTrait,
    topic: &str,
    area: Option<&str>,
) -> Result<Option<RoutingRule>, DbErr> {
    let rules = routing_rules::Entity::find()
        .filter(routing_rules::Column::Topic.eq(topic))
        .filter(routing_rules::Column::AreaCode.is_in([area.unwrap_or(""), ""]))
        .all(db)
        .await?;
    let mut rules: Vec<RoutingRule> = rules.into_iter().map(from_row).collect::<Result<_, _>>()?;
    // The area's own rule first.
    rules.sort_by_key(|rule| rule.area_code.is_empty());
    Ok(rules.into_iter().next())
}

/// Sets a rule (adding it or replacing the topic and area's), and keeps the change.
pub async fn set(
    db: &impl ConnectionTrait,
    rule: &RoutingRule,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    routing_rules::Entity::insert(routing_rules::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        topic: Set(rule.topic.key().to_owned()),
        area_code: Set(rule.area_code.clone()),
        lead_department_id: Set(rule.lead.map(|id| id.0)),
        co_department_ids: Set(json_ids(&rule.co)),
        updated_by: Set(rule.changed_by.map(|id| id.0)),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            routing_rules::Column::Topic,
            routing_rules::Column::AreaCode,
        ])
        .update_columns([
            routing_rules::Column::LeadDepartmentId,
            routing_rules::Column::CoDepartmentIds,
            routing_rules::Column::UpdatedBy,
            routing_rules::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec(db)
    .await?;
    routing_rule_changes::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        topic: Set(rule.topic.key().to_owned()),
        area_code: Set(rule.area_code.clone()),
        lead_department_id: Set(rule.lead.map(|id| id.0)),
        co_department_ids: Set(json_ids(&rule.co)),
        changed_by: Set(rule.changed_by.map(|id| id.0)),
        changed_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The history of a topic's rules, newest first, at most `limit`.
pub async fn changes(
    db: &impl ConnectionTrait,
    topic: &str,
    limit: u64,
) -> Result<Vec<RoutingRule>, DbErr> {
    let rows = routing_rule_changes::Entity::find()
        .filter(routing_rule_changes::Column::Topic.eq(topic))
        .order_by_desc(routing_rule_changes::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            rule(
                row.topic,
                row.area_code,
                row.lead_department_id,
                row.co_department_ids,
                row.changed_by,
                row.changed_at,
            )
        })
        .collect()
}
