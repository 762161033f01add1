//! A graphql-transport-ws client for subscription tests.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::TestApp;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub struct Live {
    socket: Socket,
}

impl Live {
    /// Connects to `/graphql/ws`, signs in with `token` (if any) and starts `query`.
    pub async fn start(app: &TestApp, token: Option<&str>, query: &str) -> Live {
        let mut request = format!("ws://{}/graphql/ws", app.address)
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the upgrade succeeds");
        let mut live = Live { socket };
        let payload = match token {
            Some(token) => json!({ "authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        live.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        assert_eq!(
            live.next(Duration::from_secs(5)).await.expect("an ack")["type"],
            "connection_ack"
        );
        live.send(json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }))
            .await;
        live
    }

    pub async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .unwrap();
    }

    /// Sends a query or mutation over the socket as operation `id`; its `next` (or `error`)
    /// message's payload.
    pub async fn operation(&mut self, id: &str, query: &str) -> Value {
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query } }))
            .await;
        loop {
            let message = self
                .next(Duration::from_secs(5))
                .await
                .expect("an answer to the operation");
            if message["id"] == id && matches!(message["type"].as_str(), Some("next" | "error")) {
                return message["payload"].clone();
            }
        }
    }

    /// The close code the server ends the connection with, if it ends it within `wait`
    /// (messages before the close are skipped).
    pub async fn closed_with(&mut self, wait: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()??;
            match message {
                Ok(Message::Close(frame)) => return frame.map(|f| f.code.into()),
                Ok(_) => continue,
                Err(_) => return Some(1006),
            }
        }
    }

    /// The next JSON message, or `None` if none comes within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<Value> {
        loop {
            let message = tokio::time::timeout(wait, self.socket.next())
                .await
                .ok()??
                .ok()?;
            if let Message::Text(text) = message {
                return serde_json::from_str(&text).ok();
            }
        }
    }
}
