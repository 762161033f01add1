//! Campaigns: coordinators open calls for ideas; children see the ones that ask them.

use crate::domain::campaigns::{Campaign, CampaignSettings, CampaignState};
use crate::domain::children::AgeBand;
use crate::domain::forms::Form;
use crate::domain::ids::CampaignId;
use crate::error::AppError;
use crate::services::access::Coordinator;
use crate::services::access::SignedInChild;
use crate::services::people::SHANGYU;
use crate::state::AppState;
use crate::store;

/// Coordinators: a new campaign, in draft.
pub async fn create(
    state: &AppState,
    coordinator: &Coordinator,
    settings: CampaignSettings,
) -> Result<Campaign, AppError> {
    let campaign = Campaign::from_settings(CampaignId::new(), settings, CampaignState::Draft)?;
    store::campaigns::insert(
        &state.db,
        &campaign,
        SHANGYU,
        coordinator.staff().member.id,
        state.clock.now(),
    )
    .await?;
    Ok(campaign)
}

/// Coordinators: new settings for a campaign that is not closed. The forms follow the bands.
pub async fn update(
    state: &AppState,
    _: &Coordinator,
    id: CampaignId,
    settings: CampaignSettings,
) -> Result<Campaign, AppError> {
    crate::services::standing::refuse_if_standing(id)?;
    let current = store::campaigns::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.state == CampaignState::Closed {
        return Err(AppError::CampaignClosed);
    }
    let campaign = Campaign::from_settings(id, settings, current.state)?;
    store::campaigns::update(&state.db, &campaign, state.clock.now()).await?;
    announce_changed(state, id).await;
    Ok(campaign)
}

/// Coordinators: opens (or re-opens) a campaign; children see it between its times.
pub async fn open(state: &AppState, _: &Coordinator, id: CampaignId) -> Result<Campaign, AppError> {
    set_state(state, id, CampaignState::Open).await
}

/// Coordinators: closes a campaign; it takes no more proposals.
pub async fn close(
    state: &AppState,
    _: &Coordinator,
    id: CampaignId,
) -> Result<Campaign, AppError> {
    set_state(state, id, CampaignState::Closed).await
}

async fn set_state(
    state: &AppState,
    id: CampaignId,
    to: CampaignState,
) -> Result<Campaign, AppError> {
    crate::services::standing::refuse_if_standing(id)?;
    let mut campaign = store::campaigns::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if campaign.state == to {
        return Err(AppError::InvalidTransition);
    }
    campaign.state = to;
    store::campaigns::update(&state.db, &campaign, state.clock.now()).await?;
    announce_changed(state, id).await;
    Ok(campaign)
}

/// The campaign with this id, from this instance's cache when it holds it: every submission
/// reads its campaign and form, and campaigns change a few times a term.
pub async fn find(state: &AppState, id: CampaignId) -> Result<Option<Campaign>, AppError> {
    let epoch = state.caches.epoch();
    if let Some(campaign) = state.caches.campaigns.get(&id, epoch) {
        return Ok(Some(campaign));
    }
    let ticket = state.caches.campaigns.ticket(epoch);
    let campaign = store::campaigns::find(&state.db, id).await?;
    if let Some(campaign) = &campaign {
        state.caches.campaigns.put(id, campaign.clone(), ticket);
    }
    Ok(campaign)
}

/// Tells every instance that a campaign changed (after the change committed): this one forgets
/// it at once, the others when the announcement arrives.
async fn announce_changed(state: &AppState, id: CampaignId) {
    state.caches.campaigns_changed(&[id]);
    state
        .backplane
        .publish(crate::services::caches::CAMPAIGNS_CHANNEL, &id.to_string())
        .await;
}

/// Coordinators: every campaign, newest first.
pub async fn all(state: &AppState, _: &Coordinator) -> Result<Vec<Campaign>, AppError> {
    Ok(store::campaigns::all(&state.db).await?)
}

/// A signed-in child: the campaigns open now for their school and age band, each with the form
/// for their band. The band is the child's on the day.
pub async fn open_for_child(
    state: &AppState,
    child: &SignedInChild,
) -> Result<Vec<(Campaign, Form, AgeBand)>, AppError> {
    let record = store::children::find(&state.db, child.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let now = state.clock.now();
    let Some(band) = record.birth.band_on(crate::clock::local_date(now)) else {
        return Ok(Vec::new());
    };
    let open = store::campaigns::open(&state.db).await?;
    let standing_paused = crate::services::standing::is_paused_for(state, child.school_id).await?;
    Ok(open
        .into_iter()
        .filter(|campaign| campaign.is_open_at(now) && campaign.includes(child.school_id, band))
        .filter(|campaign| !(standing_paused && campaign.id == crate::domain::campaigns::STANDING))
        .filter_map(|campaign| {
            campaign
                .form_for(band)
                .cloned()
                .map(|form| (campaign, form, band))
        })
        .collect())
}

/// The class's teachers: the campaigns open now to the class's school (the standing channel
/// unless it is paused there), for the teacher's assisted and paper entry.
pub async fn open_for_class(
    state: &AppState,
    teacher: &crate::services::access::ClassTeacher,
) -> Result<Vec<Campaign>, AppError> {
    let school = teacher.class().school_id;
    let now = state.clock.now();
    let standing_paused = crate::services::standing::is_paused_for(state, school).await?;
    Ok(store::campaigns::open(&state.db)
        .await?
        .into_iter()
        .filter(|campaign| campaign.is_open_at(now))
        .filter(|campaign| campaign.all_schools || campaign.school_ids.contains(&school))
        .filter(|campaign| !(standing_paused && campaign.id == crate::domain::campaigns::STANDING))
        .collect())
}
