//! The routing table, for coordinators to read and edit (every change kept with who and when),
//! and topic suggestions for children and teachers.

use crate::domain::departments::DepartmentId;
use crate::domain::people::Actor;
use crate::domain::routing::{RoutingRule, suggest_topics};
use crate::domain::topics::Topic;
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};
use crate::services::access::Coordinator;
use crate::state::AppState;
use crate::store;

/// Coordinators: every rule.
pub async fn rules(state: &AppState, _: &Coordinator) -> Result<Vec<RoutingRule>, AppError> {
    Ok(store::routing::all(&state.db).await?)
}

/// Coordinators: a topic's changes, newest first.
pub async fn history(
    state: &AppState,
    _: &Coordinator,
    topic: &str,
) -> Result<Vec<RoutingRule>, AppError> {
    Ok(store::routing::changes(&state.db, topic, 50).await?)
}

/// What a coordinator sets.
pub struct RuleInput {
    pub topic: String,
    pub area_code: Option<String>,
    /// None: the triage queue.
    pub lead: Option<DepartmentId>,
    pub co: Vec<DepartmentId>,
}

/// Coordinators: sets the rule of a topic (in an area, or anywhere), kept in the history.
pub async fn set_rule(
    state: &AppState,
    coordinator: &Coordinator,
    input: RuleInput,
) -> Result<RoutingRule, AppError> {
    let mut problems = Vec::new();
    let topic = Topic::parse(input.topic.trim());
    if topic.is_none() {
        problems.push(FieldError::new(
            &["input", "topic"],
            FieldCode::UnknownTopic,
            "没有这个主题。",
        ));
    }
    let area_code = input.area_code.unwrap_or_default().trim().to_owned();
    if !area_code.is_empty() && !store::areas::code_taken(&state.db, &area_code).await? {
        problems.push(FieldError::new(
            &["input", "areaCode"],
            FieldCode::UnknownArea,
            "没有这个镇街。",
        ));
    }
    let departments = input
        .lead
        .into_iter()
        .map(|d| (d, "leadDepartmentId".to_owned()));
    let co = input
        .co
        .iter()
        .enumerate()
        .map(|(index, d)| (*d, format!("coDepartmentIds.{index}")));
    for (department, path) in departments.chain(co) {
        if store::departments::find(&state.db, department)
            .await?
            .is_none()
        {
            let path: Vec<&str> = std::iter::once("input").chain(path.split('.')).collect();
            problems.push(FieldError::new(&path, FieldCode::Unknown, "没有这个部门。"));
        }
    }
    if input.lead.is_some_and(|lead| input.co.contains(&lead)) {
        problems.push(FieldError::new(
            &["input", "coDepartmentIds"],
            FieldCode::Duplicate,
            "牵头部门不必再列为协办部门。",
        ));
    }
    let (Some(topic), true) = (topic, problems.is_empty()) else {
        return Err(AppError::Validation(problems));
    };
    let mut co = input.co;
    co.dedup();
    let rule = RoutingRule {
        topic,
        area_code,
        lead: input.lead,
        co,
        changed_by: Some(coordinator.staff().member.id),
        changed_at: state.clock.now(),
    };
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    store::routing::set(&transaction, &rule, rule.changed_at).await?;
    transaction.commit().await?;
    Ok(rule)
}

/// Anyone signed in: topic keys ranked for a text (at most 2,000 characters).
pub fn suggest(actor: &Actor, text: &str) -> Result<Vec<(String, f64)>, AppError> {
    if matches!(actor, Actor::Anonymous) {
        return Err(AppError::Unauthenticated);
    }
    if text.chars().count() > 2000 {
        return Err(AppError::validation(
            &["text"],
            FieldCode::TooLong,
            "最多 2000 个字。",
        ));
    }
    Ok(suggest_topics(text))
}
