//! `/graphql/ws` speaks graphql-transport-ws: the handshake, an operation, its result, completion.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{Backend, TestApp};

async fn next_json<S>(stream: &mut S) -> Value
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(5), stream.next())
            .await
            .expect("a message within 5 s")
            .expect("the stream is open")
            .expect("a valid frame");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// A WebSocket to `/graphql/ws` speaking graphql-transport-ws, and the upgrade's response.
async fn connect(
    app: &TestApp,
) -> (
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    tokio_tungstenite::tungstenite::handshake::client::Response,
) {
    let mut request = format!("ws://{}/graphql/ws", app.address)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    tokio_tungstenite::connect_async(request)
        .await
        .expect("the upgrade succeeds")
}

/// Sends `connection_init` and expects the server's `connection_ack`.
async fn initialise<S>(socket: &mut S)
where
    S: SinkExt<Message>
        + StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
        + Unpin,
    <S as futures_util::Sink<Message>>::Error: std::fmt::Debug,
{
    socket
        .send(Message::text(
            json!({ "type": "connection_init" }).to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(next_json(socket).await["type"], "connection_ack");
}

#[tokio::test]
async fn an_operation_over_graphql_transport_ws_is_answered_and_completed() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let (mut socket, response) = connect(&app).await;
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );

    initialise(&mut socket).await;

    let subscribe = json!({
        "id": "1",
        "type": "subscribe",
        "payload": { "query": "{ department(code: \"transport\") { nameZh } }" },
    });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    let next = next_json(&mut socket).await;
    assert_eq!(next["type"], "next", "{next}");
    assert_eq!(next["payload"]["data"]["department"]["nameZh"], "交通局");
    assert_eq!(
        next_json(&mut socket).await,
        json!({ "id": "1", "type": "complete" })
    );

    socket
        .send(Message::text(json!({ "type": "ping" }).to_string()))
        .await
        .unwrap();
    assert_eq!(next_json(&mut socket).await["type"], "pong");
}

#[tokio::test]
async fn a_message_larger_than_a_graphql_request_closes_the_connection() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let (mut socket, _) = connect(&app).await;
    initialise(&mut socket).await;
    // 100 KiB of query text: over the 64 KiB that /graphql takes in a body.
    let huge = json!({ "id": "1", "type": "subscribe",
        "payload": { "query": format!("{{ __typename }} #{}", "x".repeat(100 * 1024)) } });
    let _ = socket.send(Message::text(huge.to_string())).await;
    let ended = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return true,
                Some(Ok(Message::Text(text))) if text.contains("\"next\"") => return false,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await
    .expect("the server answers within 5 s");
    assert!(ended, "the oversized operation was refused, not run");
}
