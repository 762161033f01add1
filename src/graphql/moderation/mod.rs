//! Teachers' review: the moderation queue with the screen's findings, the decision on each
//! proposal, and (for coordinators) the allow-list suggestions teachers' false alarms make.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::children::AgeBand;
use super::context::{actor, request_id, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::page::{KeyedConnection, connection, page_request};
use super::proposals::Answer;
use crate::domain::ids::{ClassId, MediaId, ProposalId, SuggestionId};
use crate::domain::moderation::{Decision, Reason, Redaction, text_fields};
use crate::domain::proposals::Proposal;
use crate::error::AppError;
use crate::error::FieldCode;
use crate::graphql::states::{FindingKind, SchoolStatus, ScreeningAction};
use crate::services;
use crate::services::moderation::Moderation;

mod record;
pub use record::{AllowListSuggestion, LoggedText, ModerationLogEntry, SuggestionState};

/// What a teacher decides about a proposal waiting in their queue.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ModerationDecision {
    /// On to the departments, with the topic confirmed and redactions applied.
    Approve,
    /// Back to the child to change, with kind words on what.
    ReturnForChanges,
    /// Stops here; the child reads a kind reason.
    Reject,
    /// To the school's safeguarding lead; the child reads that the teacher will talk with them.
    Escalate,
}

/// Why a proposal is returned or rejected; each has a default text for every age band.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::moderation::Reason")]
pub enum ModerationReason {
    /// Words that could hurt someone.
    UnkindWords,
    /// A name, phone number, address or other personal information.
    PersonalInformation,
    /// The idea is hard to follow.
    Unclear,
    /// Not about what the campaign asks.
    OffTopic,
    /// The child already sent the same idea.
    Duplicate,
}

/// A span of one text field: `answers.<key>` or `place`, in characters.
#[derive(InputObject)]
pub struct SpanInput {
    /// `answers.<key>` or `place`.
    pub field: String,
    /// The first character, counting from 0.
    pub start: i32,
    /// The character after the last, exclusive.
    pub end: i32,
}

/// A teacher's decision on one attached image: whether the public may see it.
#[derive(InputObject)]
pub struct MediaDecisionInput {
    /// The attached image.
    pub id: ID,
    /// Whether the public may see it once the proposal is published.
    pub publishable: bool,
}

/// A teacher's decision on a proposal, with its reason, redactions and image decisions.
#[derive(InputObject)]
pub struct ModerateProposalInput {
    /// What happens to the proposal.
    pub decision: ModerationDecision,
    /// Needed to return or reject, unless `messageToChild` says it.
    pub reason: Option<ModerationReason>,
    /// The topic confirmed or corrected (a key the campaign offers); omitted keeps the child's.
    pub topic: Option<String>,
    /// On approval, the spans to hide beyond the school (each shown as ＊＊＊). Omitted accepts
    /// `proposedRedactions`; an empty list hides nothing.
    pub redactions: Option<Vec<SpanInput>>,
    /// Attached images, each marked publishable or not.
    #[graphql(default)]
    pub media: Vec<MediaDecisionInput>,
    /// Your own words to the child (1 to 200 characters); omitted, the child reads the kind
    /// default text for the reason and their age. Must not repeat a flagged word.
    pub message_to_child: Option<String>,
    /// For the safeguarding lead, when escalating.
    pub note_for_lead: Option<String>,
    /// Findings that are false alarms; coordinators review them as allow-list suggestions.
    #[graphql(default)]
    pub false_alarms: Vec<SpanInput>,
}

/// Something the screen found, in one text field of the proposal.
#[derive(SimpleObject)]
pub struct Finding {
    /// `answers.<key>` or `place`.
    pub field: String,
    /// What it is; it fixes the action it calls for.
    pub kind: FindingKind,
    /// An open key from the screen's rule data, for example `insult`, `mobile`, `self_harm`.
    pub subkind: String,
    /// The first character, counting from 0.
    pub start: i32,
    /// The character after the last, exclusive.
    pub end: i32,
    /// The flagged characters.
    pub excerpt: String,
}

/// A span of a text field, with its characters.
#[derive(SimpleObject)]
pub struct Span {
    /// `answers.<key>` or `place`.
    pub field: String,
    /// The first character, counting from 0.
    pub start: i32,
    /// The character after the last, exclusive.
    pub end: i32,
    /// The characters of the span.
    pub excerpt: String,
}

