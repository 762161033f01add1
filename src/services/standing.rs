//! The standing channel (issue 20, the plan's 常态化 participation): a child can send an idea at
//! any time, not only in a campaign, through the same screening, review, routing and answer. It
//! is a campaign with a fixed id that every instance makes sure exists when it starts, open to
//! every school, band and topic; coordinators pause it for the district or for a school.

use chrono::TimeZone as _;

use crate::domain::campaigns::{
    Campaign, CampaignSettings, CampaignState, PauseScope, Publication, STANDING,
};
use crate::domain::children::AgeBand;
use crate::domain::ids::{SchoolId, StaffId};
use crate::domain::topics::TOPICS;
use crate::error::AppError;
use crate::services::access::Coordinator;
use crate::services::people::SHANGYU;
use crate::state::AppState;
use crate::store;

/// The standing channel as it is made: what a child sees as "我的想法".
fn settings() -> CampaignSettings {
    CampaignSettings {
        title: "我的想法".to_owned(),
        description: "什么时候都可以把你的想法告诉我们，我们会认真看，也会给你回复。".to_owned(),
        school_ids: None,
        bands: vec![AgeBand::A, AgeBand::B, AgeBand::C, AgeBand::D],
        topics: TOPICS.iter().map(|(key, ..)| (*key).to_owned()).collect(),
        opens_at: chrono::Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
        closes_at: chrono::Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap(),
        sign_for_days: 2,
        answer_days: 15,
        publication: Publication::ByCoordinator,
        extra_questions: Vec::new(),
    }
}

/// Makes the standing channel if it does not exist yet (every instance, at start; the first
/// one wins).
pub async fn ensure(state: &AppState) -> Result<(), AppError> {
    if store::campaigns::find(&state.db, STANDING).await?.is_some() {
        return Ok(());
    }
    let campaign = Campaign::from_settings(STANDING, settings(), CampaignState::Open)?;
    let inserted = store::campaigns::insert(
        &state.db,
        &campaign,
        SHANGYU,
        StaffId(uuid::Uuid::nil()),
        state.clock.now(),
    )
    .await;
    match inserted {
        Ok(()) => Ok(()),
        // Another instance made it at the same moment.
        Err(_) if store::campaigns::find(&state.db, STANDING).await?.is_some() => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// Whether the standing channel takes ideas from this school now.
pub async fn is_paused_for(state: &AppState, school: SchoolId) -> Result<bool, AppError> {
    let paused = store::campaigns::standing_pauses(&state.db).await?;
    Ok(paused.contains(&PauseScope::District.key())
        || paused.contains(&PauseScope::School(school).key()))
}

/// Coordinators: pauses the standing channel (for one school, or the district).
pub async fn pause(
    state: &AppState,
    coordinator: &Coordinator,
    scope: PauseScope,
) -> Result<Vec<String>, AppError> {
    if let PauseScope::School(school) = scope {
        store::people::find_school(&state.db, school)
            .await?
            .ok_or_else(|| {
                AppError::validation(
                    &["schoolId"],
                    crate::error::FieldCode::Unknown,
                    "没有这所学校。",
                )
            })?;
    }
    let now = state.clock.now();
    store::campaigns::pause_standing(&state.db, &scope.key(), coordinator.staff().member.id, now)
        .await?;
    Ok(store::campaigns::standing_pauses(&state.db).await?)
}

/// Coordinators: resumes it (for one school, or the district).
pub async fn resume(
    state: &AppState,
    _: &Coordinator,
    scope: PauseScope,
) -> Result<Vec<String>, AppError> {
    store::campaigns::resume_standing(&state.db, &scope.key()).await?;
    Ok(store::campaigns::standing_pauses(&state.db).await?)
}

/// Coordinators' campaign changes leave the standing channel alone.
pub fn refuse_if_standing(id: crate::domain::ids::CampaignId) -> Result<(), AppError> {
    if id == STANDING {
        return Err(AppError::validation(
            &["id"],
            crate::error::FieldCode::Standing,
            "这是常设的“我的想法”渠道，不能修改或关闭，只能暂停或恢复。",
        ));
    }
    Ok(())
}

/// Coordinators: where the standing channel is paused (`district`, or schools' ids).
pub async fn pauses(state: &AppState, _: &Coordinator) -> Result<Vec<String>, AppError> {
    Ok(store::campaigns::standing_pauses(&state.db).await?)
}
