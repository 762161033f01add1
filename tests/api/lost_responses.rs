//! A flaky network between a school's app and the server: responses dropped on the way back,
//! the app retrying with the same `clientSubmissionId`. Exactly one proposal results each time.

use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::world::class_with_child;
use crate::helpers::{Backend, TestApp};

/// A proxy in front of the app that passes every request on but, for every `drop_every`th
/// connection (counting from the first), swallows the response and closes the connection.
async fn lossy_proxy(target: std::net::SocketAddr, drop_every: usize) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let number = seen.fetch_add(1, Ordering::SeqCst);
            let lose = number.is_multiple_of(drop_every);
            tokio::spawn(async move {
                let Ok(mut server) = TcpStream::connect(target).await else {
                    return;
                };
                if !lose {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    return;
                }
                // Forward the request, let the server answer, and lose the answer.
                let mut buffer = vec![0u8; 64 * 1024];
                let Ok(n) = client.read(&mut buffer).await else {
                    return;
                };
                if server.write_all(&buffer[..n]).await.is_err() {
                    return;
                }
                let _ = server.read(&mut buffer).await;
                drop(client);
            });
        }
    });
    address
}

#[tokio::test]
async fn retries_through_a_network_that_loses_responses_make_exactly_one_proposal_each() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let (_, campaign, token) = class_with_child(&app).await;
    // Every other response is lost.
    let proxy = lossy_proxy(app.address, 2).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    let submit = "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }";
    let mut answered = Vec::new();
    let mut lost = 0;
    for n in 0..6 {
        let submission = uuid::Uuid::new_v4().to_string();
        let body = json!({ "query": submit, "variables": { "i": {
            "campaignId": campaign, "clientSubmissionId": submission, "topic": "safety",
            "consentToPublish": false,
            "answers": [{ "key": "noticed", "text": format!("第{n}个路口没有红绿灯") }, { "key": "idea", "text": "装一个" }],
        }}});
        let mut id = None;
        for _ in 0..4 {
            let sent = client
                .post(format!("http://{proxy}/graphql"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await;
            match sent {
                Ok(response) => {
                    let value: serde_json::Value = response.json().await.unwrap();
                    id = Some(
                        value["data"]["submitProposal"]["id"]
                            .as_str()
                            .unwrap()
                            .to_owned(),
                    );
                    break;
                }
                Err(_) => lost += 1,
            }
        }
        answered.push(id.expect("a retry gets through"));
    }
    assert!(lost >= 3, "responses were lost: {lost}");
    let mine = app
        .graphql_as(
            Some(&token),
            "{ myProposals(first: 50) { nodes { id } } }",
            json!({}),
        )
        .await;
    let stored: Vec<String> = mine.ok()["myProposals"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        stored.len(),
        6,
        "one proposal per submission, whatever the retries"
    );
    for id in &answered {
        assert!(
            stored.contains(id),
            "the retry answered with the stored proposal"
        );
    }
}
