//! Every step of a proposal reaches its child: live through `proposalUpdated`, and as a
//! notification for apps that poll (`myNotifications`), in words for the child's age band.

use crate::domain::answers::Progress;
use crate::domain::page::{Page, PageRequest};
use crate::domain::proposals::Proposal;
use crate::domain::tracking::{ChildStatus, Notice};
use crate::error::AppError;
use crate::services::access::SignedInChild;
use crate::state::AppState;
use crate::store;
use crate::store::answers::Notification;

/// After a change: a notification when the status the child reads has changed. A failure is
/// logged: the change itself is committed and the child sees it in `myProposals`.
pub async fn on_change(state: &AppState, proposal: &Proposal) {
    if let Err(error) = notify_status(state, proposal).await {
        tracing::warn!(
            code = error.code().as_str(),
            "a notification was not written"
        );
    }
}

async fn notify_status(state: &AppState, proposal: &Proposal) -> Result<(), AppError> {
    let status = ChildStatus::of(proposal.school_state, proposal.government_state);
    let last = store::answers::last_status(&state.db, proposal.id).await?;
    if last == Some(Notice::Status(status)) {
        return Ok(());
    }
    let events = store::proposals::events_of(&state.db, &[proposal.id])
        .await?
        .remove(&proposal.id)
        .unwrap_or_default();
    let mut text =
        crate::domain::tracking::current_label(status, proposal.band, &events).to_owned();
    if status == ChildStatus::Answered {
        let answers = store::answers::latest(&state.db, &[proposal.id]).await?;
        if let Some(answer) = answers.get(&proposal.id) {
            text = format!("{text}：{}", answer.child_text);
        }
    }
    let now = state.clock.now();
    store::answers::notify(
        &state.db,
        proposal.child_id,
        proposal.id,
        Notice::Status(status),
        &text,
        now,
    )
    .await?;
    Ok(())
}

/// Progress on what the department promised.
pub async fn progress(state: &AppState, proposal: &Proposal, progress: &Progress) {
    let now = state.clock.now();
    let written = store::answers::notify(
        &state.db,
        proposal.child_id,
        proposal.id,
        Notice::Progress,
        &progress.child_text,
        now,
    )
    .await;
    if written.is_err() {
        tracing::warn!("a progress notification was not written");
    }
    announce(state, proposal).await;
}

/// A signed-in child: their notifications, newest first.
pub async fn mine(
    state: &AppState,
    child: &SignedInChild,
    page: &PageRequest<uuid::Uuid>,
) -> Result<Page<Notification>, AppError> {
    Ok(store::answers::of_child(&state.db, child.id, page).await?)
}

/// The channel on which a child's proposals announce their changes.
pub fn updates_channel(child: crate::domain::ids::ChildId) -> String {
    format!("proposals:child:{child}")
}

/// Tells the child's live subscribers, on every instance, that the proposal changed.
pub(crate) async fn announce(state: &AppState, proposal: &Proposal) {
    on_change(state, proposal).await;
    live(state, proposal).await;
}

/// A proposal just recorded: its notification was written with it, so only the live update
/// goes out.
pub(crate) async fn announce_recorded(state: &AppState, proposal: &Proposal) {
    live(state, proposal).await;
}

async fn live(state: &AppState, proposal: &Proposal) {
    state
        .backplane
        .publish(
            &updates_channel(proposal.child_id),
            &proposal.id.to_string(),
        )
        .await;
}