/// A proposal as its class teacher reviews it.
#[derive(SimpleObject)]
pub struct ReviewProposal {
    /// This proposal.
    pub id: ID,
    /// The child who made it.
    pub child_id: ID,
    /// The age band of the form the child filled in.
    pub band: AgeBand,
    /// Where it is at school.
    pub status: SchoolStatus,
    /// The topic's key as the child chose it.
    pub topic: String,
    /// The topic as children see it.
    pub topic_label: String,
    /// The child's answers to the form, as written.
    pub answers: Vec<Answer>,
    /// Where it is, in the child's words.
    pub place: Option<String>,
    /// Whether the child agreed to have it shown to the public.
    pub consent_to_publish: bool,
    /// Typed by a teacher for the child.
    pub assisted: bool,
    /// When the child sent it.
    pub submitted_at: DateTime<Utc>,
    /// What the screen decided it needs; null before screening.
    pub screening_action: Option<ScreeningAction>,
    /// What the screen found, if anything.
    pub findings: Vec<Finding>,
    /// Personal information to hide beyond the school, unless you change them.
    pub proposed_redactions: Vec<Span>,
    /// The attached images, with whether each is marked publishable and covered.
    pub media: Vec<super::media::Media>,
}

fn excerpt(proposal: &Proposal, field: &str, start: usize, end: usize) -> String {
    text_fields(&proposal.answers, proposal.place.as_deref())
        .find(|(name, _)| name == field)
        .map(|(_, text)| {
            text.chars()
                .skip(start)
                .take(end.saturating_sub(start))
                .collect()
        })
        .unwrap_or_default()
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<services::moderation::UnderReview> for ReviewProposal {
    fn from(reviewed: services::moderation::UnderReview) -> Self {
        let proposal = reviewed.proposal;
        let screening = proposal.screening.clone();
        let findings = screening
            .as_ref()
            .map(|s| {
                s.findings
                    .iter()
                    .map(|f| Finding {
                        field: f.field.clone(),
                        kind: f.kind.into(),
                        subkind: f.subkind.clone(),
                        start: count(f.start),
                        end: count(f.end),
                        excerpt: excerpt(&proposal, &f.field, f.start, f.end),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let proposed_redactions = screening
            .as_ref()
            .map(|s| {
                s.proposed_redactions()
                    .into_iter()
                    .map(|r| Span {
                        excerpt: excerpt(&proposal, &r.field, r.start, r.end),
                        field: r.field,
                        start: count(r.start),
                        end: count(r.end),
                    })
                    .collect()
            })
            .unwrap_or_default();
        ReviewProposal {
            id: ID(proposal.id.to_string()),
            child_id: ID(proposal.child_id.to_string()),
            band: proposal.band.into(),
            status: proposal.school_state.into(),
            topic_label: proposal.topic.label_zh().to_owned(),
            topic: proposal.topic.key().to_owned(),
            answers: proposal.answers.into_iter().map(Answer::from).collect(),
            place: proposal.place,
            consent_to_publish: proposal.consent_to_publish,
            assisted: proposal.assisted_by.is_some(),
            submitted_at: proposal.created_at,
            media: reviewed.media.into_iter().map(Into::into).collect(),
            screening_action: screening.map(|s| s.action.into()),
            findings,
            proposed_redactions,
        }
    }
}

fn spans(spans: Vec<SpanInput>, path: &str) -> Result<Vec<Redaction>, AppError> {
    spans
        .into_iter()
        .enumerate()
        .map(
            |(index, span)| match (usize::try_from(span.start), usize::try_from(span.end)) {
                (Ok(start), Ok(end)) => Ok(Redaction {
                    field: span.field,
                    start,
                    end,
                }),
                _ => Err(AppError::validation(
                    &["input", path, &index.to_string()],
                    FieldCode::OutOfRange,
                    "位置不能是负数。",
                )),
            },
        )
        .collect()
}

impl ModerateProposalInput {
    fn into_moderation(self) -> Result<Moderation, AppError> {
        let media = self
            .media
            .iter()
            .enumerate()
            .map(|(index, m)| {
                let id = parse_id(
                    &m.id,
                    MediaId::parse,
                    &["input", "media", &index.to_string(), "id"],
                )?;
                Ok((id, m.publishable))
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(Moderation {
            decision: Some(match self.decision {
                ModerationDecision::Approve => Decision::Approve,
                ModerationDecision::ReturnForChanges => Decision::ReturnForChanges,
                ModerationDecision::Reject => Decision::Reject,
                ModerationDecision::Escalate => Decision::Escalate,
            }),
            reason: self.reason.map(|reason| match reason {
                ModerationReason::UnkindWords => Reason::UnkindWords,
                ModerationReason::PersonalInformation => Reason::PersonalInformation,
                ModerationReason::Unclear => Reason::Unclear,
                ModerationReason::OffTopic => Reason::OffTopic,
                ModerationReason::Duplicate => Reason::Duplicate,
            }),
            topic: self.topic,
            redactions: self
                .redactions
                .map(|r| spans(r, "redactions"))
                .transpose()?,
            media,
            message: self.message_to_child,
            note_for_lead: self.note_for_lead,
            false_alarms: spans(self.false_alarms, "falseAlarms")?,
        })
    }
}

#[derive(Default)]
pub struct ModerationQuery;

#[Object]
impl ModerationQuery {
    /// The class's teacher: proposals awaiting review, oldest first, with the screen's findings
    /// and proposed redactions. Logged as a read of each child's data.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn moderation_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The class.")] class_id: ID,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<String, ReviewProposal>> {
        let class = parse_id(&class_id, ClassId::parse, &["classId"])?;
        let request =
            page_request::<String>(first, after)?.try_map_after(|id| ProposalId::parse(&id))?;
        let page =
            services::moderation::queue(state(ctx)?, actor(ctx), class, &request, request_id(ctx)?)
                .await?;
        Ok(connection(
            page,
            |p| p.proposal.id.to_string(),
            ReviewProposal::from,
        ))
    }

    /// The proposal's class teacher, or a coordinator: every decision on a proposal, oldest
    /// first, with the text before and after redaction.
    async fn moderation_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal.")] proposal_id: ID,
    ) -> GqlResult<Vec<ModerationLogEntry>> {
        let id = parse_id(&proposal_id, ProposalId::parse, &["proposalId"])?;
        let entries =
            services::moderation::log(state(ctx)?, actor(ctx), id, request_id(ctx)?).await?;
        Ok(entries
            .into_iter()
            .map(|entry| ModerationLogEntry {
                at: entry.at,
                staff_id: entry.staff.map(|s| ID(s.to_string())),
                decision: entry.decision.into(),
                reason: entry.reason.map(Into::into),
                screening_action: entry.screening_action.map(Into::into),
                message: entry.message,
                topic_before: entry.topic_before,
                topic_after: entry.topic_after,
                text_before: LoggedText::from_json(entry.text_before),
                text_after: entry.text_after.and_then(LoggedText::from_json),
            })
            .collect())
    }

    /// Coordinators: phrases teachers marked as false alarms, oldest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn allow_list_suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "SuggestionState::Open",
            desc = "Which to show; the open ones if not given."
        )]
        state: SuggestionState,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<String, AllowListSuggestion>> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let request =
            page_request::<String>(first, after)?.try_map_after(|id| SuggestionId::parse(&id))?;
        let page = services::moderation::allow_list::list(
            super::context::state(ctx)?,
            &coordinator,
            state.into(),
            &request,
        )
        .await?;
        Ok(connection(
            page,
            |s| s.id.to_string(),
            AllowListSuggestion::from,
        ))
    }
}

#[derive(Default)]
pub struct ModerationMutation;

#[Object]
impl ModerationMutation {
    /// The proposal's class teacher: decides on a proposal awaiting review. Every decision is
    /// kept in the moderation log with the text before and after redaction.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn moderate_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal awaiting review.")] id: ID,
        #[graphql(desc = "The decision.")] input: ModerateProposalInput,
    ) -> GqlResult<ReviewProposal> {
        let id = parse_id(&id, ProposalId::parse, &["id"])?;
        let moderation = input.into_moderation()?;
        let proposal = services::moderation::moderate(
            state(ctx)?,
            actor(ctx),
            id,
            moderation,
            request_id(ctx)?,
        )
        .await?;
        Ok(proposal.into())
    }

    /// Coordinators: accepts (to be added to the allow-list in the next release) or dismisses a
    /// suggestion.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn decide_allow_list_suggestion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The suggestion.")] id: ID,
        #[graphql(desc = "True to accept it, false to dismiss it.")] accept: bool,
    ) -> GqlResult<AllowListSuggestion> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let id = parse_id(&id, SuggestionId::parse, &["id"])?;
        let suggestion =
            services::moderation::allow_list::decide(state(ctx)?, &coordinator, id, accept).await?;
        Ok(suggestion.into())
    }
}
