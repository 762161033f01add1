//! Operations over a WebSocket act as whoever the connection's session belongs to *now*: the
//! session is resolved again for every operation, so a connection cannot outlive a sign-out, an
//! expiry, a PIN reset or a voided badge. (The HTTP transport resolves the actor per request and
//! puts it in the request's data; over a WebSocket the connection keeps only its token.)

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Request, ServerResult};
use std::sync::Arc;

use crate::domain::people::Actor;
use crate::error::AppError;
use crate::services;
use crate::state::AppState;

/// The bearer token a WebSocket connection signed in with (its `connection_init`).
pub struct ConnectionToken(pub String);

pub struct ConnectionSession;

impl ExtensionFactory for ConnectionSession {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ConnectionSession)
    }
}

#[async_trait::async_trait]
impl Extension for ConnectionSession {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let (Some(ConnectionToken(token)), Some(state)) = (
            ctx.data_opt::<ConnectionToken>(),
            ctx.data_opt::<AppState>(),
        ) else {
            return next.run(ctx, request).await;
        };
        let refuse = |error: AppError| {
            async_graphql::Error::from(error).into_server_error(Default::default())
        };
        let actor = services::sessions::authenticate(state, Some(token))
            .await
            .map_err(refuse)?;
        if actor == Actor::Anonymous {
            return Err(refuse(AppError::Unauthenticated));
        }
        next.run(ctx, request.data(actor)).await
    }
}
