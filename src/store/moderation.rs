//! What moderation writes: a proposal's screening and its text as shown beyond the school, the
//! append-only moderation log, and teachers' false-alarm marks (allow-list suggestions).
//! The log has inserts and reads only.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entities::{allow_list_suggestions, moderation_log, proposals};
use crate::domain::forms::Answer;
use crate::domain::ids::{ClassId, ProposalId, StaffId, SuggestionId};
use crate::domain::lifecycle::SchoolState;
use crate::domain::moderation::Suggestion;
use crate::domain::moderation::{
    Decision, ProposalScreening, Reason, Redaction, StoredFinding, SuggestionState,
};
use crate::domain::page::{Page, PageRequest};
use crate::domain::proposals::Proposal;

pub async fn set_screening(
    db: &impl ConnectionTrait,
    id: ProposalId,
    screening: &ProposalScreening,
) -> Result<(), DbErr> {
    proposals::Entity::update_many()
        .col_expr(
            proposals::Column::Screening,
            Expr::value(serde_json::to_value(screening).unwrap_or_default()),
        )
        .filter(proposals::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// On approval: the topic the teacher confirmed and the text with accepted redactions, which is
/// all that departments and the public will read.
pub async fn set_approved_content(
    db: &impl ConnectionTrait,
    id: ProposalId,
    topic: &str,
    public_answers: &[Answer],
    public_place: Option<&str>,
) -> Result<(), DbErr> {
    proposals::Entity::update_many()
        .col_expr(proposals::Column::Topic, Expr::value(topic))
        .col_expr(
            proposals::Column::PublicAnswers,
            Expr::value(serde_json::to_value(public_answers).unwrap_or_default()),
        )
        .col_expr(proposals::Column::PublicPlace, Expr::value(public_place))
        .filter(proposals::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// The class's proposals awaiting review, oldest first (ids are time-ordered).
pub async fn awaiting_review(
    db: &impl ConnectionTrait,
    class: ClassId,
    page: &PageRequest<ProposalId>,
) -> Result<Page<Proposal>, DbErr> {
    let mut query = proposals::Entity::find()
        .filter(proposals::Column::ClassId.eq(class.0))
        .filter(proposals::Column::SchoolState.eq(SchoolState::AwaitingReview.as_str()))
        .order_by_asc(proposals::Column::Id)
        .limit(page.fetch_limit());
    if let Some(after) = page.after {
        query = query.filter(proposals::Column::Id.gt(after.0));
    }
    let proposals = query
        .all(db)
        .await?
        .into_iter()
        .map(super::proposals::to_domain)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetched(proposals, page))
}

/// One entry of the moderation log.
pub struct LogEntry<'a> {
    pub proposal: ProposalId,
    /// None for the automatic screen.
    pub staff: Option<StaffId>,
    /// None for the automatic screen.
    pub decision: Option<Decision>,
    pub reason: Option<&'a str>,
    pub message: Option<&'a str>,
    pub topic_before: &'a str,
    pub topic_after: &'a str,
    pub text_before: serde_json::Value,
    pub text_after: Option<serde_json::Value>,
    pub redactions: &'a [Redaction],
    pub false_alarms: &'a [StoredFinding],
}

pub async fn append_log(
    db: &impl ConnectionTrait,
    entry: LogEntry<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    moderation_log::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        proposal_id: Set(entry.proposal.0),
        staff_id: Set(entry.staff.map(|s| s.0)),
        decision: Set(logged_decision(entry.decision).to_owned()),
        reason: Set(entry.reason.map(str::to_owned)),
        message: Set(entry.message.map(str::to_owned)),
        topic_before: Set(entry.topic_before.to_owned()),
        topic_after: Set(entry.topic_after.to_owned()),
        text_before: Set(entry.text_before),
        text_after: Set(entry.text_after),
        redactions: Set(serde_json::to_value(entry.redactions).unwrap_or_default()),
        false_alarms: Set(serde_json::to_value(entry.false_alarms).unwrap_or_default()),
        at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A decision as the log keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    pub staff: Option<StaffId>,
    /// None for the automatic screen.
    pub decision: Option<Decision>,
    /// The teacher's reason (returned or rejected).
    pub reason: Option<Reason>,
    /// The screen's action, on the screen's entry.
    pub screening_action: Option<moderation::Action>,
    pub message: Option<String>,
    pub topic_before: String,
    pub topic_after: String,
    pub text_before: serde_json::Value,
    pub text_after: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
}

/// A proposal's moderation log, oldest first.
pub async fn log_of(db: &impl ConnectionTrait, proposal: ProposalId) -> Result<Vec<Logged>, DbErr> {
    let rows = moderation_log::Entity::find()
        .filter(moderation_log::Column::ProposalId.eq(proposal.0))
        .order_by_asc(moderation_log::Column::Id)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            let invalid =
                |what: &str| DbErr::Type(format!("log entry {} has an invalid {what}", row.id));
            let decision = match row.decision.as_str() {
                SCREEN => None,
                decision => Some(Decision::parse(decision).ok_or_else(|| invalid("decision"))?),
            };
            let (reason, screening_action) = match (decision, row.reason.as_deref()) {
                (_, None) => (None, None),
                (None, Some(action)) => (
                    None,
                    Some(moderation::Action::parse(action).ok_or_else(|| invalid("action"))?),
                ),
                (Some(_), Some(reason)) => (
                    Some(Reason::parse(reason).ok_or_else(|| invalid("reason"))?),
                    None,
                ),
            };
            Ok(Logged {
                staff: row.staff_id.map(StaffId),
                decision,
                reason,
                screening_action,
                message: row.message,
                topic_before: row.topic_before,
                topic_after: row.topic_after,
                text_before: row.text_before,
                text_after: row.text_after,
                at: row.at,
            })
        })
        .collect()
}

