//! Safeguarding (DESIGN §7): a case opens, in the transaction that escalates the proposal, for
//! the school's safeguarding lead, who is told at once (a live message, and a stored notice from
//! the outbox event), acknowledges it within working hours, records what was done and closes it
//! with an outcome (whom it was reported to and when, or why no report was needed). No case is
//! left unseen: a school without a lead sends its cases straight to the district's safeguarding
//! leads, and a case not acknowledged in time goes up to them too, shown as overdue. Nothing here
//! reaches a department, the public or the child.

use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;
use sea_orm::ConnectionTrait;
use std::collections::HashMap;

use crate::domain::calendar::WorkCalendar;
use crate::domain::children::Child;
use crate::domain::classes::Class;
use crate::domain::ids::{CaseId, SchoolId, StaffId};
use crate::domain::page::{Page, PageRequest};
use crate::domain::people::Role;
use crate::domain::proposals::Proposal;
use crate::domain::safeguarding::StaffNoticeKind;
use crate::domain::safeguarding::{ActionKind, Case, CaseAction, CaseOutcome, CaseState};
use crate::error::AppError;
use crate::error::FieldCode;
use crate::services::access::{SafeguardingLead, log_reads};
use crate::state::AppState;
use crate::store;
use crate::telemetry::RequestId;

/// How long a lead has to acknowledge a new case.
pub struct Deadline {
    pub working_hours: u32,
}

/// The configured deadline (`SAFEGUARDING_ACK_WORKING_HOURS`, 4 by default).
pub fn deadline(state: &AppState) -> Deadline {
    Deadline {
        working_hours: state.config.safeguarding_ack_working_hours,
    }
}

/// Opens a case for an escalated proposal, in the caller's transaction, with the outbox event
/// that tells the lead. `by` is None when the screen escalated it. A school with no lead sends
/// it to the district's leads at once.
pub async fn open_case(
    db: &impl ConnectionTrait,
    proposal: &Proposal,
    by: Option<StaffId>,
    signals: Vec<crate::domain::safeguarding::Signal>,
    note: Option<String>,
    deadline: &Deadline,
    now: DateTime<Utc>,
) -> Result<Case, AppError> {
    let school_leads =
        store::people::active_with_role(db, Role::SafeguardingLead, Some(proposal.school_id))
            .await?;
    let case = Case {
        id: CaseId::new(),
        school_id: proposal.school_id,
        proposal_id: Some(proposal.id),
        child_id: Some(proposal.child_id),
        class_id: Some(proposal.class_id),
        opened_by_staff: by,
        signals,
        note,
        state: CaseState::Open,
        opened_at: now,
        acknowledge_due: WorkCalendar::national().add_working_hours(now, deadline.working_hours),
        acknowledged_at: None,
        escalated_at: school_leads.is_empty().then_some(now),
        closed_at: None,
        closing_note: None,
        outcome: None,
    };
    store::safeguarding::open(db, &case).await?;
    let payload = serde_json::json!({
        "caseId": case.id.to_string(),
        "schoolId": case.school_id.to_string(),
    });
    store::proposals::enqueue(db, "safeguarding.case_opened", payload, now).await?;
    Ok(case)
}

/// The live channel of a school's lead, or (None) of the district's leads.
fn channel(school: Option<SchoolId>) -> String {
    match school {
        Some(school) => format!("safeguarding:{school}"),
        None => "safeguarding:district".to_owned(),
    }
}

/// Tells the school's lead (and the district's, once it went up to them), on every instance,
/// once the case is committed.
pub async fn announce(state: &AppState, case: &Case) {
    let id = case.id.to_string();
    state
        .backplane
        .publish(&channel(Some(case.school_id)), &id)
        .await;
    if case.escalated_at.is_some() {
        state.backplane.publish(&channel(None), &id).await;
    }
}

/// Whom a case's notices go to: the school's leads, and the district's once it went up to them.
async fn recipients(db: &impl ConnectionTrait, case: &Case) -> Result<Vec<StaffId>, AppError> {
    let mut staff =
        store::people::active_with_role(db, Role::SafeguardingLead, Some(case.school_id)).await?;
    if case.escalated_at.is_some() {
        staff.extend(
            store::people::active_with_role(db, Role::DistrictSafeguardingLead, None).await?,
        );
    }
    Ok(staff)
}

