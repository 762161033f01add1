//! Safeguarding cases, for the school's safeguarding lead only: the cases, the actions taken,
//! closing, and a live feed of new cases.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, Subscription};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;

use super::context::{actor, request_id, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::page::{KeyedConnection, connection, page_request};
use super::proposals::Answer;
use crate::domain::ids::CaseId;
use crate::domain::safeguarding::{ActionKind, CaseAction, CaseState};
use crate::services;
use crate::services::safeguarding::{ActionInput, CaseView};

/// Whether a safeguarding case is still being worked.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    /// Still being worked.
    Open,
    /// Closed by the lead with a closing note.
    Closed,
}

/// What sort of action the safeguarding lead took.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SafeguardingActionKind {
    /// The lead talked with the child.
    TalkedWithChild,
    /// The lead told the child's guardian.
    InformedGuardian,
    /// Needs the report's reference.
    ReportedToPolice,
    /// 民政, 妇联, a hospital …: needs the body's name and the report's reference.
    ReportedToOtherBody,
    /// The child was referred to the school's counselling.
    ReferredToCounselling,
    /// Needs a note.
    Other,
}

impl From<ActionKind> for SafeguardingActionKind {
    fn from(kind: ActionKind) -> Self {
        match kind {
            ActionKind::TalkedWithChild => Self::TalkedWithChild,
            ActionKind::InformedGuardian => Self::InformedGuardian,
            ActionKind::ReportedToPolice => Self::ReportedToPolice,
            ActionKind::ReportedToOtherBody => Self::ReportedToOtherBody,
            ActionKind::ReferredToCounselling => Self::ReferredToCounselling,
            ActionKind::Other => Self::Other,
        }
    }
}

impl From<SafeguardingActionKind> for ActionKind {
    fn from(kind: SafeguardingActionKind) -> Self {
        match kind {
            SafeguardingActionKind::TalkedWithChild => Self::TalkedWithChild,
            SafeguardingActionKind::InformedGuardian => Self::InformedGuardian,
            SafeguardingActionKind::ReportedToPolice => Self::ReportedToPolice,
            SafeguardingActionKind::ReportedToOtherBody => Self::ReportedToOtherBody,
            SafeguardingActionKind::ReferredToCounselling => Self::ReferredToCounselling,
            SafeguardingActionKind::Other => Self::Other,
        }
    }
}

/// An action the safeguarding lead records on a case.
#[derive(InputObject)]
pub struct SafeguardingActionInput {
    /// What was done.
    pub kind: SafeguardingActionKind,
    /// The body reported to, for REPORTED_TO_OTHER_BODY.
    pub body: Option<String>,
    /// When it happened (not after today).
    pub occurred_on: NaiveDate,
    /// The report's reference (报警回执号 …), for reports.
    pub reference: Option<String>,
    /// What happened, in the lead's words; needed for OTHER.
    pub note: Option<String>,
}

