//! Finding a proposal by the short reference someone quotes.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::context::{actor, state};
use super::errors::GqlResult;
use crate::domain::tracking::ChildStatus;
use crate::graphql::states::ProposalStatus;
use crate::services;

/// A proposal found by its reference: enough to say where it is and to open it.
#[derive(SimpleObject)]
pub struct ReferencedProposal {
    /// The proposal.
    pub id: ID,
    /// Its reference, as printed.
    pub reference: String,
    /// The topic's key.
    pub topic: String,
    /// Where it stands, as its child reads it.
    pub status: ProposalStatus,
    /// Its task, once a department has it.
    pub task_id: Option<ID>,
}

#[derive(Default)]
pub struct ReferencesQuery;

#[Object]
impl ReferencesQuery {
    /// Its class's teachers, the departments of its task, coordinators (and its own child): the
    /// proposal with this reference. Case, spaces and dashes do not matter.
    async fn find_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Such as SY-26-4F7KQ.")] reference: String,
    ) -> GqlResult<ReferencedProposal> {
        let (proposal, task) =
            services::references::find(state(ctx)?, actor(ctx), &reference).await?;
        Ok(ReferencedProposal {
            id: ID(proposal.id.to_string()),
            reference: proposal.reference.clone().unwrap_or_default(),
            topic: proposal.topic.key().to_owned(),
            status: ChildStatus::of(proposal.school_state, proposal.government_state).into(),
            task_id: task.map(|task| ID(task.id.to_string())),
        })
    }
}
