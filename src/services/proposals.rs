//! Collecting proposals and following them: a child submits with the form for their band,
//! retries safely, withdraws before approval, and reads their proposals' status and history.
//!
//! Every change of state writes, in one transaction, the new state, an event row and an outbox
//! row for what must happen next.

use std::time::Duration;

use crate::backplane::Limit;
use crate::domain::ids::ProposalId;
use crate::domain::lifecycle::{SchoolEvent, SchoolState};
use crate::domain::proposals::Proposal;
use crate::error::AppError;
use crate::services::access::SignedInChild;
use crate::services::notifications::{announce, announce_recorded};
use crate::state::AppState;
use crate::store;
use crate::store::proposals::EventActor;

pub use super::submission::Submission;
use super::submission::{Author, checked, earlier_try, is_duplicate, record, validated};
use super::transitions::school_step;

/// A child may submit this many proposals an hour.
pub const SUBMISSIONS: Limit = Limit {
    name: "submit:child",
    max: 10,
    window: Duration::from_secs(3600),
};

/// What a submission did.
pub enum Submitted {
    /// Recorded it now.
    New(Proposal),
    /// Found it recorded by an earlier try (the app retried).
    Earlier(Proposal),
}

/// A signed-in child: submits a proposal to a campaign that asks them. Idempotent on
/// `client_submission_id`: the same content returns the proposal already made (days later too),
/// other content is a CONFLICT.
///
/// A first try is the common case, so it is checked and recorded straight away; only when that
/// fails is an earlier try looked for (the unique key on the submission id catches a retry that
/// passes the checks).
pub async fn submit(
    state: &AppState,
    child: &SignedInChild,
    submission: Submission,
) -> Result<Submitted, AppError> {
    let author = Author {
        child: child.id,
        class: child.class_id,
        school: child.school_id,
    };
    let error = match submit_first_try(state, &author, &submission).await {
        Ok(proposal) => return Ok(Submitted::New(proposal)),
        Err(error) => error,
    };
    match earlier_try(state, &author, &submission).await {
        Ok(Some(proposal)) => Ok(Submitted::Earlier(proposal)),
        Err(conflict @ AppError::Conflict) => Err(conflict),
        Ok(None) | Err(_) => Err(error),
    }
}

async fn submit_first_try(
    state: &AppState,
    author: &Author,
    submission: &Submission,
) -> Result<Proposal, AppError> {
    let proposal = checked(state, author, submission, None).await?;
    let subject = author.child.to_string();
    let now = proposal.created_at;
    state
        .backplane
        .take(&SUBMISSIONS, &subject, now)
        .await
        .map_err(|retry_after| AppError::RateLimited { retry_after })?;
    let recorded = record(state, vec![proposal], EventActor::Child(author.child)).await;
    if recorded.is_err() {
        state.backplane.give_back(&SUBMISSIONS, &subject).await;
    }
    match recorded.map(|recorded| recorded.into_iter().next()) {
        Ok(Some(proposal)) => {
            announce_recorded(state, &proposal).await;
            Ok(proposal)
        }
        Ok(None) => Err(AppError::Internal(anyhow::anyhow!(
            "recording answered no proposal"
        ))),
        Err(error) if is_duplicate(&error) => Err(AppError::Conflict),
        Err(error) => Err(error.into()),
    }
}

/// The child who submitted it: takes a proposal back before it is approved.
pub async fn withdraw(
    state: &AppState,
    child: &SignedInChild,
    id: ProposalId,
) -> Result<Proposal, AppError> {
    let mut proposal = own_proposal(state, child.id, id).await?;
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    proposal.school_state = school_step(
        &transaction,
        &proposal,
        SchoolEvent::Withdraw,
        EventActor::Child(child.id),
        None,
        now,
    )
    .await?;
    transaction.commit().await?;
    announce(state, &proposal).await;
    Ok(proposal)
}

/// The child who submitted it: sends a proposal that was returned for changes again, with new
/// content checked against the form of the band it was first written in.
pub async fn revise(
    state: &AppState,
    child: &SignedInChild,
    id: ProposalId,
    revision: Revision,
) -> Result<Proposal, AppError> {
    let mut proposal = own_proposal(state, child.id, id).await?;
    if proposal.school_state != SchoolState::ReturnedForChanges {
        return Err(AppError::InvalidTransition);
    }
    let campaign = store::campaigns::find(&state.db, proposal.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = campaign.form_for(proposal.band).ok_or(AppError::NotFound)?;
    let (topic, answers, place) = validated(
        &campaign,
        form,
        &revision.topic,
        &revision.answers,
        revision.place.as_deref(),
    )?;
    crate::services::submission::usable_media(state, child.id, None, &answers).await?;
    proposal.topic = topic;
    proposal.answers = answers;
    proposal.place = place;
    proposal.consent_to_publish = revision.consent_to_publish;
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    store::proposals::set_content(&transaction, &proposal, now).await?;
    proposal.school_state = school_step(
        &transaction,
        &proposal,
        SchoolEvent::Resubmit,
        EventActor::Child(child.id),
        None,
        now,
    )
    .await?;
    transaction.commit().await?;
    announce(state, &proposal).await;
    Ok(proposal)
}

/// New content for a proposal returned for changes.
pub struct Revision {
    pub topic: String,
    pub answers: Vec<crate::domain::forms::Answer>,
    pub place: Option<String>,
    pub consent_to_publish: bool,
}

async fn own_proposal(
    state: &AppState,
    child: crate::domain::ids::ChildId,
    id: ProposalId,
) -> Result<Proposal, AppError> {
    store::proposals::find(&state.db, id)
        .await?
        .filter(|p| p.child_id == child)
        .ok_or(AppError::NotFound)
}
