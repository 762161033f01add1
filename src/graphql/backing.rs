//! Backing an idea (附议): a child says "我也这么想" about a published proposal.

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::public::PublishedProposal;
use crate::domain::ids::ProposalId;
use crate::services;

/// A proposal's backing, as the child who backed it sees it.
#[derive(SimpleObject)]
pub struct Backing {
    /// The proposal.
    pub proposal_id: ID,
    /// Children who back it now, pooled with its linked duplicates.
    pub backers: i32,
    /// The signed-in child backs it.
    pub backed_by_me: bool,
}

#[ComplexObject]
impl PublishedProposal {
    /// A signed-in child backs it already; false for anyone else.
    async fn backed_by_me(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        let Ok(child) = services::access::signed_in_child(actor(ctx)) else {
            return Ok(false);
        };
        let id = parse_id(&self.id, ProposalId::parse, &[])?;
        Ok(services::backing::mine(state(ctx)?, &child, &[id])
            .await?
            .contains(&id))
    }
}

#[derive(Default)]
pub struct BackingMutation;

#[Object]
impl BackingMutation {
    /// A signed-in child backs a published proposal: \u201c我也这么想\u201d. Once per child: backing it
    /// again changes nothing. Under 14, a guardian's consent is needed, as for submitting.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn back_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The published proposal.")] id: ID,
    ) -> GqlResult<Backing> {
        let child = services::access::signed_in_child(actor(ctx))?;
        let proposal = parse_id(&id, ProposalId::parse, &["id"])?;
        let backing = services::backing::back(state(ctx)?, &child, proposal).await?;
        Ok(Backing {
            proposal_id: id,
            backers: i32::try_from(backing.backers).unwrap_or(i32::MAX),
            backed_by_me: backing.mine,
        })
    }
}
