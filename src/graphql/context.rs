//! What a resolver reads from its context: the app's state and the request id.

use async_graphql::Context;

use crate::error::AppError;
use crate::state::AppState;

pub use crate::telemetry::RequestId;

pub fn state<'a>(ctx: &Context<'a>) -> Result<&'a AppState, AppError> {
    ctx.data::<AppState>()
        .map_err(|_| AppError::internal(anyhow::anyhow!("AppState missing from the schema data")))
}
