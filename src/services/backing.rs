//! Backing an idea (附议, issue 20): after publication, a child of the district says "我也这么想"
//! once per proposal, under the same consent rule as submitting. Counts pool the backers of
//! proposals a coordinator linked as duplicates, and show on the wall, in the feed and to the
//! department.

use std::collections::HashMap;

use crate::domain::ids::ProposalId;
use crate::error::{AppError, FieldCode};
use crate::services::access::SignedInChild;
use crate::state::AppState;
use crate::store;

/// A proposal's backing as its reader sees it.
pub struct Backing {
    pub backers: u64,
    /// The signed-in child backs it.
    pub mine: bool,
}

/// A signed-in child backs a published proposal (again: nothing changes).
pub async fn back(
    state: &AppState,
    child: &SignedInChild,
    id: ProposalId,
) -> Result<Backing, AppError> {
    let Some(publication) = store::publications::find(&state.db, id).await? else {
        return Err(AppError::NotFound);
    };
    let Some(proposal) = store::proposals::find(&state.db, publication.proposal_id).await? else {
        return Err(AppError::NotFound);
    };
    if proposal.child_id == child.id {
        return Err(AppError::validation(
            &["id"],
            FieldCode::SelfReference,
            "这是你自己的想法哦。",
        ));
    }
    let record = store::children::find(&state.db, child.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if record.needs_consent(crate::clock::local_date(state.clock.now())) {
        return Err(AppError::ConsentRequired);
    }
    let now = state.clock.now();
    store::backings::insert(&state.db, id, child.id, child.school_id, now).await?;
    crate::services::publicity::changed(state).await;
    Ok(Backing {
        backers: counts(state, &[id]).await?.get(&id).copied().unwrap_or(0),
        mine: true,
    })
}

/// Anyone: the pooled backers of each proposal.
pub async fn counts(
    state: &AppState,
    ids: &[ProposalId],
) -> Result<HashMap<ProposalId, u64>, AppError> {
    Ok(store::backings::pooled_counts(&state.db, ids).await?)
}

/// Which of these the signed-in child backs.
pub async fn mine(
    state: &AppState,
    child: &SignedInChild,
    ids: &[ProposalId],
) -> Result<std::collections::HashSet<ProposalId>, AppError> {
    Ok(store::backings::backed_by(&state.db, child.id, ids).await?)
}
