//! Safeguarding (DESIGN §7): a case opens, in the transaction that escalates the proposal, for
//! the school's safeguarding lead, who is told at once (an outbox event and a live message) and
//! records what was done until the case is closed. Nothing here reaches a department, the public
//! or the child.

use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;
use sea_orm::ConnectionTrait;
use std::collections::HashMap;

use crate::domain::children::Child;
use crate::domain::classes::Class;
use crate::domain::ids::{CaseId, SchoolId, StaffId};
use crate::domain::page::{Page, PageRequest};
use crate::domain::proposals::Proposal;
use crate::domain::safeguarding::{ActionKind, Case, CaseAction, CaseState};
use crate::error::AppError;
use crate::services::access::{SafeguardingLead, log_reads};
use crate::state::AppState;
use crate::store;
use crate::telemetry::RequestId;

/// Opens a case for an escalated proposal, in the caller's transaction, with the outbox event
/// that tells the lead. `by` is None when the screen escalated it.
pub async fn open_case(
    db: &impl ConnectionTrait,
    proposal: &Proposal,
    by: Option<StaffId>,
    signals: Vec<String>,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<Case, AppError> {
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
        closed_at: None,
        closing_note: None,
    };
    store::safeguarding::open(db, &case).await?;
    let payload = serde_json::json!({
        "caseId": case.id.to_string(),
        "schoolId": case.school_id.to_string(),
    });
    store::proposals::enqueue(db, "safeguarding.case_opened", payload, now).await?;
    Ok(case)
}

fn channel(school: SchoolId) -> String {
    format!("safeguarding:{school}")
}

/// Tells the school's lead, on every instance, once the case is committed.
pub async fn announce(state: &AppState, case: &Case) {
    state
        .backplane
        .publish(&channel(case.school_id), &case.id.to_string())
        .await;
}

/// A case with what its lead needs to act on it.
pub struct CaseView {
    pub case: Case,
    pub actions: Vec<CaseAction>,
    /// None once erased.
    pub proposal: Option<Proposal>,
    pub child: Option<Child>,
    pub class: Option<Class>,
}

/// The lead: their school's cases, oldest first. Each read of a child's data is logged.
pub async fn cases(
    state: &AppState,
    lead: &SafeguardingLead,
    only: Option<CaseState>,
    page: &PageRequest<CaseId>,
    request: &RequestId,
) -> Result<Page<CaseView>, AppError> {
    let cases = store::safeguarding::of_school(&state.db, lead.school(), only, page).await?;
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
    let mut classes: HashMap<_, Class> = HashMap::new();
    let mut views = Vec::with_capacity(cases.len());
    for case in cases {
        let proposal = match case.proposal_id {
            Some(id) => store::proposals::find(&state.db, id).await?,
            None => None,
        };
        let child = match case.child_id {
            Some(id) => store::children::find(&state.db, id).await?,
            None => None,
        };
        let class = match case.class_id {
            Some(id) if !classes.contains_key(&id) => {
                let class = store::classes::find(&state.db, id).await?;
                if let Some(class) = &class {
                    classes.insert(id, class.clone());
                }
                class
            }
            Some(id) => classes.get(&id).cloned(),
            None => None,
        };
        views.push(CaseView {
            actions: actions.remove(&case.id).unwrap_or_default(),
            case,
            proposal,
            child,
            class,
        });
    }
    Ok(views)
}

/// One case of the lead's school, or NOT_FOUND.
async fn own_case(state: &AppState, lead: &SafeguardingLead, id: CaseId) -> Result<Case, AppError> {
    store::safeguarding::find(&state.db, id)
        .await?
        .filter(|case| case.school_id == lead.school())
        .ok_or(AppError::NotFound)
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
        return Err(AppError::InvalidTransition {
            from: case.state.as_str().into(),
            to: "record_action".into(),
        });
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

/// The lead closes a case once at least one action is recorded, saying why.
pub async fn close(
    state: &AppState,
    lead: &SafeguardingLead,
    id: CaseId,
    note: &str,
    request: &RequestId,
) -> Result<CaseView, AppError> {
    let case = own_case(state, lead, id).await?;
    let note = note.trim();
    if !(1..=2000).contains(&note.chars().count()) {
        return Err(AppError::validation(
            &["note"],
            "LENGTH",
            "请用 1 到 2000 个字写明结案原因。",
        ));
    }
    let actions = store::safeguarding::actions_of(&state.db, &[case.id]).await?;
    if actions.get(&case.id).is_none_or(Vec::is_empty) {
        return Err(AppError::validation(
            &["caseId"],
            "NO_ACTION_RECORDED",
            "结案前请至少记录一项已采取的行动。",
        ));
    }
    let now = state.clock.now();
    if !store::safeguarding::close(&state.db, case.id, lead.staff().member.id, note, now).await? {
        return Err(AppError::InvalidTransition {
            from: case.state.as_str().into(),
            to: CaseState::Closed.as_str().into(),
        });
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
