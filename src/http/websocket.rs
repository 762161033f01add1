//! `/graphql/ws`: subscriptions (and queries and mutations) over graphql-transport-ws (and the
//! older graphql-ws).
//!
//! A client signs in with `{"authorization": "Bearer …"}` in its `connection_init` payload;
//! without one it is anonymous, and a token that is not live is refused. The connection keeps the
//! token, not the person: every operation resolves its session again
//! ([`crate::graphql::connection`]), and a watch closes the socket (code 4401) as soon as the
//! session ends, whether it was ended on this instance or another (the backplane announces it),
//! or ran out (checked every minute).

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::extract::{ConnectInfo, Extension, State, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::stream::BoxStream;
use futures_util::{SinkExt as _, StreamExt as _};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

use super::HttpState;
use super::client::client_address;
use crate::domain::ids::SessionId;
use crate::domain::people::Actor;
use crate::error::AppError;
use crate::graphql::ClientAddress;
use crate::graphql::connection::ConnectionToken;
use crate::services;
use crate::state::AppState;
use crate::telemetry::RequestId;

/// The close code for a connection whose session ended (graphql-transport-ws's "Unauthorized").
const SESSION_ENDED: u16 = 4401;
/// How often an open connection's session is looked at, for the endings nobody announces (it
/// expired, or went idle) and for an announcement lost while Redis was down.
const CHECK_EVERY: Duration = Duration::from_secs(60);

pub async fn websocket(
    State(state): State<HttpState>,
    Extension(request_id): Extension<RequestId>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let client = ClientAddress(client_address(
        peer,
        &headers,
        &state.app.config.trusted_proxies,
    ));
    // Small buffers: ten thousand idle subscriptions must not cost a gigabyte (the defaults are
    // 128 KiB each way), and no client message of ours is larger than a GraphQL request.
    upgrade
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(super::MAX_GRAPHQL_BODY)
        .max_frame_size(super::MAX_GRAPHQL_BODY)
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(state, socket, protocol, request_id, client))
}

/// Runs the GraphQL protocol on the socket until either side ends it, or its session ends.
async fn serve(
    state: HttpState,
    socket: WebSocket,
    protocol: GraphQLProtocol,
    request_id: RequestId,
    client: ClientAddress,
) {
    let (mut socket_sink, socket_stream) = socket.split();
    // The protocol writes into a channel, so that this task can also write the closing frame.
    let (outgoing, mut to_send) = mpsc::channel::<Message>(16);
    let protocol_sink = futures_util::sink::unfold(outgoing, |outgoing, message| async move {
        outgoing.send(message).await.map_err(|_| ())?;
        Ok::<_, ()>(outgoing)
    });
    let (signed_in, session) = watch::channel(None::<(SessionId, String)>);
    let mut data = Data::default();
    data.insert(request_id);
    data.insert(client);
    let app = state.app.clone();
    let announcements = Announcements::default();
    let heard = announcements.clone();
    let protocol_run =
        GraphQLWebSocket::new_with_pair(protocol_sink, socket_stream, state.schema, protocol)
            .with_data(data)
            .on_connection_init(move |payload| {
                authenticate_connection(app, payload, signed_in, heard)
            })
            .serve();
    let ended = session_ended(state.app.clone(), session, announcements);
    tokio::pin!(protocol_run, ended);
    loop {
        tokio::select! {
            message = to_send.recv() => match message {
                Some(message) => {
                    if socket_sink.send(message).await.is_err() {
                        return;
                    }
                }
                None => break,
            },
            () = &mut protocol_run => {
                while let Ok(message) = to_send.try_recv() {
                    if socket_sink.send(message).await.is_err() {
                        return;
                    }
                }
                break;
            }
            () = &mut ended => {
                let frame = CloseFrame {
                    code: SESSION_ENDED,
                    reason: "session ended".into(),
                };
                let _ = socket_sink.send(Message::Close(Some(frame))).await;
                break;
            }
        }
    }
    let _ = socket_sink.close().await;
}

/// The announcements of ended sessions, subscribed to before the connection is acknowledged: a
/// session ended right after `connection_ack` still closes the socket at once.
type Announcements = Arc<Mutex<Option<BoxStream<'static, String>>>>;

async fn authenticate_connection(
    app: AppState,
    payload: serde_json::Value,
    signed_in: watch::Sender<Option<(SessionId, String)>>,
    announcements: Announcements,
) -> async_graphql::Result<Data> {
    let token = payload
        .get("authorization")
        .and_then(|value| value.as_str())
        .and_then(|value| value.split_once(' '))
        .map(|(_, token)| token.trim().to_owned());
    let actor = services::sessions::authenticate(&app, token.as_deref()).await?;
    let mut data = Data::default();
    if let (Some(token), Some(session)) = (token, actor.session_id()) {
        match app
            .backplane
            .subscribe(services::sessions::ENDED_CHANNEL)
            .await
        {
            Ok(stream) => {
                *announcements.lock().unwrap_or_else(PoisonError::into_inner) = Some(stream)
            }
            Err(error) => {
                tracing::warn!(error = %error, "no live session endings; checking every minute");
            }
        }
        signed_in.send_replace(Some((session, token.clone())));
        data.insert(ConnectionToken(token));
    } else if actor == Actor::Anonymous && payload.get("authorization").is_some() {
        return Err(AppError::Unauthenticated.into());
    }
    Ok(data)
}

/// Resolves when the connection's session has ended; never for an anonymous connection.
async fn session_ended(
    app: AppState,
    mut session: watch::Receiver<Option<(SessionId, String)>>,
    announcements: Announcements,
) {
    let (id, token) = loop {
        if let Some(signed_in) = session.borrow_and_update().clone() {
            break signed_in;
        }
        if session.changed().await.is_err() {
            return std::future::pending().await;
        }
    };
    let id = id.to_string();
    let mut announced = announcements
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
        .unwrap_or_else(|| futures_util::stream::pending().boxed());
    let mut check = tokio::time::interval(CHECK_EVERY);
    check.tick().await;
    loop {
        tokio::select! {
            Some(ended) = announced.next() => {
                if ended.split(',').any(|ended| ended == id) {
                    return;
                }
            }
            _ = check.tick() => {
                if matches!(services::sessions::is_live(&app, &token).await, Ok(false)) {
                    return;
                }
            }
        }
    }
}
