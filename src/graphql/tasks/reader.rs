//! Who will read a task's answer: what the answer form checks the child text against.

use async_graphql::{ComplexObject, Context};

use super::{Task, task_id};
use crate::graphql::children::AgeBand;
use crate::graphql::context::{actor, state};
use crate::graphql::errors::GqlResult;
use crate::services;

#[ComplexObject]
impl Task {
    /// The lead department's staff: the age band of the youngest child the answer will reach
    /// (this proposal's and its linked duplicates'), whose length limit and plain words the
    /// child text must meet. Null for anyone else.
    async fn reader_band(&self, ctx: &Context<'_>) -> GqlResult<Option<AgeBand>> {
        let state = state(ctx)?;
        let Ok(member) = services::access::department_member(actor(ctx)) else {
            return Ok(None);
        };
        let id = task_id(&self.id, "id")?;
        match services::answers::reader_band(state, &member, id).await {
            Ok(band) => Ok(Some(band.into())),
            Err(crate::error::AppError::NotFound | crate::error::AppError::Forbidden) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }
}
