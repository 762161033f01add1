//! The privacy lifecycle (DESIGN §8): consent withdrawn takes the child's items off every public
//! view at once and stops what they submitted from going further; retention and approved
//! requests erase a child (pseudonym and birth data gone, proposals kept as anonymous district
//! records, images deleted from disk, Redis keys naming the child removed); teachers file
//! requests for a child's data, coordinators decide; an export is a ZIP of JSON and images.

use std::io::Write as _;

use crate::domain::ids::{ChildId, ProposalId, StaffId};
use crate::domain::lifecycle::{SchoolEvent, SchoolState};
use crate::domain::moderation::{ProposalScreening, redact};
use crate::domain::people::Actor;
use crate::domain::privacy::Request;
use crate::domain::privacy::{RequestKind, RequestState};
use crate::error::AppError;
use crate::services::access::log_reads;
use crate::services::access::{Coordinator, SignedInChild};
use crate::services::transitions::school_step;
use crate::state::AppState;
use crate::store;
use crate::store::proposals::EventActor;
use crate::telemetry::RequestId;

/// After a guardian withdrew consent: the child's items are unpublished at once, and what they
/// submitted that is not yet approved is withdrawn. Both are recorded.
pub async fn consent_withdrawn(
    state: &AppState,
    child: ChildId,
    by: StaffId,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let pending: Vec<_> = store::privacy::proposals_of(&state.db, child)
        .await?
        .into_iter()
        .map(|row| ProposalId(row.id))
        .collect();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    store::privacy::record(
        &transaction,
        Some(child),
        "guardian_consent_withdrawn",
        None,
        Some(by),
        now,
    )
    .await?;
    let mut unpublished = store::privacy::unpublish_child(&transaction, child, now).await?;
    // Backing another child's idea was taking part too: it goes with the consent.
    store::backings::remove_child(&transaction, child).await?;
    // Their images leave every public view for good, whichever publication shows them.
    let images = store::media::withhold_child(&transaction, child).await?;
    let showing = store::publications::showing(&transaction, &images).await?;
    for id in store::privacy::unpublish(&transaction, &showing, now).await? {
        if !unpublished.contains(&id) {
            unpublished.push(id);
        }
    }
    let mut stopped = Vec::new();
    for id in pending {
        let Some(proposal) = store::proposals::find(&transaction, id).await? else {
            continue;
        };
        let open = matches!(
            proposal.school_state,
            SchoolState::Submitted
                | SchoolState::Screened
                | SchoolState::AwaitingReview
                | SchoolState::ReturnedForChanges
        );
        if open {
            school_step(
                &transaction,
                &proposal,
                SchoolEvent::Withdraw,
                EventActor::Staff(by),
                Some(crate::domain::tracking::GUARDIAN_WITHDREW),
                now,
            )
            .await?;
            stopped.push(proposal);
        }
    }
    if !unpublished.is_empty() {
        let detail = format!("unpublished {}", unpublished.len());
        store::privacy::record(
            &transaction,
            Some(child),
            "unpublished",
            Some(&detail),
            Some(by),
            now,
        )
        .await?;
    }
    transaction.commit().await?;
    forget_public(state, &unpublished).await;
    for proposal in &stopped {
        crate::services::notifications::announce(state, proposal).await;
    }
    Ok(())
}

