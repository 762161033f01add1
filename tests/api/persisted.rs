//! Persisted queries: a client sends an operation's SHA-256 instead of its text, once the
//! instance has seen the text with it; an unknown hash asks for the text, a wrong one is refused.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::helpers::world::{class_with_child, submit};
use crate::helpers::{Backend, TestApp};

const MINE: &str = "query Mine { myProposals(first: 5) { nodes { id statusLabel } } }";

fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

async fn send(
    app: &TestApp,
    token: &str,
    query: Option<&str>,
    sha: &str,
) -> crate::helpers::Answer {
    let mut body =
        json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha } } });
    if let Some(query) = query {
        body["query"] = json!(query);
    }
    app.post_graphql_as(Some(token), serde_json::to_vec(&body).unwrap())
        .await
}

#[tokio::test]
async fn a_known_hash_stands_for_its_operation_and_an_unknown_one_asks_for_the_text() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let (_world, campaign, child) = class_with_child(&app).await;
    let id = submit(
        &app,
        &child,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修好")],
    )
    .await;
    let sha = hash(MINE);

    let unknown = send(&app, &child, None, &sha).await;
    assert_eq!(unknown.error_code(), Some("PERSISTED_QUERY_NOT_FOUND"));

    let with_text = send(&app, &child, Some(MINE), &sha).await;
    assert_eq!(with_text.ok()["myProposals"]["nodes"][0]["id"], id.as_str());
    let by_hash = send(&app, &child, None, &sha).await;
    assert_eq!(
        by_hash.ok(),
        with_text.ok(),
        "the same answer for the hash alone"
    );

    let wrong = send(&app, &child, Some("{ viewer { kind } }"), &sha).await;
    assert_eq!(wrong.error_code(), Some("BAD_REQUEST"));
    // A hash is no way around the rules: the same operation for nobody is refused as ever.
    let anonymous = app
        .post_graphql(
            serde_json::to_vec(
                &json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha } } }),
            )
            .unwrap(),
        )
        .await;
    assert_eq!(anonymous.error_code(), Some("UNAUTHENTICATED"));
}
