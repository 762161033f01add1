//! Tracking: what a child sees of their own proposals. One call gives each proposal with its
//! history, its task (the date the child will hear back by), the department's answer and the
//! progress reported since, behind the child's proof: no layer stitches a child's view together
//! from reads nobody checked. A page costs the same number of queries whatever its size.

use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;
use std::collections::HashMap;

use crate::domain::answers::{Answer, Progress};
use crate::domain::ids::ProposalId;
use crate::domain::page::{Page, PageRequest};
use crate::domain::proposals::Event;
use crate::domain::proposals::Proposal;
use crate::domain::tasks::Task;
use crate::error::AppError;
use crate::services::access::SignedInChild;
use crate::state::AppState;
use crate::store;

/// One proposal as its child follows it.
pub struct ChildView {
    pub proposal: Proposal,
    /// Oldest first.
    pub events: Vec<Event>,
    pub task: Option<Task>,
    pub answer: Option<Answer>,
    pub progress: Vec<Progress>,
}

/// The signed-in child: their proposals, newest first, each as they follow it.
pub async fn mine(
    state: &AppState,
    child: &SignedInChild,
    page: &PageRequest<ProposalId>,
) -> Result<Page<ChildView>, AppError> {
    let proposals = store::proposals::of_child(&state.db, child.id, page).await?;
    Ok(Page {
        has_next_page: proposals.has_next_page,
        items: views(state, child, proposals.items).await?,
    })
}

/// The signed-in child: one of their proposals as they follow it; NOT_FOUND when it is not
/// theirs.
pub async fn one(
    state: &AppState,
    child: &SignedInChild,
    id: ProposalId,
) -> Result<ChildView, AppError> {
    let proposal = store::proposals::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    views(state, child, vec![proposal])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The signed-in child: each of their proposals as it changes, whichever instance the change
/// went through.
pub async fn updates(
    state: &AppState,
    child: SignedInChild,
) -> Result<BoxStream<'static, ChildView>, AppError> {
    let channel = crate::services::notifications::updates_channel(child.id);
    let updates = state.backplane.subscribe(&channel).await.map_err(|error| {
        tracing::warn!(error = %error, "cannot subscribe to live updates");
        AppError::Unavailable
    })?;
    let state = state.clone();
    let child = std::sync::Arc::new(child);
    Ok(updates
        .filter_map(move |id| {
            let (state, child) = (state.clone(), child.clone());
            async move {
                let id = ProposalId::parse(&id)?;
                one(&state, &child, id).await.ok()
            }
        })
        .boxed())
}

/// A proposal the child has just submitted, as they follow it: its one event is its
/// submission, and nothing has happened to it yet, so nothing needs reading.
pub fn just_submitted(proposal: Proposal) -> ChildView {
    ChildView {
        events: vec![crate::domain::proposals::Event::submitted(
            proposal.created_at,
        )],
        answer: None,
        task: None,
        progress: Vec::new(),
        proposal,
    }
}

/// The child's own proposals among these, as they follow them (another child's are left out).
pub async fn views(
    state: &AppState,
    child: &SignedInChild,
    proposals: Vec<Proposal>,
) -> Result<Vec<ChildView>, AppError> {
    let proposals: Vec<Proposal> = proposals
        .into_iter()
        .filter(|proposal| proposal.child_id == child.id)
        .collect();
    let ids: Vec<ProposalId> = proposals.iter().map(|p| p.id).collect();
    let mut events = store::proposals::events_of(&state.db, &ids).await?;
    let mut tasks: HashMap<ProposalId, Task> = store::tasks::of_proposals(&state.db, &ids).await?;
    let (mut answers, mut progress) =
        crate::services::answers::of_proposals(state, &ids, &tasks).await?;
    Ok(proposals
        .into_iter()
        .map(|proposal| {
            let task = tasks.remove(&proposal.id);
            let progress = task
                .as_ref()
                .and_then(|task| progress.remove(&task.id))
                .unwrap_or_default();
            ChildView {
                events: events.remove(&proposal.id).unwrap_or_default(),
                answer: answers.remove(&proposal.id),
                task,
                progress,
                proposal,
            }
        })
        .collect())
}