/// What the log keeps for the screen's own entry.
const SCREEN: &str = "screen";

fn logged_decision(decision: Option<Decision>) -> &'static str {
    decision.map_or(SCREEN, Decision::as_str)
}

pub async fn add_suggestion(
    db: &impl ConnectionTrait,
    proposal: ProposalId,
    staff: StaffId,
    phrase: &str,
    finding: &StoredFinding,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    allow_list_suggestions::ActiveModel {
        id: Set(SuggestionId::new().0),
        phrase: Set(phrase.chars().take(100).collect()),
        kind: Set(finding.kind.as_str().to_owned()),
        subkind: Set(finding.subkind.clone()),
        proposal_id: Set(Some(proposal.0)),
        staff_id: Set(staff.0),
        state: Set(SuggestionState::Open.as_str().to_owned()),
        created_at: Set(now),
        decided_by: Set(None),
        decided_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Suggestions in a state, oldest first.
pub async fn suggestions(
    db: &impl ConnectionTrait,
    state: SuggestionState,
    page: &PageRequest<SuggestionId>,
) -> Result<Page<Suggestion>, DbErr> {
    let mut query = allow_list_suggestions::Entity::find()
        .filter(allow_list_suggestions::Column::State.eq(state.as_str()))
        .order_by_asc(allow_list_suggestions::Column::Id)
        .limit(page.fetch_limit());
    if let Some(after) = page.after {
        query = query.filter(allow_list_suggestions::Column::Id.gt(after.0));
    }
    let items = query
        .all(db)
        .await?
        .into_iter()
        .map(to_suggestion)
        .collect::<Result<_, _>>()?;
    Ok(Page::from_overfetched(items, page))
}

/// Records a coordinator's decision on an open suggestion; false when it was not open.
pub async fn decide_suggestion(
    db: &impl ConnectionTrait,
    id: SuggestionId,
    state: SuggestionState,
    by: StaffId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = allow_list_suggestions::Entity::update_many()
        .col_expr(
            allow_list_suggestions::Column::State,
            Expr::value(state.as_str()),
        )
        .col_expr(allow_list_suggestions::Column::DecidedBy, Expr::value(by.0))
        .col_expr(allow_list_suggestions::Column::DecidedAt, Expr::value(now))
        .filter(allow_list_suggestions::Column::Id.eq(id.0))
        .filter(allow_list_suggestions::Column::State.eq(SuggestionState::Open.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn find_suggestion(
    db: &impl ConnectionTrait,
    id: SuggestionId,
) -> Result<Option<Suggestion>, DbErr> {
    let row = allow_list_suggestions::Entity::find_by_id(id.0)
        .one(db)
        .await?;
    row.map(to_suggestion).transpose()
}

fn to_suggestion(row: allow_list_suggestions::Model) -> Result<Suggestion, DbErr> {
    let invalid = |what: &str| DbErr::Type(format!("suggestion {} has an invalid {what}", row.id));
    Ok(Suggestion {
        id: SuggestionId(row.id),
        phrase: row.phrase,
        kind: moderation::FindingKind::parse(&row.kind).ok_or_else(|| invalid("kind"))?,
        subkind: row.subkind,
        state: SuggestionState::parse(&row.state).ok_or_else(|| invalid("state"))?,
        marked_by: StaffId(row.staff_id),
        created_at: row.created_at,
    })
}

/// The approved text of proposals (redactions applied), as departments and the public read it.
pub async fn public_text(
    db: &impl ConnectionTrait,
    ids: &[ProposalId],
) -> Result<std::collections::HashMap<ProposalId, (Vec<Answer>, Option<String>)>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(uuid::Uuid, Option<serde_json::Value>, Option<String>)> =
        proposals::Entity::find()
            .select_only()
            .column(proposals::Column::Id)
            .column(proposals::Column::PublicAnswers)
            .column(proposals::Column::PublicPlace)
            .filter(proposals::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .into_tuple()
            .all(db)
            .await?;
    let mut texts = std::collections::HashMap::new();
    for (id, answers, place) in rows {
        if let Some(answers) = answers {
            let answers = super::read_json(answers, format!("proposal {id}"), "public answers")?;
            texts.insert(ProposalId(id), (answers, place));
        }
    }
    Ok(texts)
}
