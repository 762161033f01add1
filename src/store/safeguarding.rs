//! Safeguarding cases and the actions recorded on them.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

use super::entities::{safeguarding_actions, safeguarding_cases, staff_notifications};
use crate::domain::ids::{CaseId, ChildId, ClassId, ProposalId, SchoolId, StaffId};
use crate::domain::page::{Page, PageRequest};
use crate::domain::safeguarding::StaffNoticeKind;
use crate::domain::safeguarding::{ActionKind, Case, CaseAction, CaseOutcome, CaseState};

pub async fn open(db: &impl ConnectionTrait, case: &Case) -> Result<(), DbErr> {
    safeguarding_cases::ActiveModel {
        id: Set(case.id.0),
        school_id: Set(case.school_id.0),
        proposal_id: Set(case.proposal_id.map(|id| id.0)),
        child_id: Set(case.child_id.map(|id| id.0)),
        class_id: Set(case.class_id.map(|id| id.0)),
        opened_by_staff: Set(case.opened_by_staff.map(|id| id.0)),
        signals: Set(serde_json::to_value(&case.signals).unwrap_or_default()),
        note: Set(case.note.clone()),
        state: Set(case.state.as_str().to_owned()),
        opened_at: Set(case.opened_at),
        closed_at: Set(None),
        closed_by: Set(None),
        closing_note: Set(None),
        acknowledge_due: Set(Some(case.acknowledge_due)),
        acknowledged_at: Set(None),
        acknowledged_by: Set(None),
        escalated_at: Set(case.escalated_at),
        outcome: Set(None),
        reported_to: Set(None),
        reported_on: Set(None),
        no_report_reason: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: CaseId) -> Result<Option<Case>, DbErr> {
    safeguarding_cases::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// A school's cases, optionally in one state, oldest first (the longest waiting on top).
pub async fn of_school(
    db: &impl ConnectionTrait,
    school: SchoolId,
    state: Option<CaseState>,
    page: &PageRequest<CaseId>,
) -> Result<Page<Case>, DbErr> {
    let which = safeguarding_cases::Column::SchoolId.eq(school.0);
    page_of(db, which, state, page).await
}

/// The district's escalated cases (no school lead, or not acknowledged in time), optionally in
/// one state, oldest first.
pub async fn escalated(
    db: &impl ConnectionTrait,
    state: Option<CaseState>,
    page: &PageRequest<CaseId>,
) -> Result<Page<Case>, DbErr> {
    let which = safeguarding_cases::Column::EscalatedAt.is_not_null();
    page_of(db, which, state, page).await
}

/// A page of the cases `which` selects, optionally in one state, oldest first.
async fn page_of(
    db: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
    state: Option<CaseState>,
    page: &PageRequest<CaseId>,
) -> Result<Page<Case>, DbErr> {
    let mut query = safeguarding_cases::Entity::find()
        .filter(which)
        .order_by_asc(safeguarding_cases::Column::Id)
        .limit(page.fetch_limit());
    if let Some(state) = state {
        query = query.filter(safeguarding_cases::Column::State.eq(state.as_str()));
    }
    if let Some(after) = page.after {
        query = query.filter(safeguarding_cases::Column::Id.gt(after.0));
    }
    let cases = query
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetched(cases, page))
}

pub async fn add_action(
    db: &impl ConnectionTrait,
    case: CaseId,
    action: &CaseAction,
) -> Result<(), DbErr> {
    safeguarding_actions::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        case_id: Set(case.0),
        action: Set(action.kind.as_str().to_owned()),
        body: Set(action.body.clone()),
        occurred_on: Set(action.occurred_on),
        reference: Set(action.reference.clone()),
        note: Set(action.note.clone()),
        recorded_by: Set(action.recorded_by.0),
        recorded_at: Set(action.recorded_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The actions of several cases in one query, in the order they were recorded.
pub async fn actions_of(
    db: &impl ConnectionTrait,
    cases: &[CaseId],
) -> Result<HashMap<CaseId, Vec<CaseAction>>, DbErr> {
    if cases.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = safeguarding_actions::Entity::find()
        .filter(safeguarding_actions::Column::CaseId.is_in(cases.iter().map(|id| id.0)))
        .order_by_asc(safeguarding_actions::Column::Id)
        .all(db)
        .await?;
    let mut actions: HashMap<CaseId, Vec<CaseAction>> = HashMap::new();
    for row in rows {
        let kind = ActionKind::parse(&row.action)
            .ok_or_else(|| DbErr::Type(format!("case action {} has an invalid kind", row.id)))?;
        actions
            .entry(CaseId(row.case_id))
            .or_default()
            .push(CaseAction {
                kind,
                body: row.body,
                occurred_on: row.occurred_on,
                reference: row.reference,
                note: row.note,
                recorded_by: StaffId(row.recorded_by),
                recorded_at: row.recorded_at,
            });
    }
    Ok(actions)
}

/// Closes an open case with its outcome; false when it was not open.
pub async fn close(
    db: &impl ConnectionTrait,
    id: CaseId,
    by: StaffId,
    note: &str,
    outcome: &CaseOutcome,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use safeguarding_cases::Column as C;
    let (kind, to, on, reason) = match outcome {
        CaseOutcome::Reported { to, on } => ("reported", Some(to.clone()), Some(*on), None),
        CaseOutcome::NoReportNeeded { reason } => {
            ("no_report_needed", None, None, Some(reason.clone()))
        }
    };
    let result = safeguarding_cases::Entity::update_many()
        .col_expr(C::Outcome, Expr::value(kind))
        .col_expr(C::ReportedTo, Expr::value(to))
        .col_expr(C::ReportedOn, Expr::value(on))
        .col_expr(C::NoReportReason, Expr::value(reason))
        .col_expr(
            safeguarding_cases::Column::State,
            Expr::value(CaseState::Closed.as_str()),
        )
        .col_expr(safeguarding_cases::Column::ClosedAt, Expr::value(now))
        .col_expr(safeguarding_cases::Column::ClosedBy, Expr::value(by.0))
        .col_expr(safeguarding_cases::Column::ClosingNote, Expr::value(note))
        .filter(safeguarding_cases::Column::Id.eq(id.0))
        .filter(safeguarding_cases::Column::State.eq(CaseState::Open.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

fn to_domain(row: safeguarding_cases::Model) -> Result<Case, DbErr> {
    Ok(Case {
        id: CaseId(row.id),
        school_id: SchoolId(row.school_id),
        proposal_id: row.proposal_id.map(ProposalId),
        child_id: row.child_id.map(ChildId),
        class_id: row.class_id.map(ClassId),
        opened_by_staff: row.opened_by_staff.map(StaffId),
        signals: super::read_json(row.signals, format!("case {}", row.id), "signals")?,
        note: row.note,
        state: CaseState::parse(&row.state)
            .ok_or_else(|| DbErr::Type(format!("case {} has an invalid state", row.id)))?,
        opened_at: row.opened_at,
        acknowledge_due: row.acknowledge_due.unwrap_or(row.opened_at),
        acknowledged_at: row.acknowledged_at,
        escalated_at: row.escalated_at,
        closed_at: row.closed_at,
        closing_note: row.closing_note,
        outcome: match (
            row.outcome.as_deref(),
            row.reported_to,
            row.reported_on,
            row.no_report_reason,
        ) {
            (Some("reported"), Some(to), Some(on), _) => Some(CaseOutcome::Reported { to, on }),
            (Some("no_report_needed"), _, _, Some(reason)) => {
                Some(CaseOutcome::NoReportNeeded { reason })
            }
            (None, ..) => None,
            _ => {
                return Err(DbErr::Type(format!(
                    "case {} has an invalid outcome",
                    row.id
                )));
            }
        },
    })
}

/// Marks a case acknowledged by its lead; false when it already was (or is not open).
pub async fn acknowledge(
    db: &impl ConnectionTrait,
    id: CaseId,
    by: StaffId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = safeguarding_cases::Entity::update_many()
        .col_expr(safeguarding_cases::Column::AcknowledgedAt, Expr::value(now))
        .col_expr(
            safeguarding_cases::Column::AcknowledgedBy,
            Expr::value(by.0),
        )
        .filter(safeguarding_cases::Column::Id.eq(id.0))
        .filter(safeguarding_cases::Column::AcknowledgedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Open cases nobody acknowledged by their time and not yet escalated, oldest first.
pub async fn overdue(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Case>, DbErr> {
    use safeguarding_cases::Column as C;
    safeguarding_cases::Entity::find()
        .filter(C::State.eq(CaseState::Open.as_str()))
        .filter(C::AcknowledgedAt.is_null())
        .filter(C::EscalatedAt.is_null())
        .filter(C::AcknowledgeDue.lt(now))
        .order_by_asc(C::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// Marks a case escalated to the district; false when it already was.
pub async fn escalate(
    db: &impl ConnectionTrait,
    id: CaseId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = safeguarding_cases::Entity::update_many()
        .col_expr(safeguarding_cases::Column::EscalatedAt, Expr::value(now))
        .filter(safeguarding_cases::Column::Id.eq(id.0))
        .filter(safeguarding_cases::Column::EscalatedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A stored notice for a member of staff (a case for a lead).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffNotice {
    pub id: uuid::Uuid,
    pub kind: StaffNoticeKind,
    pub case_id: Option<CaseId>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// Stores a notice of `kind` about a case for each of these staff.
pub async fn notify(
    db: &impl ConnectionTrait,
    staff: &[StaffId],
    kind: StaffNoticeKind,
    case: CaseId,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for member in staff {
        staff_notifications::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            staff_id: Set(member.0),
            kind: Set(kind.as_str().to_owned()),
            case_id: Set(Some(case.0)),
            created_at: Set(now),
            read_at: Set(None),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A member of staff's notices, newest first.
pub async fn notices_of(
    db: &impl ConnectionTrait,
    staff: StaffId,
    page: &PageRequest<uuid::Uuid>,
) -> Result<Page<StaffNotice>, DbErr> {
    let mut query = staff_notifications::Entity::find()
        .filter(staff_notifications::Column::StaffId.eq(staff.0))
        .order_by_desc(staff_notifications::Column::Id)
        .limit(page.fetch_limit());
    if let Some(after) = page.after {
        query = query.filter(staff_notifications::Column::Id.lt(after));
    }
    let notices = query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(StaffNotice {
                id: row.id,
                kind: StaffNoticeKind::parse(&row.kind).ok_or_else(|| {
                    DbErr::Type(format!("staff notice {} has an invalid kind", row.id))
                })?,
                case_id: row.case_id.map(CaseId),
                created_at: row.created_at,
                read: row.read_at.is_some(),
            })
        })
        .collect::<Result<_, DbErr>>()?;
    Ok(Page::from_overfetched(notices, page))
}

/// Cases opened, and cases closed, in a period.
pub async fn opened_and_closed(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    use sea_orm::PaginatorTrait;
    let opened = safeguarding_cases::Entity::find()
        .filter(safeguarding_cases::Column::OpenedAt.gte(from))
        .filter(safeguarding_cases::Column::OpenedAt.lt(to))
        .count(db)
        .await?;
    let closed = safeguarding_cases::Entity::find()
        .filter(safeguarding_cases::Column::ClosedAt.gte(from))
        .filter(safeguarding_cases::Column::ClosedAt.lt(to))
        .count(db)
        .await?;
    Ok((opened, closed))
}
