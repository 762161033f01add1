//! Publicising (DESIGN §3, §8): an answered proposal goes public when a coordinator publishes
//! it, or on answering where the campaign says so, and only with the child's consent to publish
//! (and a guardian's, under 14). What is published is anonymised (grade, and the school only
//! where at least five children of the class took part), with the teacher's redactions and only
//! the images the teacher marked publishable; it is kept as published.

use crate::clock::local_date;
use crate::domain::answers::SCHOOL_SHOWN_FROM;
use crate::domain::campaigns::Publication as Policy;
use crate::domain::children::CONSENT_AGE;
use crate::domain::ids::{MediaId, ProposalId, StaffId};
use crate::domain::lifecycle::{GovernmentEvent, GovernmentState};
use crate::domain::proposals::Proposal;
use crate::domain::tasks::TaskEventKind;
use crate::error::AppError;
use crate::services::access::Coordinator;
use crate::services::tasks::{Step, announce, step_in};
use crate::state::AppState;
use crate::store;
use crate::store::proposals::EventActor;
use crate::store::publications::Publication;

/// Coordinators: publishes an answered proposal. CONSENT_REQUIRED without the consents.
pub async fn publish(
    state: &AppState,
    coordinator: &Coordinator,
    id: ProposalId,
) -> Result<Publication, AppError> {
    let proposal = store::proposals::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    publish_one(state, &proposal, Some(coordinator.staff().member.id)).await
}

/// After an answer: publishes where the campaign publishes on answering and the consents are
/// there. A proposal that may not be published stays private; nothing fails.
pub async fn publish_after_answer(state: &AppState, proposal: &Proposal) {
    let Ok(Some(campaign)) = store::campaigns::find(&state.db, proposal.campaign_id).await else {
        return;
    };
    if campaign.publication != Policy::AfterAnswer {
        return;
    }
    match publish_one(state, proposal, None).await {
        Ok(_) | Err(AppError::ConsentRequired) => {}
        Err(error) => tracing::warn!(
            code = error.code().as_str(),
            "publishing an answered proposal failed"
        ),
    }
}

/// Whether the child (and, under 14, a guardian) agreed to publication, on `today`.
async fn consents(state: &AppState, proposal: &Proposal) -> Result<bool, AppError> {
    if !proposal.consent_to_publish {
        return Ok(false);
    }
    let child = store::children::find(&state.db, proposal.child_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = local_date(state.clock.now());
    let under_age = child
        .birth
        .age_on(today)
        .is_none_or(|age| age < CONSENT_AGE);
    Ok(!under_age || child.consent.is_some())
}

async fn publish_one(
    state: &AppState,
    proposal: &Proposal,
    by: Option<StaffId>,
) -> Result<Publication, AppError> {
    let task = store::tasks::of_proposals(&state.db, &[proposal.id])
        .await?
        .remove(&proposal.id)
        .filter(|task| task.state == GovernmentState::Answered)
        .ok_or_else(|| AppError::InvalidTransition)?;
    if !consents(state, proposal).await? {
        return Err(AppError::ConsentRequired);
    }
    let class = store::classes::find(&state.db, proposal.class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let taking_part =
        store::proposals::children_taking_part(&state.db, proposal.campaign_id, class.id).await?;
    let school_name = if taking_part >= SCHOOL_SHOWN_FROM {
        store::people::find_school(&state.db, proposal.school_id)
            .await?
            .map(|school| school.name_zh)
    } else {
        None
    };
    let (answers, place) = store::moderation::public_text(&state.db, &[proposal.id])
        .await?
        .remove(&proposal.id)
        .unwrap_or_default();
    let mut media = Vec::new();
    for id in answers.iter().flat_map(|a| &a.media) {
        let Some(id) = MediaId::parse(id) else {
            continue;
        };
        if store::media::find(&state.db, id)
            .await?
            .is_some_and(|m| m.publishable && m.child_id == Some(proposal.child_id))
        {
            media.push(id.to_string());
        }
    }
    let now = state.clock.now();
    let publication = Publication {
        proposal_id: proposal.id,
        campaign_id: proposal.campaign_id,
        topic: proposal.topic,
        department_id: task.department_id,
        grade: class.grade.get(),
        school_name,
        // Images are listed apart, only those marked publishable.
        answers: answers
            .into_iter()
            .map(|mut answer| {
                answer.media.clear();
                answer
            })
            .collect(),
        place,
        media,
        published_by: by,
        published_at: now,
    };
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    // The step writes first: on SQLite a transaction that reads before it writes is refused its
    // write (SQLITE_BUSY, no waiting) when another writer came between.
    let step = Step {
        event: Some(GovernmentEvent::Publish),
        kind: TaskEventKind::Published,
        actor: by.map_or(EventActor::System, EventActor::Staff),
        text: None,
        reopened_before: false,
    };
    let (task, event) = step_in(&transaction, task, step, |_, _| {}, now).await?;
    // Reopened and answered again: the publication stands and shows the new answer.
    if store::publications::find(&transaction, proposal.id)
        .await?
        .is_none()
    {
        store::publications::insert(&transaction, &publication).await?;
    }
    transaction.commit().await?;
    crate::services::publicity::forget_stats(state, proposal.campaign_id).await;
    announce(state, &task, &event).await;
    Ok(publication)
}
