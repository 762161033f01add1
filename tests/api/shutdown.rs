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
    // The listener closes as the signal is handled: wait for that, not for a fixed time.
    let refused = tokio::time::timeout(Duration::from_secs(5), async {
        while TcpStream::connect(app.address).await.is_ok() {
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(refused.is_ok(), "no new connections once shutting down");

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

#[tokio::test]
async fn two_hundred_submissions_in_flight_at_shutdown_all_succeed_and_their_work_resumes_once() {
    use crate::helpers::world::class_with_child;
    use serde_json::json;

    let mut app = TestApp::builder(Backend::Sqlite)
        .jobs_every(Duration::from_millis(20))
        .spawn()
        .await;
    let (world, campaign, _) = class_with_child(&app).await;
    let child = world.class_a.children[0].id.clone();
    let query = "mutation($c: ID!, $i: SubmitProposalInput!) { submitProposalForChild(childId: $c, input: $i) { id } }";

    // Two hundred clients have sent their headers and half their bodies when the signal comes.
    let mut streams = Vec::new();
    for n in 0..200 {
        let body = json!({ "query": query, "variables": { "c": child, "i": {
            "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
            "topic": "safety", "consentToPublish": false,
            "answers": [{ "key": "noticed", "text": format!("第{n}个路口很危险") }, { "key": "idea", "text": "装红绿灯" }],
        }}})
        .to_string();
        let mut stream = TcpStream::connect(app.address).await.unwrap();
        let head = format!(
            "POST /graphql HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\nauthorization: Bearer {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            world.teacher_a.token,
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&body.as_bytes()[..20]).await.unwrap();
        streams.push((stream, body));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    app.shutdown_token().cancel();

    let finished =
        futures_util::future::join_all(streams.into_iter().map(|(mut stream, body)| async move {
            stream.write_all(&body.as_bytes()[20..]).await.unwrap();
            let mut response = String::new();
            tokio::time::timeout(
                Duration::from_secs(10),
                stream.read_to_string(&mut response),
            )
            .await
            .unwrap()
            .unwrap();
            response
        }))
        .await;
    for response in &finished {
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.contains("submitProposalForChild"), "{response}");
    }
    tokio::time::timeout(Duration::from_secs(15), app.shut_down())
        .await
        .expect("stops within the grace period")
        .unwrap();

    // Another instance on the same database finishes the background work, each piece once.
    let next = app.another_instance().spawn().await;
    next.run_pending().await;
    assert_eq!(next.count("SELECT COUNT(*) AS n FROM proposals").await, 200);
    assert_eq!(
        next.count("SELECT COUNT(*) AS n FROM moderation_log WHERE decision = 'screen'")
            .await,
        200,
        "each proposal screened exactly once across the two instances"
    );
    assert_eq!(
        next.count("SELECT COUNT(*) AS n FROM proposals WHERE school_state = 'awaiting_review'")
            .await,
        200
    );
}