/// The child who made it withdraws their consent to publish one proposal: it leaves every
/// public view at once.
pub async fn withdraw_publication_consent(
    state: &AppState,
    child: &SignedInChild,
    id: ProposalId,
) -> Result<crate::domain::proposals::Proposal, AppError> {
    let proposal = store::proposals::find(&state.db, id)
        .await?
        .filter(|p| p.child_id == child.id)
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    store::privacy::record(
        &transaction,
        Some(child.id),
        "publication_consent_withdrawn",
        Some(&id.to_string()),
        None,
        now,
    )
    .await?;
    store::privacy::set_consent_to_publish(&transaction, id, false).await?;
    let unpublished = store::privacy::unpublish(&transaction, &[id], now).await?;
    transaction.commit().await?;
    forget_public(state, &unpublished).await;
    store::proposals::find(&state.db, proposal.id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn forget_public(state: &AppState, unpublished: &[ProposalId]) {
    // Backings and images go with a consent even where nothing was published.
    crate::services::publicity::changed(state).await;
    let campaigns: Vec<_> = match store::proposals::campaigns_of(&state.db, unpublished).await {
        Ok(campaigns) => campaigns,
        Err(_) => return,
    };
    for campaign in campaigns {
        crate::services::publicity::forget_stats(state, campaign).await;
    }
}

/// Erases a child: their proposals become anonymous district records (the approved text, or the
/// text with the screen's personal information hidden), their images leave the disk, their own
/// rows go, safeguarding cases lose the link but stay, and Redis forgets every key naming them.
/// False when there was no such child (erased already).
pub async fn erase(
    state: &AppState,
    child: ChildId,
    why: &str,
    by: Option<StaffId>,
) -> Result<bool, AppError> {
    if child == store::privacy::erased_child()
        || store::children::find(&state.db, child).await?.is_none()
    {
        return Ok(false);
    }
    let proposals = store::privacy::proposals_of(&state.db, child).await?;
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    store::privacy::record(&transaction, Some(child), "erasure", Some(why), by, now).await?;
    for row in proposals {
        let id = ProposalId(row.id);
        let answers: Vec<crate::domain::forms::Answer> =
            store::read_json(row.answers.clone(), format!("proposal {id}"), "answers")?;
        let (answers, place) = match (row.public_answers.clone(), row.public_place.clone()) {
            (Some(public), place) => (public, place),
            (None, _) => {
                let screening: Option<ProposalScreening> = match row.screening.clone() {
                    Some(value) => Some(store::read_json(
                        value,
                        format!("proposal {id}"),
                        "screening",
                    )?),
                    None => None,
                };
                let spans = screening
                    .map(|s| s.proposed_redactions())
                    .unwrap_or_default();
                let (redacted, place) =
                    redact(&answers, row.place.as_deref(), &spans).unwrap_or((Vec::new(), None));
                (serde_json::to_value(redacted).unwrap_or_default(), place)
            }
        };
        // Images of an erased child are deleted: the text keeps no reference to them.
        let answers = strip_media(answers, id)?;
        store::privacy::anonymise_proposal(&transaction, id, answers, place).await?;
        store::privacy::drop_published_media(&transaction, id).await?;
    }
    let ended = store::sessions::end(
        &transaction,
        store::sessions::Ending::Children(&[child]),
        now,
    )
    .await?;
    let unused = store::privacy::remove_child(&transaction, child).await?;
    transaction.commit().await?;
    crate::services::sessions::announce_ended(state, &ended).await;
    crate::services::publicity::changed(state).await;
    crate::services::cleanup::after_erasure(state, child, unused).await;
    Ok(true)
}

fn strip_media(answers: serde_json::Value, id: ProposalId) -> Result<serde_json::Value, AppError> {
    let mut answers: Vec<crate::domain::forms::Answer> =
        store::read_json(answers, format!("proposal {id}"), "public answers")?;
    for answer in &mut answers {
        answer.media.clear();
    }
    Ok(serde_json::to_value(answers).unwrap_or_default())
}

/// Children due for erasure under the retention period, and (unless `dry_run`) erases them.
/// Running it twice erases nothing the second time.
pub async fn retention_run(state: &AppState, dry_run: bool) -> Result<Vec<ChildId>, AppError> {
    let period = chrono::Duration::days(i64::from(state.config.retention_days));
    let due = store::privacy::due_for_erasure(&state.db, state.clock.now() - period).await?;
    if dry_run {
        return Ok(due);
    }
    let mut erased = Vec::new();
    for child in due {
        if erase(state, child, "retention", None).await? {
            erased.push(child);
        }
    }
    Ok(erased)
}

/// The class's teacher marks that a child has left the school: retention counts from now.
pub async fn mark_left(state: &AppState, actor: &Actor, child: ChildId) -> Result<(), AppError> {
    let teacher = crate::services::access::teacher_of_child(state, actor, child).await?;
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    store::privacy::mark_left(&transaction, child, now).await?;
    store::privacy::record(
        &transaction,
        Some(child),
        "left_school",
        None,
        Some(teacher.staff().member.id),
        now,
    )
    .await?;
    let ended = store::sessions::end(
        &transaction,
        store::sessions::Ending::Children(&[child]),
        now,
    )
    .await?;
    transaction.commit().await?;
    crate::services::sessions::announce_ended(state, &ended).await;
    Ok(())
}

/// The child's teacher files a request for the child's data export or erasure.
pub async fn file_request(
    state: &AppState,
    actor: &Actor,
    child: ChildId,
    kind: RequestKind,
    reason: Option<String>,
) -> Result<Request, AppError> {
    let teacher = crate::services::access::teacher_of_child(state, actor, child).await?;
    let request = Request {
        id: uuid::Uuid::now_v7(),
        child_id: child,
        kind,
        reason: reason.map(|r| r.trim().chars().take(500).collect()),
        filed_by: teacher.staff().member.id,
        filed_at: state.clock.now(),
        state: RequestState::Pending,
        decided_at: None,
        done_at: None,
    };
    store::privacy::file_request(&state.db, &request).await?;
    Ok(request)
}

/// Coordinators: requests, oldest first (pending ones, or all).
pub async fn requests(
    state: &AppState,
    _: &Coordinator,
    pending_only: bool,
) -> Result<Vec<Request>, AppError> {
    Ok(store::privacy::requests(&state.db, pending_only.then_some(RequestState::Pending)).await?)
}

/// Coordinators decide a pending request. An approved erasure runs at once; an approved export
/// can then be downloaded.
pub async fn decide_request(
    state: &AppState,
    coordinator: &Coordinator,
    id: uuid::Uuid,
    approve: bool,
) -> Result<Request, AppError> {
    let by = coordinator.staff().member.id;
    let request = store::privacy::find_request(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let to = RequestState::decided(request.kind, approve);
    let done = to == RequestState::Done;
    if !store::privacy::decide_request(&state.db, id, to, by, now, done).await? {
        return Err(AppError::InvalidTransition);
    }
    if done {
        erase(state, request.child_id, "request", Some(by)).await?;
    }
    store::privacy::find_request(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Coordinators: the ZIP of an approved export request: the child's data as JSON, and their
/// images. The read is logged.
pub async fn export(
    state: &AppState,
    coordinator: &Coordinator,
    id: uuid::Uuid,
    request_id: &RequestId,
) -> Result<Vec<u8>, AppError> {
    let request = store::privacy::find_request(&state.db, id)
        .await?
        .filter(|r| r.kind == RequestKind::Export && r.state == RequestState::Approved)
        .ok_or(AppError::NotFound)?;
    let child = store::children::find(&state.db, request.child_id)
        .await?
        .ok_or(AppError::NotFound)?;
    log_reads(
        state,
        coordinator.staff(),
        &[child.id],
        "privacy.export",
        request_id,
    )
    .await?;
    let proposals = store::privacy::proposals_of(&state.db, child.id).await?;
    let ids: Vec<ProposalId> = proposals.iter().map(|p| ProposalId(p.id)).collect();
    let answers = store::answers::all_of(&state.db, &ids).await?;
    let record = serde_json::json!({
        "child": {
            "id": child.id.to_string(),
            "pseudonym": child.pseudonym.as_str(),
            "birthYear": child.birth.year(),
            "birthMonth": child.birth.month(),
            "classId": child.class_id.to_string(),
            "guardianConsent": child.consent.as_ref().map(|c| c.given_on.to_string()),
        },
        "proposals": proposals.iter().map(|p| serde_json::json!({
            "id": p.id.to_string(),
            "topic": p.topic,
            "answers": p.answers,
            "place": p.place,
            "schoolState": p.school_state,
            "governmentState": p.government_state,
            "submittedAt": p.created_at.to_rfc3339(),
            "departmentAnswers": answers.get(&ProposalId(p.id)).map(|list| list.iter().map(|a| serde_json::json!({
                "outcome": a.outcome.as_str(),
                "childText": a.child_text,
                "officialText": a.official_text,
                "answeredAt": a.answered_at.to_rfc3339(),
            })).collect::<Vec<_>>()),
        })).collect::<Vec<_>>(),
    });
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("child.json", options)
        .map_err(AppError::internal)?;
    zip.write_all(
        serde_json::to_string_pretty(&record)
            .unwrap_or_default()
            .as_bytes(),
    )
    .map_err(AppError::internal)?;
    for image in store::privacy::media_of(&state.db, child.id).await? {
        let Some(key) = image.display_key.as_deref() else {
            continue;
        };
        let Ok(bytes) = state.media.storage.get(key).await else {
            continue;
        };
        zip.start_file(format!("images/{}.jpg", image.id), options)
            .map_err(AppError::internal)?;
        zip.write_all(&bytes).map_err(AppError::internal)?;
    }
    let done = zip.finish().map_err(AppError::internal)?;
    Ok(done.into_inner())
}
