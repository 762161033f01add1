//! The routing table (coordinators) and topic suggestions (anyone signed in).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use crate::domain::departments::DepartmentId;
use crate::domain::routing::RoutingRule as DomainRule;
use crate::domain::topics::Topic;
use crate::services;
use crate::services::routing::RuleInput;

pub fn department_id(text: &str) -> Option<DepartmentId> {
    uuid::Uuid::parse_str(text).ok().map(DepartmentId)
}

/// Where proposals on a topic (in an area, or anywhere) go.
#[derive(SimpleObject)]
pub struct RoutingRule {
    /// The topic's key.
    pub topic: String,
    /// The topic as children see it.
    pub topic_label: String,
    /// Empty: any area.
    pub area_code: String,
    /// Null: the coordinators' triage queue.
    pub lead_department_id: Option<ID>,
    /// Departments that help the lead; they see the task too.
    pub co_department_ids: Vec<ID>,
    /// Null for the design's default, seeded at installation.
    pub changed_by: Option<ID>,
    /// When it was last changed.
    pub changed_at: DateTime<Utc>,
}

impl From<DomainRule> for RoutingRule {
    fn from(rule: DomainRule) -> Self {
        RoutingRule {
            topic_label: rule.topic.label_zh().to_owned(),
            topic: rule.topic.key().to_owned(),
            area_code: rule.area_code,
            lead_department_id: rule.lead.map(|id| ID(id.0.to_string())),
            co_department_ids: rule.co.iter().map(|id| ID(id.0.to_string())).collect(),
            changed_by: rule.changed_by.map(|id| ID(id.to_string())),
            changed_at: rule.changed_at,
        }
    }
}

/// A routing rule: which department leads (and which help) on a topic, in one area or any; without a lead, the coordinators triage.
#[derive(InputObject)]
pub struct RoutingRuleInput {
    /// The topic's key.
    pub topic: String,
    /// A township or subdistrict code; omitted: any area.
    pub area_code: Option<String>,
    /// Omitted: the coordinators' triage queue.
    pub lead_department_id: Option<ID>,
    /// Departments that help the lead; none if not given.
    #[graphql(default)]
    pub co_department_ids: Vec<ID>,
}

/// A topic suggested for a text, with its share of the matched words.
#[derive(SimpleObject)]
pub struct TopicSuggestion {
    /// The topic's key.
    pub topic: String,
    /// The topic as children see it.
    pub label: String,
    /// Between 0 and 1.
    pub score: f64,
}

#[derive(Default)]
pub struct RoutingQuery;

#[Object]
impl RoutingQuery {
    /// Coordinators: the routing table.
    async fn routing_rules(&self, ctx: &Context<'_>) -> GqlResult<Vec<RoutingRule>> {
        let rules = services::routing::rules(
            state(ctx)?,
            &crate::services::access::coordinator(actor(ctx))?,
        )
        .await?;
        Ok(rules.into_iter().map(RoutingRule::from).collect())
    }

    /// Coordinators: every change to a topic's routing, newest first (at most 50).
    async fn routing_rule_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The topic's key.")] topic: String,
    ) -> GqlResult<Vec<RoutingRule>> {
        let changes = services::routing::history(
            state(ctx)?,
            &crate::services::access::coordinator(actor(ctx))?,
            &topic,
        )
        .await?;
        Ok(changes.into_iter().map(RoutingRule::from).collect())
    }

    /// Anyone signed in: topics for a text, best first (at most three), to help a child choose
    /// and a teacher confirm. Never decides.
    async fn suggest_topics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The child's text.")] text: String,
    ) -> GqlResult<Vec<TopicSuggestion>> {
        let ranked = services::routing::suggest(actor(ctx), &text)?;
        Ok(ranked
            .into_iter()
            .map(|(topic, score)| TopicSuggestion {
                label: Topic::parse(&topic)
                    .map(|t| t.label_zh())
                    .unwrap_or_default()
                    .to_owned(),
                topic,
                score,
            })
            .collect())
    }
}

#[derive(Default)]
pub struct RoutingMutation;

#[Object]
impl RoutingMutation {
    /// Coordinators: sets where a topic's proposals go; the change is kept with who and when.
    /// Tasks already open keep their department (re-route them one by one).
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn set_routing_rule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rule.")] input: RoutingRuleInput,
    ) -> GqlResult<RoutingRule> {
        let lead = input
            .lead_department_id
            .map(|id| parse_id(&id, department_id, &["input", "leadDepartmentId"]))
            .transpose()?;
        let co = input
            .co_department_ids
            .iter()
            .enumerate()
            .map(|(index, id)| {
                parse_id(
                    id,
                    department_id,
                    &["input", "coDepartmentIds", &index.to_string()],
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let rule = services::routing::set_rule(
            state(ctx)?,
            &crate::services::access::coordinator(actor(ctx))?,
            RuleInput {
                topic: input.topic,
                area_code: input.area_code,
                lead,
                co,
            },
        )
        .await?;
        Ok(rule.into())
    }
}
