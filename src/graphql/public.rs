//! What anyone may read without signing in: published proposals and how well they are answered.
//! Coordinators publish.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::answers::{ChildProgress, Outcome};
use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::page::{KeyedConnection, connection, page_request};
use super::routing::department_id;
use crate::domain::classes::proposer_label;
use crate::domain::ids::{CampaignId, ProposalId};
use crate::domain::publicity::{PublicFilter, PublicKey};
use crate::error::AppError;
use crate::services;
use crate::services::publicity::{Counted, DepartmentHandling, Handling, PublicItem, PublicStats};

/// Who proposed it, as the public reads it: grade, and school where enough of the class took
/// part. Never a name.
#[derive(SimpleObject)]
pub struct Proposer {
    /// 四年级 · 百官小学, or 四年级.
    pub label: String,
    /// The class's grade, 1 to 12.
    pub grade: i32,
    /// The school's name, where 5 or more children of the class took part.
    pub school: Option<String>,
}

/// One answered field of a published proposal, with the teacher's redactions applied.
#[derive(SimpleObject)]
pub struct PublicText {
    /// The form field's key.
    pub key: String,
    /// The child's words, with the teacher's redactions applied.
    pub text: String,
}

/// A department's answer as the public sees it.
#[derive(SimpleObject)]
pub struct PublicAnswer {
    /// What will happen.
    pub outcome: Outcome,
    /// For children: shown first.
    pub child_text: String,
    /// The department's official answer.
    pub official_text: String,
    /// When the work should be done, where the answer promises it.
    pub planned_completion: Option<NaiveDate>,
    /// When the department answered.
    pub answered_at: DateTime<Utc>,
}

/// A department as the public sees it.
#[derive(SimpleObject)]
pub struct PublicDepartment {
    /// A stable code, for example `education_sports`.
    pub code: String,
    /// Its name, for example 教体局.
    pub name_zh: String,
}

/// A published proposal: the child's words (with the teacher's redactions), the department's
/// answer and progress, and the images the teacher marked publishable.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct PublishedProposal {
    /// This proposal.
    pub id: ID,
    /// The topic's key.
    pub topic: String,
    /// The topic as children see it.
    pub topic_label: String,
    /// Who proposed it, never by name.
    pub proposer: Proposer,
    /// The child's answers, redacted.
    pub texts: Vec<PublicText>,
    /// Where, in the child's words, redacted.
    pub place: Option<String>,
    /// The department that answered.
    pub department: Option<PublicDepartment>,
    /// The department's answer.
    pub answer: Option<PublicAnswer>,
    /// What the department reported since, oldest first.
    pub progress: Vec<ChildProgress>,
    /// Image paths: `/media/{id}/display`.
    pub images: Vec<String>,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// Children who back it (附议, “我也这么想”), pooled with proposals linked to it as
    /// duplicates.
    pub backers: i32,
}

impl From<PublicItem> for PublishedProposal {
    fn from(item: PublicItem) -> Self {
        let publication = item.publication;
        PublishedProposal {
            id: ID(publication.proposal_id.to_string()),
            topic_label: publication.topic.label_zh().to_owned(),
            topic: publication.topic.key().to_owned(),
            proposer: Proposer {
                label: proposer_label(publication.grade, publication.school_name.as_deref()),
                grade: i32::from(publication.grade),
                school: publication.school_name,
            },
            texts: publication
                .answers
                .into_iter()
                .filter_map(|a| {
                    Some(PublicText {
                        text: a.text?,
                        key: a.key,
                    })
                })
                .collect(),
            place: publication.place,
            department: item.department.map(|d| PublicDepartment {
                code: d.code.as_str().to_owned(),
                name_zh: d.name_zh,
            }),
            answer: item.answer.map(|a| PublicAnswer {
                outcome: a.outcome.into(),
                child_text: a.child_text,
                official_text: a.official_text,
                planned_completion: a.planned_completion,
                answered_at: a.answered_at,
            }),
            progress: item.progress.into_iter().map(Into::into).collect(),
            images: publication
                .media
                .iter()
                .map(|id| format!("/media/{id}/display"))
                .collect(),
            published_at: publication.published_at,
            backers: i32::try_from(item.backers).unwrap_or(i32::MAX),
        }
    }
}

/// Narrows the published proposals to a campaign, a topic or a department.
#[derive(InputObject, Default)]
pub struct PublishedFilter {
    /// Only this campaign's.
    pub campaign_id: Option<ID>,
    /// Only this topic's (a key).
    pub topic: Option<String>,
    /// Only those this department answered.
    pub department_id: Option<ID>,
}

impl PublishedFilter {
    fn parse(self) -> Result<PublicFilter, AppError> {
        Ok(PublicFilter {
            campaign: self
                .campaign_id
                .map(|id| parse_id(&id, CampaignId::parse, &["filter", "campaignId"]))
                .transpose()?,
            topic: self.topic,
            department: self
                .department_id
                .map(|id| parse_id(&id, department_id, &["filter", "departmentId"]))
                .transpose()?,
        })
    }
}