/// Something the safeguarding lead did on a case.
#[derive(SimpleObject)]
pub struct SafeguardingAction {
    /// What was done.
    pub kind: SafeguardingActionKind,
    /// The body reported to, for REPORTED_TO_OTHER_BODY.
    pub body: Option<String>,
    /// When it happened.
    pub occurred_on: NaiveDate,
    /// The report's reference, for reports.
    pub reference: Option<String>,
    /// What happened, in the lead's words.
    pub note: Option<String>,
    /// The lead who recorded it.
    pub recorded_by: ID,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl From<CaseAction> for SafeguardingAction {
    fn from(action: CaseAction) -> Self {
        SafeguardingAction {
            kind: action.kind.into(),
            body: action.body,
            occurred_on: action.occurred_on,
            reference: action.reference,
            note: action.note,
            recorded_by: ID(action.recorded_by.to_string()),
            recorded_at: action.recorded_at,
        }
    }
}

/// The child a case is about; absent once their data has been erased.
#[derive(SimpleObject)]
pub struct CaseChild {
    /// The child.
    pub id: ID,
    /// The name the child goes by here.
    pub pseudonym: String,
    /// The child's class, for example 四年级1班.
    pub class_name: Option<String>,
}

/// What the child wrote; absent once their data has been erased.
#[derive(SimpleObject)]
pub struct CaseProposal {
    /// The proposal.
    pub id: ID,
    /// The topic's key.
    pub topic: String,
    /// The child's answers, as written.
    pub answers: Vec<Answer>,
    /// Where, in the child's words.
    pub place: Option<String>,
    /// When the child sent it.
    pub submitted_at: DateTime<Utc>,
}

/// A case opened when a child's words suggest they may be at risk; only the school's safeguarding lead sees it.
#[derive(SimpleObject)]
pub struct SafeguardingCase {
    /// This case.
    pub id: ID,
    /// Open or closed.
    pub status: CaseStatus,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// True when a teacher escalated it; false when the screen did.
    pub opened_by_teacher: bool,
    /// The signs of harm the screen found.
    pub signals: Vec<SafeguardingSignal>,
    /// What the teacher who escalated it wrote for you.
    pub note_from_teacher: Option<String>,
    /// The child it is about.
    pub child: Option<CaseChild>,
    /// What the child wrote.
    pub proposal: Option<CaseProposal>,
    /// Oldest first.
    pub actions: Vec<SafeguardingAction>,
    /// By when the lead must acknowledge it (4 working hours after it opened, by default).
    pub acknowledge_by: DateTime<Utc>,
    /// When a lead acknowledged it; null until then.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Open, not acknowledged, and past `acknowledgeBy`.
    pub overdue: bool,
    /// When it went up to the district's safeguarding leads: at once for a school without a
    /// lead, or when nobody acknowledged it in time; null while it is the school's alone.
    pub with_district_since: Option<DateTime<Utc>>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// What the lead wrote on closing it.
    pub closing_note: Option<String>,
    /// How it ended: reported (to whom, when) or no report needed (why).
    pub outcome: Option<CaseOutcome>,
}

/// How a case ended.
#[derive(SimpleObject)]
pub struct CaseOutcome {
    /// Whom it was reported to (the police, 民政, 妇联 …); null when no report was needed.
    pub reported_to: Option<String>,
    /// When it was reported.
    pub reported_on: Option<NaiveDate>,
    /// Why no report was needed.
    pub no_report_reason: Option<String>,
}

/// How a case ended, as the lead enters it: either `reportedTo` and `reportedOn`, or
/// `noReportReason`.
#[derive(InputObject)]
pub struct CaseOutcomeInput {
    /// Whom it was reported to.
    pub reported_to: Option<String>,
    /// When it was reported (not after today).
    pub reported_on: Option<NaiveDate>,
    /// Why no report was needed.
    pub no_report_reason: Option<String>,
}

impl From<crate::domain::safeguarding::CaseOutcome> for CaseOutcome {
    fn from(outcome: crate::domain::safeguarding::CaseOutcome) -> Self {
        use crate::domain::safeguarding::CaseOutcome as Domain;
        match outcome {
            Domain::Reported { to, on } => CaseOutcome {
                reported_to: Some(to),
                reported_on: Some(on),
                no_report_reason: None,
            },
            Domain::NoReportNeeded { reason } => CaseOutcome {
                reported_to: None,
                reported_on: None,
                no_report_reason: Some(reason),
            },
        }
    }
}

/// A sign of harm the screen found.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::safeguarding::Signal")]
pub enum SafeguardingSignal {
    /// Thoughts of suicide or self-harm.
    SelfHarm,
    /// Violence at home, against the child or seen by them.
    AbuseAtHome,
    /// No food, left alone, no care when ill, kept from school.
    Neglect,
    /// Bullying with violence, extortion or threats.
    Bullying,
    /// Sexual abuse or grooming.
    SexualAbuse,
    /// An adult at school who hurts or punishes by harm.
    AdultAtSchool,
    /// Running away, thrown out, afraid to go home.
    RunningAway,
    /// Made to work.
    ChildLabour,
    /// Made to steal, beg, carry or sell for someone.
    Exploitation,
    /// Someone hurts the child, who is not said.
    Harm,
}

/// What a notice for a member of staff is about.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::safeguarding::StaffNoticeKind")]
pub enum StaffNotificationKind {
    /// A new case for you.
    CaseOpened,
    /// A case nobody acknowledged in time.
    CaseOverdue,
}

/// A notice for a member of staff.
#[derive(SimpleObject)]
pub struct StaffNotification {
    /// This notice.
    pub id: ID,
    /// What it is about.
    pub kind: StaffNotificationKind,
    /// The case it is about.
    pub case_id: Option<ID>,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// Whether it was read.
    pub read: bool,
}

impl From<CaseView> for SafeguardingCase {
    fn from(view: CaseView) -> Self {
        let case = view.case;
        SafeguardingCase {
            id: ID(case.id.to_string()),
            status: match case.state {
                CaseState::Open => CaseStatus::Open,
                CaseState::Closed => CaseStatus::Closed,
            },
            opened_at: case.opened_at,
            opened_by_teacher: case.opened_by_staff.is_some(),
            signals: case.signals.into_iter().map(Into::into).collect(),
            note_from_teacher: case.note,
            child: view.child.map(|child| CaseChild {
                id: ID(child.id.to_string()),
                pseudonym: child.pseudonym.as_str().to_owned(),
                class_name: view.class.map(|class| class.name),
            }),
            proposal: view.proposal.map(|proposal| CaseProposal {
                id: ID(proposal.id.to_string()),
                topic: proposal.topic.key().to_owned(),
                answers: proposal.answers.into_iter().map(Answer::from).collect(),
                place: proposal.place,
                submitted_at: proposal.created_at,
            }),
            actions: view.actions.into_iter().map(Into::into).collect(),
            acknowledge_by: case.acknowledge_due,
            acknowledged_at: case.acknowledged_at,
            overdue: view.overdue,
            with_district_since: case.escalated_at,
            closed_at: case.closed_at,
            closing_note: case.closing_note,
            outcome: case.outcome.map(Into::into),
        }
    }
}

#[derive(Default)]
pub struct SafeguardingQuery;

#[Object]
impl SafeguardingQuery {
    /// Any member of staff: their notices (a new case for a lead, a case gone overdue), newest
    /// first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn staff_notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<String, StaffNotification>> {
        let request = page_request::<String>(first, after)?
            .try_map_after(|id| uuid::Uuid::parse_str(&id).ok())?;
        let page = services::safeguarding::notices(state(ctx)?, actor(ctx), &request).await?;
        Ok(connection(
            page,
            |notice| notice.id.to_string(),
            |notice| StaffNotification {
                id: ID(notice.id.to_string()),
                kind: notice.kind.into(),
                case_id: notice.case_id.map(|id| ID(id.to_string())),
                at: notice.created_at,
                read: notice.read,
            },
        ))
    }

