//! What a resolver reads from its context: the app's state, the acting user, the request id and
//! the client's address. The HTTP layer puts them there once per request.

use async_graphql::Context;
use std::net::IpAddr;

use crate::domain::people::Actor;
use crate::error::AppError;
use crate::state::AppState;

pub use crate::telemetry::RequestId;

/// The client's address as the HTTP layer determined it (see `http::client`).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub IpAddr);

pub fn state<'a>(ctx: &Context<'a>) -> Result<&'a AppState, AppError> {
    ctx.data::<AppState>().map_err(|_| missing("AppState"))
}

/// The acting user; anonymous when the transport did not resolve one.
pub fn actor<'a>(ctx: &Context<'a>) -> &'a Actor {
    ctx.data_opt::<Actor>().unwrap_or(&Actor::Anonymous)
}

pub fn request_id<'a>(ctx: &Context<'a>) -> Result<&'a RequestId, AppError> {
    ctx.data::<RequestId>().map_err(|_| missing("RequestId"))
}

pub fn client_address(ctx: &Context<'_>) -> Result<IpAddr, AppError> {
    ctx.data::<ClientAddress>()
        .map(|client| client.0)
        .map_err(|_| missing("ClientAddress"))
}

fn missing(what: &str) -> AppError {
    AppError::internal(anyhow::anyhow!("{what} missing from the request data"))
}
