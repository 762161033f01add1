//! `/graphql/ws`: subscriptions over graphql-transport-ws (and the older graphql-ws).
//!
//! A client signs in with `{"authorization": "Bearer …"}` in its `connection_init` payload;
//! without one it is anonymous, and a token that is not live is refused.

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::{ConnectInfo, Extension, State, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use std::net::SocketAddr;

use super::HttpState;
use super::client::client_address;
use crate::domain::people::Actor;
use crate::error::AppError;
use crate::graphql::ClientAddress;
use crate::services;
use crate::state::AppState;
use crate::telemetry::RequestId;

pub async fn websocket(
    State(state): State<HttpState>,
    Extension(request_id): Extension<RequestId>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let schema = state.schema.clone();
    let client = ClientAddress(client_address(
        peer,
        &headers,
        &state.app.config.trusted_proxies,
    ));
    let app = state.app.clone();
    // Small buffers: ten thousand idle subscriptions must not cost a gigabyte (the defaults are
    // 128 KiB each way), and no client message of ours is larger than a GraphQL request.
    upgrade
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(super::MAX_GRAPHQL_BODY)
        .max_frame_size(super::MAX_GRAPHQL_BODY)
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            let mut data = Data::default();
            data.insert(request_id);
            data.insert(client);
            GraphQLWebSocket::new(stream, schema, protocol)
                .with_data(data)
                .on_connection_init(move |payload| authenticate_connection(app, payload))
                .serve()
        })
}

async fn authenticate_connection(
    app: AppState,
    payload: serde_json::Value,
) -> async_graphql::Result<Data> {
    let token = payload
        .get("authorization")
        .and_then(|value| value.as_str())
        .and_then(|value| value.split_once(' '))
        .map(|(_, token)| token.trim().to_owned());
    let actor = services::sessions::authenticate(&app, token.as_deref()).await?;
    if token.is_some() && actor == Actor::Anonymous {
        return Err(AppError::Unauthenticated.into());
    }
    let mut data = Data::default();
    data.insert(actor);
    Ok(data)
}