/// The `safeguarding.case_opened` event's consumer: a stored notice for each lead the case is
/// for, so a lead who was not online when it opened finds it. Returns whether the case exists.
pub async fn notify_opened(
    db: &impl ConnectionTrait,
    id: CaseId,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let Some(case) = store::safeguarding::find(db, id).await? else {
        return Ok(false);
    };
    let staff = recipients(db, &case).await?;
    store::safeguarding::notify(db, &staff, StaffNoticeKind::CaseOpened, case.id, now).await?;
    Ok(true)
}

/// The sweep: each open case nobody acknowledged in time goes up to the district's leads, with a
/// notice for them and the school's lead and a live message. Returns how many went up.
pub async fn escalate_overdue(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let mut escalated = 0;
    for mut case in store::safeguarding::overdue(&state.db, now, 100).await? {
        let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
        if !store::safeguarding::escalate(&transaction, case.id, now).await? {
            continue;
        }
        case.escalated_at = Some(now);
        let staff = recipients(&transaction, &case).await?;
        store::safeguarding::notify(
            &transaction,
            &staff,
            StaffNoticeKind::CaseOverdue,
            case.id,
            now,
        )
        .await?;
        transaction.commit().await?;
        tracing::warn!(case = %case.id, "safeguarding case not acknowledged in time; escalated to the district");
        announce(state, &case).await;
        escalated += 1;
    }
    Ok(escalated)
}

/// A case with what its lead needs to act on it.
pub struct CaseView {
    pub case: Case,
    pub actions: Vec<CaseAction>,
    /// None once erased.
    pub proposal: Option<Proposal>,
    pub child: Option<Child>,
    pub class: Option<Class>,
    /// Open, unacknowledged and past its time.
    pub overdue: bool,
}

/// The lead: their school's cases, oldest first. Each read of a child's data is logged.
pub async fn cases(
    state: &AppState,
    lead: &SafeguardingLead,
    only: Option<CaseState>,
    page: &PageRequest<CaseId>,
    request: &RequestId,
) -> Result<Page<CaseView>, AppError> {
    let cases = match lead.school() {
        Some(school) => store::safeguarding::of_school(&state.db, school, only, page).await?,
        None => store::safeguarding::escalated(&state.db, only, page).await?,
    };
    let views = views(state, lead, cases.items, request).await?;
    Ok(Page {
        items: views,
        has_next_page: cases.has_next_page,
    })
}

async fn views(
    state: &AppState,
    lead: &SafeguardingLead,
    cases: Vec<Case>,
    request: &RequestId,
) -> Result<Vec<CaseView>, AppError> {
    let ids: Vec<CaseId> = cases.iter().map(|case| case.id).collect();
    let mut actions = store::safeguarding::actions_of(&state.db, &ids).await?;
    let children: Vec<_> = cases.iter().filter_map(|case| case.child_id).collect();
    log_reads(
        state,
        lead.staff(),
        &children,
        "safeguarding.cases",
        request,
    )
    .await?;
    // A page costs the same few queries whatever its size.
    let proposal_ids: Vec<_> = cases.iter().filter_map(|case| case.proposal_id).collect();
    let proposals = store::proposals::find_many(&state.db, &proposal_ids).await?;
    let found_children = store::children::find_many(&state.db, &children).await?;
    let class_ids: Vec<_> = cases.iter().filter_map(|case| case.class_id).collect();
    let classes: HashMap<_, Class> = store::classes::find_many(&state.db, &class_ids).await?;
    let mut views = Vec::with_capacity(cases.len());
    for case in cases {
        let proposal = case.proposal_id.and_then(|id| proposals.get(&id).cloned());
        let child = case
            .child_id
            .and_then(|id| found_children.get(&id).cloned());
        let class = case.class_id.and_then(|id| classes.get(&id).cloned());
        views.push(CaseView {
            overdue: case.is_overdue(state.clock.now()),
            actions: actions.remove(&case.id).unwrap_or_default(),
            case,
            proposal,
            child,
            class,
        });
    }
    Ok(views)
}

/// One case of the lead's, or NOT_FOUND.
async fn own_case(state: &AppState, lead: &SafeguardingLead, id: CaseId) -> Result<Case, AppError> {
    store::safeguarding::find(&state.db, id)
        .await?
        .filter(|case| lead.covers(case))
        .ok_or(AppError::NotFound)
}