/// A group in the public statistics with its count ("<5" for small groups).
#[derive(SimpleObject)]
pub struct CountedGroup {
    /// The group's key: a stage, a topic key or a department code.
    pub key: String,
    /// The group as the public reads it.
    pub label: String,
    /// A number, or "<5".
    pub count: String,
}

impl From<Counted> for CountedGroup {
    fn from(counted: Counted) -> Self {
        CountedGroup {
            key: counted.key,
            label: counted.label,
            count: counted.count,
        }
    }
}

/// How a group of tasks was handled; a median or rate over fewer than five is null.
#[derive(SimpleObject)]
pub struct HandlingStats {
    /// A number, or "<5".
    pub tasks: String,
    /// Median working days from routing to signing for.
    pub median_working_days_to_sign_for: Option<f64>,
    /// Median working days from routing to the answer.
    pub median_working_days_to_answer: Option<f64>,
    /// Share of answers given by their deadline, 0 to 1.
    pub on_time_rate: Option<f64>,
    /// Tasks sent back for re-routing: a number, or "<5".
    pub bounces: String,
    /// Share of the children's ratings that were satisfied, 0 to 1.
    pub satisfaction_rate: Option<f64>,
}

impl From<Handling> for HandlingStats {
    fn from(h: Handling) -> Self {
        HandlingStats {
            tasks: h.tasks,
            median_working_days_to_sign_for: h.median_days_to_sign_for,
            median_working_days_to_answer: h.median_days_to_answer,
            on_time_rate: h.on_time_rate,
            bounces: h.bounces,
            satisfaction_rate: h.satisfaction_rate,
        }
    }
}

/// One department's handling on the public statistics page.
#[derive(SimpleObject)]
pub struct DepartmentStats {
    /// The department.
    pub department: PublicDepartment,
    /// How it handled its tasks.
    pub handling: HandlingStats,
}

impl From<DepartmentHandling> for DepartmentStats {
    fn from(d: DepartmentHandling) -> Self {
        DepartmentStats {
            department: PublicDepartment {
                code: d.code,
                name_zh: d.name_zh,
            },
            handling: d.handling.into(),
        }
    }
}

/// The district's figures for the public: proposals by stage, topic and department, and how they were handled.
#[derive(SimpleObject)]
pub struct PublicStatistics {
    /// Proposals received: a number, or "<5".
    pub proposals: String,
    /// Proposals by where they are in the loop.
    pub by_stage: Vec<CountedGroup>,
    /// Proposals by topic.
    pub by_topic: Vec<CountedGroup>,
    /// How all tasks were handled.
    pub overall: HandlingStats,
    /// How each department handled its tasks.
    pub by_department: Vec<DepartmentStats>,
}

impl From<PublicStats> for PublicStatistics {
    fn from(stats: PublicStats) -> Self {
        PublicStatistics {
            proposals: stats.proposals,
            by_stage: stats.by_stage.into_iter().map(Into::into).collect(),
            by_topic: stats.by_topic.into_iter().map(Into::into).collect(),
            overall: stats.overall.into(),
            by_department: stats.by_department.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Default)]
pub struct PublicQuery;

#[Object]
impl PublicQuery {
    /// Anyone: published proposals, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn published_proposals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which to show; all if not given.")] filter: Option<PublishedFilter>,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<PublicKey, PublishedProposal>> {
        let filter = filter.unwrap_or_default().parse()?;
        let request = page_request::<PublicKey>(first, after)?;
        let page = services::publicity::published(state(ctx)?, &filter, &request).await?;
        Ok(connection(
            page,
            |item| {
                (
                    item.publication.published_at,
                    item.publication.proposal_id.0,
                )
            },
            PublishedProposal::from,
        ))
    }

    /// Anyone: one published proposal; null when it is not public.
    async fn published_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal.")] id: ID,
    ) -> GqlResult<Option<PublishedProposal>> {
        let id = parse_id(&id, ProposalId::parse, &["id"])?;
        let item = services::publicity::one(state(ctx)?, id).await?;
        Ok(item.map(PublishedProposal::from))
    }

    /// Anyone: counts per stage and topic, and how each department answers, for a campaign (or
    /// all). Counts under five read "<5".
    async fn public_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One campaign's figures; all campaigns' if not given.")]
        campaign_id: Option<ID>,
    ) -> GqlResult<PublicStatistics> {
        let campaign = campaign_id
            .map(|id| parse_id(&id, CampaignId::parse, &["campaignId"]))
            .transpose()?;
        Ok(services::publicity::stats(state(ctx)?, campaign)
            .await?
            .into())
    }
}

#[derive(Default)]
pub struct PublicMutation;

#[Object]
impl PublicMutation {
    /// Coordinators: publishes an answered proposal, anonymised; CONSENT_REQUIRED without the
    /// child's consent to publish (and a guardian's, under 14).
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn publish_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The answered proposal.")] id: ID,
    ) -> GqlResult<PublishedProposal> {
        let state = state(ctx)?;
        let id = parse_id(&id, ProposalId::parse, &["id"])?;
        services::publicity::publish(
            state,
            &crate::services::access::coordinator(actor(ctx))?,
            id,
        )
        .await?;
        let item = services::publicity::one(state, id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(item.into())
    }
}
