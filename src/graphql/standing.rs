//! The standing channel: coordinators pause and resume it.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use crate::domain::campaigns::{PauseScope, STANDING};
use crate::domain::ids::SchoolId;
use crate::services;

/// The standing channel (\u{201c}我的想法\u{201d}) and where it is paused.
#[derive(SimpleObject)]
pub struct StandingChannel {
    /// Its campaign: what a child's `submitProposal` answers when it names no campaign.
    pub campaign_id: ID,
    /// Paused for the whole district.
    pub paused_district_wide: bool,
    /// The schools it is paused for.
    pub paused_school_ids: Vec<ID>,
}

fn channel(paused: Vec<String>) -> StandingChannel {
    let district = PauseScope::District.key();
    StandingChannel {
        campaign_id: ID(STANDING.to_string()),
        paused_district_wide: paused.contains(&district),
        paused_school_ids: paused
            .into_iter()
            .filter(|scope| *scope != district)
            .map(ID)
            .collect(),
    }
}

fn scope(school_id: Option<ID>) -> Result<PauseScope, crate::error::AppError> {
    Ok(match school_id {
        Some(id) => PauseScope::School(parse_id(&id, SchoolId::parse, &["schoolId"])?),
        None => PauseScope::District,
    })
}

#[derive(Default)]
pub struct StandingQuery;

#[Object]
impl StandingQuery {
    /// Coordinators: the standing channel and where it is paused.
    async fn standing_channel(&self, ctx: &Context<'_>) -> GqlResult<StandingChannel> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let paused = services::standing::pauses(state(ctx)?, &coordinator).await?;
        Ok(channel(paused))
    }
}

#[derive(Default)]
pub struct StandingMutation;

#[Object]
impl StandingMutation {
    /// Coordinators: pauses the standing channel for a school, or for the district without
    /// one. Children there see it no more, and a submission to it is CAMPAIGN_CLOSED.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn pause_standing_channel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The school; none for the whole district.")] school_id: Option<ID>,
    ) -> GqlResult<StandingChannel> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let paused =
            services::standing::pause(state(ctx)?, &coordinator, scope(school_id)?).await?;
        Ok(channel(paused))
    }

    /// Coordinators: resumes it for a school, or for the district without one.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn resume_standing_channel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The school; none for the whole district.")] school_id: Option<ID>,
    ) -> GqlResult<StandingChannel> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let paused =
            services::standing::resume(state(ctx)?, &coordinator, scope(school_id)?).await?;
        Ok(channel(paused))
    }
}