/// The lead acknowledges a case: they have seen it and are on it (the clock of its deadline
/// stops). Acknowledging twice changes nothing.
pub async fn acknowledge(
    state: &AppState,
    lead: &SafeguardingLead,
    id: CaseId,
    request: &RequestId,
) -> Result<CaseView, AppError> {
    let case = own_case(state, lead, id).await?;
    store::safeguarding::acknowledge(
        &state.db,
        case.id,
        lead.staff().member.id,
        state.clock.now(),
    )
    .await?;
    one(state, lead, case.id, request).await
}

/// A signed-in member of staff: their own notices, newest first.
pub async fn notices(
    state: &AppState,
    actor: &crate::domain::people::Actor,
    page: &PageRequest<uuid::Uuid>,
) -> Result<Page<store::safeguarding::StaffNotice>, AppError> {
    let staff = actor.staff()?;
    Ok(store::safeguarding::notices_of(&state.db, staff.member.id, page).await?)
}

/// What the lead entered for an action.
pub struct ActionInput {
    pub kind: ActionKind,
    pub body: Option<String>,
    pub occurred_on: chrono::NaiveDate,
    pub reference: Option<String>,
    pub note: Option<String>,
}

/// The lead records an action on an open case of their school.
pub async fn record_action(
    state: &AppState,
    lead: &SafeguardingLead,
    id: CaseId,
    input: ActionInput,
    request: &RequestId,
) -> Result<CaseView, AppError> {
    let case = own_case(state, lead, id).await?;
    if case.state != CaseState::Open {
        return Err(AppError::InvalidTransition);
    }
    let now = state.clock.now();
    let trimmed =
        |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let action = CaseAction {
        kind: input.kind,
        body: trimmed(input.body),
        occurred_on: input.occurred_on,
        reference: trimmed(input.reference),
        note: trimmed(input.note),
        recorded_by: lead.staff().member.id,
        recorded_at: now,
    };
    action.validate(crate::clock::local_date(now))?;
    store::safeguarding::add_action(&state.db, case.id, &action).await?;
    one(state, lead, case.id, request).await
}

/// The lead closes a case once at least one action is recorded, with its outcome (whom it was
/// reported to and when, or why no report was needed) and a note.
pub async fn close(
    state: &AppState,
    lead: &SafeguardingLead,
    id: CaseId,
    note: &str,
    outcome: CaseOutcome,
    request: &RequestId,
) -> Result<CaseView, AppError> {
    let case = own_case(state, lead, id).await?;
    let note = note.trim();
    if !(1..=2000).contains(&note.chars().count()) {
        return Err(AppError::validation(
            &["note"],
            FieldCode::Length,
            "请用 1 到 2000 个字写明结案原因。",
        ));
    }
    let actions = store::safeguarding::actions_of(&state.db, &[case.id]).await?;
    if actions.get(&case.id).is_none_or(Vec::is_empty) {
        return Err(AppError::validation(
            &["caseId"],
            FieldCode::NoActionRecorded,
            "结案前请至少记录一项已采取的行动。",
        ));
    }
    let now = state.clock.now();
    let by = lead.staff().member.id;
    if !store::safeguarding::close(&state.db, case.id, by, note, &outcome, now).await? {
        return Err(AppError::InvalidTransition);
    }
    one(state, lead, case.id, request).await
}

async fn one(
    state: &AppState,
    lead: &SafeguardingLead,
    id: CaseId,
    request: &RequestId,
) -> Result<CaseView, AppError> {
    let case = own_case(state, lead, id).await?;
    views(state, lead, vec![case], request)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The lead: each new case of their school as it opens, whichever instance opened it.
pub async fn opened(
    state: &AppState,
    lead: SafeguardingLead,
) -> Result<BoxStream<'static, CaseView>, AppError> {
    use futures_util::StreamExt as _;
    let updates = state
        .backplane
        .subscribe(&channel(lead.school()))
        .await
        .map_err(|error| {
            tracing::warn!(error = %error, "cannot subscribe to safeguarding cases");
            AppError::Unavailable
        })?;
    let state = state.clone();
    let stream = updates.filter_map(move |id| {
        let (state, lead) = (state.clone(), lead.clone());
        async move {
            let id = CaseId::parse(&id)?;
            let request = RequestId("subscription".into());
            one(&state, &lead, id, &request).await.ok()
        }
    });
    Ok(stream.boxed())
}
