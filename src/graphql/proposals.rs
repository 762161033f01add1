//! Proposals as the child who made them sees them: submitting, withdrawing, following.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Subscription};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;

use super::children::AgeBand;
use super::context::{actor, request_id, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::page::{KeyedConnection, connection, page_request};
use crate::domain::forms::Answer as DomainAnswer;
use crate::domain::ids::{CampaignId, ChildId, ClassId, ProposalId};
use crate::domain::proposals::Event;
use crate::domain::proposals::Proposal as DomainProposal;
use crate::domain::tracking::{self, ChildStatus};
use crate::error::AppError;
use crate::error::FieldCode;
use crate::graphql::states::{ProposalStatus, SchoolStatus};
use crate::services;
use crate::services::proposals::{Revision, Submission};
use crate::state::AppState;

/// One field of the form, answered: text, chosen option keys, or attached images.
#[derive(InputObject)]
pub struct AnswerInput {
    /// The form field's key.
    pub key: String,
    /// For text fields.
    pub text: Option<String>,
    /// For choice fields: option keys.
    #[graphql(default)]
    pub choices: Vec<String>,
    /// For attachment fields: ids of images uploaded to `POST /media`.
    #[graphql(default)]
    pub media: Vec<ID>,
}

/// A proposal as a child (or their teacher for them) submits it.
#[derive(InputObject)]
pub struct SubmitProposalInput {
    /// The open campaign it answers; none for the standing channel (“我的想法”), open at any time.
    pub campaign_id: Option<ID>,
    /// A UUID the app makes once per proposal and sends again on every retry.
    pub client_submission_id: String,
    /// A topic key the campaign offers.
    pub topic: String,
    /// The answers to the form for the child's band, one per field answered.
    pub answers: Vec<AnswerInput>,
    /// Where, in the child's words.
    pub place: Option<String>,
    /// The township or subdistrict the place is in: an area's `code` (see `areas`).
    pub area_code: Option<String>,
    /// Whether the child agrees that the proposal (never their name) may be made public.
    pub consent_to_publish: bool,
}

impl SubmitProposalInput {
    fn into_submission(self) -> Result<Submission, AppError> {
        Ok(Submission {
            campaign_id: match self.campaign_id {
                Some(id) => parse_id(&id, CampaignId::parse, &["input", "campaignId"])?,
                None => crate::domain::campaigns::STANDING,
            },
            client_submission_id: uuid::Uuid::parse_str(self.client_submission_id.trim()).map_err(
                |_| {
                    AppError::validation(
                        &["input", "clientSubmissionId"],
                        FieldCode::Format,
                        "clientSubmissionId 应是 UUID。",
                    )
                },
            )?,
            topic: self.topic,
            answers: domain_answers(self.answers),
            place: self.place,
            area_code: self.area_code,
            consent_to_publish: self.consent_to_publish,
        })
    }
}

/// New content for a proposal that was returned for changes.
#[derive(InputObject)]
pub struct ReviseProposalInput {
    /// A topic key the campaign offers.
    pub topic: String,
    /// The answers to the form, all of them again.
    pub answers: Vec<AnswerInput>,
    /// Where, in the child's words.
    pub place: Option<String>,
    /// Whether the child agrees that the proposal may be made public.
    pub consent_to_publish: bool,
}

fn domain_answers(answers: Vec<AnswerInput>) -> Vec<DomainAnswer> {
    answers
        .into_iter()
        .map(|a| DomainAnswer {
            key: a.key,
            text: a.text,
            choices: a.choices,
            media: a.media.iter().map(|id| id.to_string()).collect(),
        })
        .collect()
}

/// One paper proposal, credited to a child of the class.
#[derive(InputObject)]
pub struct PaperProposalInput {
    /// The child of the class who wrote it.
    pub child_id: ID,
    /// What the paper says.
    pub proposal: SubmitProposalInput,
}

/// A proposal as the teacher who entered it sees it.
#[derive(SimpleObject)]
pub struct StaffProposal {
    /// This proposal.
    pub id: ID,
    /// The child it is credited to.
    pub child_id: ID,
    /// Where it is at school.
    pub status: SchoolStatus,
    /// Typed by a teacher for the child.
    pub assisted: bool,
    /// The topic's key.
    pub topic: String,
    /// The short reference to quote on the phone.
    pub reference: Option<String>,
}

impl From<DomainProposal> for StaffProposal {
    fn from(proposal: DomainProposal) -> Self {
        StaffProposal {
            id: ID(proposal.id.to_string()),
            child_id: ID(proposal.child_id.to_string()),
            status: proposal.school_state.into(),
            assisted: proposal.assisted_by.is_some(),
            topic: proposal.topic.key().to_owned(),
            reference: proposal.reference,
        }
    }
}

/// One answered field of a proposal's form.
#[derive(SimpleObject)]
pub struct Answer {
    /// The form field's key.
    pub key: String,
    /// The text, for text fields.
    pub text: Option<String>,
    /// The chosen option keys, for choice fields.
    pub choices: Vec<String>,
    /// Ids of attached images (`GET /media/{id}/display`).
    pub media: Vec<ID>,
}

impl From<DomainAnswer> for Answer {
    fn from(answer: DomainAnswer) -> Self {
        Answer {
            key: answer.key,
            text: answer.text,
            choices: answer.choices,
            media: answer.media.into_iter().map(ID).collect(),
        }
    }
}

/// One step in a proposal's history, as the child reads it.
#[derive(SimpleObject)]
pub struct TimelineEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The status reached.
    pub status: ProposalStatus,
    /// The state reached, in words for the child's age.
    pub label: String,
    /// What the teacher asked to change (returned), or why it did not go on (rejected), in
    /// words for the child.
    pub note: Option<String>,
}

