//! Teachers' false-alarm marks as suggestions for the screening allow-list. Coordinators accept
//! or dismiss each; an accepted phrase is added to `moderation/rules/allow.txt` by a person in
//! the next release. Nothing learns on its own.

use crate::domain::ids::SuggestionId;
use crate::domain::moderation::{Suggestion, SuggestionState};
use crate::domain::page::{Page, PageRequest};
use crate::error::AppError;
use crate::services::access::Coordinator;
use crate::state::AppState;
use crate::store;

pub async fn list(
    state: &AppState,
    _: &Coordinator,
    in_state: SuggestionState,
    page: &PageRequest<SuggestionId>,
) -> Result<Page<Suggestion>, AppError> {
    Ok(store::moderation::suggestions(&state.db, in_state, page).await?)
}

/// Accepts or dismisses an open suggestion; INVALID_TRANSITION when it was decided already.
pub async fn decide(
    state: &AppState,
    coordinator: &Coordinator,
    id: SuggestionId,
    accept: bool,
) -> Result<Suggestion, AppError> {
    let suggestion = store::moderation::find_suggestion(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = if accept {
        SuggestionState::Accepted
    } else {
        SuggestionState::Dismissed
    };
    let by = coordinator.staff().member.id;
    if !store::moderation::decide_suggestion(&state.db, id, to, by, state.clock.now()).await? {
        return Err(AppError::InvalidTransition);
    }
    Ok(Suggestion {
        state: to,
        ..suggestion
    })
}
