//! Collecting proposals and following them: a child submits with the form for their band,
//! retries safely, withdraws before approval, and reads their proposals' status and history.
//!
//! Every change of state writes, in one transaction, the new state, an event row and an outbox
//! row for what must happen next.

use std::collections::HashMap;
use std::time::Duration;

use crate::backplane::Limit;
use crate::domain::children::CONSENT_AGE;
use crate::domain::forms::Answer;
use crate::domain::ids::{CampaignId, ProposalId};
use crate::domain::lifecycle::{SchoolEvent, SchoolState};
use crate::domain::page::{Page, PageRequest};
use crate::domain::people::Actor;
use crate::domain::proposals::{Proposal, content_hash};
use crate::domain::topics::Topic;
use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use crate::store::proposals::{Change, Event, EventActor};

/// A child may submit this many proposals an hour.
pub const SUBMISSIONS: Limit = Limit {
    name: "submit:child",
    max: 10,
    window: Duration::from_secs(3600),
};

pub struct Submission {
    pub campaign_id: CampaignId,
    /// Made by the app before the first try; the same id on a retry returns the same proposal.
    pub client_submission_id: uuid::Uuid,
    pub topic: String,
    pub answers: Vec<Answer>,
    pub place: Option<String>,
    pub consent_to_publish: bool,
}