/// A child's proposal, as the child and their teacher see it.
#[derive(SimpleObject)]
pub struct Proposal {
    /// This proposal.
    pub id: ID,
    /// The campaign it answers.
    pub campaign_id: ID,
    /// The topic's key.
    pub topic: String,
    /// The topic as children see it.
    pub topic_label: String,
    /// The age band of the form it was written with.
    pub band: AgeBand,
    /// The answers to the form.
    pub answers: Vec<Answer>,
    /// Where, in the child's words.
    pub place: Option<String>,
    /// The township or subdistrict the child picked (an area's code).
    pub area_code: Option<String>,
    /// The short reference to quote on the phone, such as SY-26-4F7KQ.
    pub reference: Option<String>,
    /// Whether the child agreed that it may be made public.
    pub consent_to_publish: bool,
    /// Where it stands.
    pub status: ProposalStatus,
    /// The status in simplified Chinese, written for the child's age band.
    pub status_label: String,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// When it was first sent.
    pub submitted_at: DateTime<Utc>,
    /// Once a department has it: the day the child will hear back by (working days, holidays
    /// and 调休 counted).
    pub expected_answer_by: Option<NaiveDate>,
    /// The department's answer, in words for the child.
    pub answer: Option<super::answers::ChildAnswer>,
    /// What the department reported since, oldest first.
    pub progress: Vec<super::answers::ChildProgress>,
    /// Whether the child may say now if the answer was good enough (`rateAnswer`).
    pub can_rate: bool,
}

impl Proposal {
    pub fn from_domain(proposal: DomainProposal, events: &[Event]) -> Self {
        let status = ChildStatus::of(proposal.school_state, proposal.government_state);
        let band = proposal.band;
        let withheld = proposal.is_with_the_lead();
        let timeline = tracking::timeline_with_reasons(events)
            .into_iter()
            .map(|(step, reason)| TimelineEntry {
                at: step.at,
                status: step.status.into(),
                label: step.status.label_for(band, reason.as_deref()).to_owned(),
                note: step.note,
            })
            .collect();
        Proposal {
            id: ID(proposal.id.to_string()),
            campaign_id: ID(proposal.campaign_id.to_string()),
            topic_label: proposal.topic.label_zh().to_owned(),
            topic: proposal.topic.key().to_owned(),
            band: band.into(),
            answers: if withheld {
                Vec::new()
            } else {
                proposal.answers.into_iter().map(Answer::from).collect()
            },
            place: proposal.place.filter(|_| !withheld),
            area_code: proposal.area_code,
            reference: proposal.reference,
            consent_to_publish: proposal.consent_to_publish,
            status: status.into(),
            status_label: tracking::current_label(status, band, events).to_owned(),
            timeline,
            submitted_at: proposal.created_at,
            expected_answer_by: None,
            answer: None,
            progress: Vec::new(),
            can_rate: false,
        }
    }

    /// With the answer date of its task, if it has one.
    pub fn with_task(mut self, task: Option<&crate::domain::tasks::Task>) -> Self {
        self.expected_answer_by = task.map(|task| task.answer_due);
        self.can_rate = tracking::may_rate(task.map(|task| task.state));
        self
    }

    /// With the department's answer and progress, if any.
    pub fn with_answer(
        mut self,
        answer: Option<crate::domain::answers::Answer>,
        progress: Vec<crate::domain::answers::Progress>,
    ) -> Self {
        self.answer = answer.map(Into::into);
        self.progress = progress.into_iter().map(Into::into).collect();
        self
    }
}

impl From<services::tracking::ChildView> for Proposal {
    fn from(view: services::tracking::ChildView) -> Self {
        Proposal::from_domain(view.proposal, &view.events)
            .with_task(view.task.as_ref())
            .with_answer(view.answer, view.progress)
    }
}

/// A proposal the signed-in child just changed, as they follow it.
pub async fn for_child(
    state: &AppState,
    child: &services::access::SignedInChild,
    proposal: DomainProposal,
) -> Result<Proposal, AppError> {
    let id = proposal.id;
    services::tracking::views(state, child, vec![proposal])
        .await?
        .pop()
        .map(Proposal::from)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("proposal {id} is not the child's")))
}

#[derive(Default)]
pub struct ProposalsQuery;

