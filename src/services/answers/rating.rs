//! The child's rating of an answer, and the answers no child rated closing by themselves.

use crate::domain::answers::Rating;
use crate::domain::calendar::WorkCalendar;
use crate::domain::ids::ProposalId;
use crate::domain::lifecycle::GovernmentEvent;
use crate::domain::proposals::Proposal;
use crate::domain::tasks::TaskEventKind;
use crate::error::AppError;
use crate::error::FieldCode;
use crate::services::access::SignedInChild;
use crate::services::tasks::{Step, announce, step_in};
use crate::state::AppState;
use crate::store;
use crate::store::proposals::EventActor;

/// The child who made it rates the answer: satisfied or partly closes the task; not satisfied
/// reopens it once (the department looks again with the comment), then closes it.
pub async fn rate(
    state: &AppState,
    child: &SignedInChild,
    id: ProposalId,
    rating: Rating,
    comment: Option<String>,
) -> Result<Proposal, AppError> {
    let proposal = store::proposals::find(&state.db, id)
        .await?
        .filter(|p| p.child_id == child.id)
        .ok_or(AppError::NotFound)?;
    let tasks = store::tasks::of_proposals(&state.db, &[id]).await?;
    let task = tasks.get(&id).cloned().ok_or(AppError::NotFound)?;
    let answer = store::answers::latest(&state.db, &[id])
        .await?
        .remove(&id)
        .filter(|_| crate::domain::tracking::may_rate(Some(task.state)))
        .ok_or_else(|| AppError::InvalidTransition)?;
    let comment = comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 300) {
        return Err(AppError::validation(
            &["comment"],
            FieldCode::TooLong,
            "最多写 300 个字哦。",
        ));
    }
    // The comment reaches an adult only once the screen finds nothing in it.
    let screened = comment.as_deref().map(|text| {
        crate::domain::moderation::screen(
            moderation::Screener::builtin(),
            proposal.band,
            &[crate::domain::forms::Answer {
                key: "comment".into(),
                text: Some(text.to_owned()),
                ..Default::default()
            }],
            None,
        )
    });
    let clean = screened
        .as_ref()
        .is_none_or(|s| s.action == moderation::Action::Publish);
    let now = state.clock.now();
    let campaign = store::campaigns::find(&state.db, proposal.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reopen = rating == Rating::NotSatisfied && !proposal.reopened;
    let note = match (&comment, clean) {
        (Some(comment), true) => format!("{}：{comment}", rating.as_str()),
        (Some(_), false) => format!("{}（留言已交老师查看）", rating.as_str()),
        (None, _) => rating.as_str().to_owned(),
    };
    let (event, kind) = if reopen {
        (GovernmentEvent::Reopen, TaskEventKind::Reopened)
    } else {
        (GovernmentEvent::Close, TaskEventKind::Closed)
    };
    // The step writes first (see `publication`), then the rating, refused if there is one.
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let verdict = Step {
        event: Some(event),
        kind,
        actor: EventActor::Child(child.id),
        text: Some(&note),
        reopened_before: proposal.reopened,
    };
    let (task, event) = step_in(
        &transaction,
        task,
        verdict,
        |task, today| {
            if reopen {
                let calendar = WorkCalendar::national();
                task.sign_for_due = calendar.add_working_days(today, campaign.sign_for_days);
                task.answer_due = calendar.add_working_days(today, campaign.answer_days);
                task.signed_for_at = None;
                task.restart_clock(task.sign_for_due);
            }
        },
        now,
    )
    .await?;
    if !store::answers::rate(&transaction, id, answer.id, rating, comment.as_deref(), now).await? {
        return Err(AppError::Conflict);
    }
    if reopen {
        store::proposals::set_reopened(&transaction, id).await?;
    }
    if let Some(screening) = screened.filter(|s| s.escalates()) {
        let case = crate::services::safeguarding::open_case(
            &transaction,
            &proposal,
            None,
            screening.signals(),
            comment.clone(),
            &crate::services::safeguarding::deadline(state),
            now,
        )
        .await?;
        transaction.commit().await?;
        crate::services::safeguarding::announce(state, &case).await;
    } else {
        transaction.commit().await?;
    }
    announce(state, &task, &event).await;
    store::proposals::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Answers no child rated within this many days close by themselves.
pub const RATING_DAYS: i64 = 14;

/// Closes the tasks whose answer went unrated for [`RATING_DAYS`]; returns how many.
pub async fn close_unrated(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let before = now - chrono::Duration::days(RATING_DAYS);
    let stale = store::answers::unrated_before(&state.db, before, 100).await?;
    let mut closed = 0;
    for (_, task) in stale {
        let Some(task) = store::tasks::find(&state.db, task).await? else {
            continue;
        };
        let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
        let close = Step {
            event: Some(GovernmentEvent::Close),
            kind: TaskEventKind::Closed,
            actor: EventActor::System,
            text: Some("14 天内未评价，自动办结"),
            reopened_before: false,
        };
        let Ok((task, event)) = step_in(&transaction, task, close, |_, _| {}, now).await else {
            continue;
        };
        transaction.commit().await?;
        announce(state, &task, &event).await;
        closed += 1;
    }
    Ok(closed)
}