/// A signed-in child: submits a proposal to a campaign that asks them. Idempotent on
/// `client_submission_id`: the same content returns the proposal already made (days later too),
/// other content is a CONFLICT.
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    submission: Submission,
) -> Result<Proposal, AppError> {
    let child = actor.child()?;
    if let Some(existing) =
        store::proposals::find_by_submission(&state.db, child.id, submission.client_submission_id)
            .await?
    {
        return same_or_conflict(state, existing, &submission).await;
    }
    let record = store::children::find(&state.db, child.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let campaign = store::campaigns::find(&state.db, submission.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    if !campaign.is_open_at(now) {
        return Err(AppError::CampaignClosed);
    }
    let today = now.date_naive();
    let band = record.birth.band_on(today).ok_or(AppError::NotInAudience)?;
    if !campaign.includes(child.school_id, band) {
        return Err(AppError::NotInAudience);
    }
    if record.consent.is_none()
        && record
            .birth
            .age_on(today)
            .is_some_and(|age| age < CONSENT_AGE)
    {
        return Err(AppError::ConsentRequired);
    }
    let form = campaign.form_for(band).ok_or(AppError::NotInAudience)?;
    let (topic, answers, place) = validated(&campaign, form, &submission)?;
    let subject = child.id.to_string();
    if let Some(retry_after) = state.backplane.blocked(&SUBMISSIONS, &subject, now).await {
        return Err(AppError::RateLimited { retry_after });
    }
    let proposal = Proposal {
        id: ProposalId::new(),
        campaign_id: campaign.id,
        child_id: child.id,
        class_id: child.class_id,
        school_id: child.school_id,
        band,
        content_hash: content_hash(
            campaign.id,
            topic.key(),
            &answers,
            place.as_deref(),
            submission.consent_to_publish,
        ),
        topic: topic.key().to_owned(),
        answers,
        place,
        consent_to_publish: submission.consent_to_publish,
        client_submission_id: submission.client_submission_id,
        assisted_by: None,
        school_state: SchoolState::Submitted,
        government_state: None,
        created_at: now,
    };
    match record_submission(state, &proposal).await {
        Ok(()) => {
            state.backplane.count(&SUBMISSIONS, &subject, now).await;
            announce(state, &proposal).await;
            Ok(proposal)
        }
        // Two tries of one submission raced; the other one won.
        Err(error)
            if error
                .sql_err()
                .is_some_and(|e| matches!(e, sea_orm::SqlErr::UniqueConstraintViolation(_))) =>
        {
            let existing = store::proposals::find_by_submission(
                &state.db,
                child.id,
                submission.client_submission_id,
            )
            .await?
            .ok_or(AppError::Conflict("submission".into()))?;
            same_or_conflict(state, existing, &submission).await
        }
        Err(error) => Err(error.into()),
    }
}

async fn record_submission(state: &AppState, proposal: &Proposal) -> Result<(), sea_orm::DbErr> {
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    store::proposals::insert(&transaction, proposal).await?;
    let to = SchoolState::Submitted.as_str();
    store::proposals::append_event(
        &transaction,
        proposal.id,
        EventActor::Child(proposal.child_id),
        Change {
            layer: "school",
            from: None,
            to,
            reason: None,
        },
        proposal.created_at,
    )
    .await?;
    let payload = serde_json::json!({ "proposalId": proposal.id.to_string() });
    store::proposals::enqueue(
        &transaction,
        "proposal.submitted",
        payload,
        proposal.created_at,
    )
    .await?;
    transaction.commit().await
}

/// The retry of a submission already recorded: the same proposal for the same content.
async fn same_or_conflict(
    state: &AppState,
    existing: Proposal,
    submission: &Submission,
) -> Result<Proposal, AppError> {
    let campaign = store::campaigns::find(&state.db, existing.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let same = campaign.id == submission.campaign_id
        && campaign.form_for(existing.band).is_some_and(|form| {
            validated(&campaign, form, submission).is_ok_and(|(topic, answers, place)| {
                existing.content_hash
                    == content_hash(
                        campaign.id,
                        topic.key(),
                        &answers,
                        place.as_deref(),
                        submission.consent_to_publish,
                    )
            })
        });
    if same {
        Ok(existing)
    } else {
        Err(AppError::Conflict("clientSubmissionId".into()))
    }
}

fn validated(
    campaign: &crate::domain::campaigns::Campaign,
    form: &crate::domain::forms::Form,
    submission: &Submission,
) -> Result<(Topic, Vec<Answer>, Option<String>), AppError> {
    let topic = Topic::parse(&submission.topic)
        .filter(|topic| campaign.offers(topic))
        .ok_or_else(|| {
            AppError::validation(
                &["input", "topic"],
                "UNKNOWN_TOPIC",
                "请从列出的主题里选一个。",
            )
        });
    let answers = form.validate(&submission.answers);
    let place = submission
        .place
        .as_deref()
        .map(str::trim)
        .filter(|place| !place.is_empty())
        .map(str::to_owned);
    let place_ok = place
        .as_ref()
        .is_none_or(|place| place.chars().count() <= 200);
    match (topic, answers) {
        (Ok(topic), Ok(answers)) if place_ok => Ok((topic, answers, place)),
        (topic, answers) => {
            let mut fields = Vec::new();
            for error in [topic.err(), answers.err()].into_iter().flatten() {
                if let AppError::Validation(more) = error {
                    fields.extend(more);
                }
            }
            if !place_ok {
                fields.push(crate::error::FieldError::new(
                    &["input", "place"],
                    "TOO_LONG",
                    "地点最多 200 个字。",
                ));
            }
            Err(AppError::Validation(fields))
        }
    }
}

/// The child who submitted it: takes a proposal back before it is approved.
pub async fn withdraw(
    state: &AppState,
    actor: &Actor,
    id: ProposalId,
) -> Result<Proposal, AppError> {
    let child = actor.child()?;
    let mut proposal = store::proposals::find(&state.db, id)
        .await?
        .filter(|p| p.child_id == child.id)
        .ok_or(AppError::NotFound)?;
    let from = proposal.school_state;
    let to = from
        .next(SchoolEvent::Withdraw)
        .ok_or_else(|| AppError::InvalidTransition {
            from: from.as_str().into(),
            to: SchoolState::Withdrawn.as_str().into(),
        })?;
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    if !store::proposals::set_school_state(&transaction, id, from, to, now).await? {
        return Err(AppError::Conflict("state".into()));
    }
    store::proposals::append_event(
        &transaction,
        id,
        EventActor::Child(child.id),
        Change {
            layer: "school",
            from: Some(from.as_str()),
            to: to.as_str(),
            reason: None,
        },
        now,
    )
    .await?;
    store::proposals::enqueue(
        &transaction,
        "proposal.withdrawn",
        serde_json::json!({ "proposalId": id.to_string() }),
        now,
    )
    .await?;
    transaction.commit().await?;
    proposal.school_state = to;
    announce(state, &proposal).await;
    Ok(proposal)
}

/// A signed-in child: their proposals, newest first, each with its history. Two queries a page,
/// whatever its size.
pub async fn mine(
    state: &AppState,
    actor: &Actor,
    page: &PageRequest<ProposalId>,
) -> Result<(Page<Proposal>, HashMap<ProposalId, Vec<Event>>), AppError> {
    let child = actor.child()?;
    let proposals = store::proposals::of_child(&state.db, child.id, page).await?;
    let ids: Vec<_> = proposals.items.iter().map(|p| p.id).collect();
    let events = store::proposals::events_of(&state.db, &ids).await?;
    Ok((proposals, events))
}

/// A proposal's history, oldest first (for whoever already holds the proposal).
pub async fn history(
    state: &AppState,
    proposal: &Proposal,
) -> Result<(ProposalId, Vec<Event>), AppError> {
    let mut events = store::proposals::events_of(&state.db, &[proposal.id]).await?;
    Ok((proposal.id, events.remove(&proposal.id).unwrap_or_default()))
}

/// The channel on which a child's proposals announce their changes.
pub fn updates_channel(child: crate::domain::ids::ChildId) -> String {
    format!("proposals:child:{child}")
}

/// Tells the child's live subscribers, on every instance, that the proposal changed.
async fn announce(state: &AppState, proposal: &Proposal) {
    state
        .backplane
        .publish(
            &updates_channel(proposal.child_id),
            &proposal.id.to_string(),
        )
        .await;
}

/// The signed-in child who made it: one of their proposals, for a live update. `None` when it is
/// not theirs (or gone).
pub async fn own(
    state: &AppState,
    actor: &Actor,
    id: ProposalId,
) -> Result<Option<(Proposal, Vec<Event>)>, AppError> {
    let child = actor.child()?;
    let Some(proposal) = store::proposals::find(&state.db, id)
        .await?
        .filter(|p| p.child_id == child.id)
    else {
        return Ok(None);
    };
    let (_, events) = history(state, &proposal).await?;
    Ok(Some((proposal, events)))
}