    /// A safeguarding lead: their cases (a school lead, the school's; the district's lead, those
    /// that went up to the district), oldest first. Logged as a read of each child's data.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn safeguarding_cases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only open or only closed cases; all if not given.")] status: Option<
            CaseStatus,
        >,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<String, SafeguardingCase>> {
        let request =
            page_request::<String>(first, after)?.try_map_after(|id| CaseId::parse(&id))?;
        let only = status.map(|status| match status {
            CaseStatus::Open => CaseState::Open,
            CaseStatus::Closed => CaseState::Closed,
        });
        let page = services::safeguarding::cases(
            state(ctx)?,
            &crate::services::access::safeguarding_lead(actor(ctx))?,
            only,
            &request,
            request_id(ctx)?,
        )
        .await?;
        Ok(connection(
            page,
            |view| view.case.id.to_string(),
            SafeguardingCase::from,
        ))
    }
}

#[derive(Default)]
pub struct SafeguardingMutation;

#[Object]
impl SafeguardingMutation {
    /// The school's safeguarding lead: records what was done on an open case.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn record_safeguarding_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The open case.")] case_id: ID,
        #[graphql(desc = "What was done.")] input: SafeguardingActionInput,
    ) -> GqlResult<SafeguardingCase> {
        let id = parse_id(&case_id, CaseId::parse, &["caseId"])?;
        let input = ActionInput {
            kind: input.kind.into(),
            body: input.body,
            occurred_on: input.occurred_on,
            reference: input.reference,
            note: input.note,
        };
        let view = services::safeguarding::record_action(
            state(ctx)?,
            &crate::services::access::safeguarding_lead(actor(ctx))?,
            id,
            input,
            request_id(ctx)?,
        )
        .await?;
        Ok(view.into())
    }

    /// The case's safeguarding lead: acknowledges a case (seen, and being acted on), which
    /// stops the clock that would send it up to the district.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn acknowledge_safeguarding_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] case_id: ID,
    ) -> GqlResult<SafeguardingCase> {
        let id = parse_id(&case_id, CaseId::parse, &["caseId"])?;
        let lead = services::access::safeguarding_lead(actor(ctx))?;
        let view =
            services::safeguarding::acknowledge(state(ctx)?, &lead, id, request_id(ctx)?).await?;
        Ok(view.into())
    }

    /// The case's safeguarding lead: closes a case once at least one action is recorded, with
    /// its outcome: whom it was reported to and when, or why no report was needed.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn close_safeguarding_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] case_id: ID,
        #[graphql(desc = "How it ended, in the lead's words.")] note: String,
        #[graphql(desc = "Reported (to whom, when), or why no report was needed.")]
        outcome: CaseOutcomeInput,
    ) -> GqlResult<SafeguardingCase> {
        let id = parse_id(&case_id, CaseId::parse, &["caseId"])?;
        let lead = services::access::safeguarding_lead(actor(ctx))?;
        let state = state(ctx)?;
        let today = crate::clock::local_date(state.clock.now());
        let outcome = crate::domain::safeguarding::CaseOutcome::parse(
            outcome.reported_to,
            outcome.reported_on,
            outcome.no_report_reason,
            today,
        )?;
        let view =
            services::safeguarding::close(state, &lead, id, &note, outcome, request_id(ctx)?)
                .await?;
        Ok(view.into())
    }
}

#[derive(Default)]
pub struct SafeguardingSubscription;

#[Subscription]
impl SafeguardingSubscription {
    /// The school's safeguarding lead: each new case as it opens, whichever server opened it.
    async fn safeguarding_case_opened(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<BoxStream<'static, SafeguardingCase>> {
        let cases = services::safeguarding::opened(
            state(ctx)?,
            services::access::safeguarding_lead(actor(ctx))?,
        )
        .await?;
        Ok(cases.map(SafeguardingCase::from).boxed())
    }
}
