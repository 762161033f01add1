//! Shutting down: stop accepting, finish what is in flight, then stop.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Backend, TestApp};

#[tokio::test]
async fn a_request_in_flight_when_shutdown_begins_is_finished_and_new_connections_are_refused() {
    let mut app = TestApp::builder(Backend::Sqlite).spawn().await;
    let body = br#"{"query":"{ department(code: \"health\") { nameZh } }"}"#;

    // A client that has sent its headers and half its body when the signal comes.
    let mut stream = TcpStream::connect(app.address).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let token = app.shutdown_token();
    token.cancel();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        TcpStream::connect(app.address).await.is_err(),
        "no new connections once shutting down"
    );

    stream.write_all(&body[10..]).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut response))
        .await
        .unwrap()
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("卫健局"), "{response}");

    tokio::time::timeout(Duration::from_secs(10), app.shut_down())
        .await
        .expect("stops within the grace period")
        .unwrap();
}