#[Object]
impl ProposalsQuery {
    /// A signed-in child: their proposals, newest first, with status and history.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn my_proposals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<String, Proposal>> {
        let request =
            page_request::<String>(first, after)?.try_map_after(|id| ProposalId::parse(&id))?;
        let state = state(ctx)?;
        let child = services::access::signed_in_child(actor(ctx))?;
        let page = services::tracking::mine(state, &child, &request).await?;
        Ok(connection(
            page,
            |view| view.proposal.id.to_string(),
            Proposal::from,
        ))
    }
}

#[derive(Default)]
pub struct ProposalsMutation;

#[Object]
impl ProposalsMutation {
    /// A signed-in child: submits a proposal with the form for their band. Safe to retry with
    /// the same `clientSubmissionId`.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn submit_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal.")] input: SubmitProposalInput,
    ) -> GqlResult<Proposal> {
        let state = state(ctx)?;
        let child = services::access::signed_in_child(actor(ctx))?;
        // A new proposal is answered as it was just written; a retry, as it is now.
        match services::proposals::submit(state, &child, input.into_submission()?).await? {
            services::proposals::Submitted::New(proposal) => {
                Ok(Proposal::from(services::tracking::just_submitted(proposal)))
            }
            services::proposals::Submitted::Earlier(proposal) => {
                Ok(for_child(state, &child, proposal).await?)
            }
        }
    }

    /// The child's teacher: submits for a child of the class who dictates; marked as assisted.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn submit_proposal_for_child(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The child of the class who dictates it.")] child_id: ID,
        #[graphql(desc = "The proposal, in the child's words.")] input: SubmitProposalInput,
    ) -> GqlResult<StaffProposal> {
        let state = state(ctx)?;
        let child = parse_id(&child_id, ChildId::parse, &[])?;
        let teacher = services::access::teacher_of_child(state, actor(ctx), child).await?;
        let proposal =
            services::assisted::submit_for_child(state, &teacher, child, input.into_submission()?)
                .await?;
        Ok(StaffProposal::from(proposal))
    }

    /// The class's teacher: enters paper proposals, each credited to a child of the class, all or
    /// none. Problems are reported per entry: `["proposals", "2", "answers", "idea"]`.
    #[graphql(complexity = "super::MUTATION_COST * 4 + child_complexity")]
    async fn submit_paper_proposals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The class.")] class_id: ID,
        #[graphql(desc = "The paper proposals.")] proposals: Vec<PaperProposalInput>,
    ) -> GqlResult<Vec<StaffProposal>> {
        let state = state(ctx)?;
        let class = parse_id(&class_id, ClassId::parse, &[])?;
        let teacher = services::access::class_teacher(&state.db, actor(ctx), class).await?;
        let mut entries = Vec::with_capacity(proposals.len());
        for (index, entry) in proposals.into_iter().enumerate() {
            let child = parse_id(
                &entry.child_id,
                ChildId::parse,
                &["proposals", &index.to_string(), "childId"],
            )?;
            entries.push((child, entry.proposal.into_submission()?));
        }
        let recorded = services::assisted::submit_paper(state, &teacher, entries).await?;
        Ok(recorded.into_iter().map(StaffProposal::from).collect())
    }

    /// The proposal's class teacher: returns it to the child with a note on what to change.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn return_proposal_for_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal awaiting review.")] id: ID,
        #[graphql(desc = "What to change, in kind words for the child's age.")] note: String,
    ) -> GqlResult<StaffProposal> {
        let id = parse_id(&id, ProposalId::parse, &[])?;
        Ok(services::moderation::return_for_changes(
            state(ctx)?,
            actor(ctx),
            id,
            &note,
            request_id(ctx)?,
        )
        .await?
        .into())
    }

    /// The child who made it: sends a proposal returned for changes again, changed.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn revise_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal returned for changes.")] id: ID,
        #[graphql(desc = "The changed proposal.")] input: ReviseProposalInput,
    ) -> GqlResult<Proposal> {
        let state = state(ctx)?;
        let id = parse_id(&id, ProposalId::parse, &[])?;
        let revision = Revision {
            topic: input.topic,
            answers: domain_answers(input.answers),
            place: input.place,
            consent_to_publish: input.consent_to_publish,
        };
        let child = services::access::signed_in_child(actor(ctx))?;
        let proposal = services::proposals::revise(state, &child, id, revision).await?;
        Ok(for_child(state, &child, proposal).await?)
    }

    /// The child who made it: takes a proposal back before it is approved.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn withdraw_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal.")] id: ID,
    ) -> GqlResult<Proposal> {
        let state = state(ctx)?;
        let id = parse_id(&id, ProposalId::parse, &[])?;
        let child = services::access::signed_in_child(actor(ctx))?;
        let proposal = services::proposals::withdraw(state, &child, id).await?;
        Ok(for_child(state, &child, proposal).await?)
    }
}

#[derive(Default)]
pub struct ProposalsSubscription;

#[Subscription]
impl ProposalsSubscription {
    /// A signed-in child: each of their proposals as it changes, whichever server the change
    /// went through.
    async fn proposal_updated(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<BoxStream<'static, Proposal>> {
        let child = services::access::signed_in_child(actor(ctx))?;
        let updates = services::tracking::updates(state(ctx)?, child).await?;
        Ok(updates.map(Proposal::from).boxed())
    }
}
