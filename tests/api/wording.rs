//! What a child reads as their idea goes round the loop, found by trying it as a new user would:
//! no line twice in the timeline, nothing that says the child did what they did not, no "all
//! done!" after they said twice the answer was not good enough.

use serde_json::{Value, json};

use crate::helpers::world::{approve_answer_publish, class_with_child, submit};

const NOTICES: &str = "{ myNotifications { nodes { text } } }";
use crate::helpers::{Backend, TestApp};

const MINE: &str = "{ myProposals { nodes { id status statusLabel timeline { status label } } } }";

async fn mine(app: &TestApp, token: &str) -> Value {
    app.graphql_as(Some(token), MINE, json!({})).await.ok()["myProposals"]["nodes"][0].clone()
}

#[tokio::test]
async fn the_timeline_of_a_whole_loop_never_says_a_line_twice() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let (world, campaign, token) = class_with_child(&app).await;
    let proposal = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修秋千")],
    )
    .await;
    app.run_pending().await;
    approve_answer_publish(&app, &world, &proposal).await;
    let view = mine(&app, &token).await;
    let labels: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    let mut seen = std::collections::HashSet::new();
    for label in &labels {
        assert!(seen.insert(*label), "{label} twice in {labels:?}");
    }
}

#[tokio::test]
async fn a_child_whose_guardian_withdrew_consent_is_not_told_they_took_it_back() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let (world, campaign, token) = class_with_child(&app).await;
    submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修秋千")],
    )
    .await;
    app.run_pending().await;
    let child = &world.class_a.children[0].id;
    app.graphql_as(
        Some(&world.teacher_a.token),
        "mutation($k: ID!) { withdrawGuardianConsent(childId: $k) { id } }",
        json!({ "k": child }),
    )
    .await
    .ok();
    let view = mine(&app, &token).await;
    assert_eq!(view["status"], "WITHDRAWN");
    let label = view["statusLabel"].as_str().unwrap();
    assert!(label.contains("大人同意"), "{label}");
    let timeline = view["timeline"].to_string();
    let notices = app
        .graphql_as(Some(&token), NOTICES, json!({}))
        .await
        .body
        .to_string();
    for read in [label, &timeline, &notices] {
        assert!(!read.contains("你已经把这个想法收回了"), "{read}");
    }
}

#[tokio::test]
async fn a_child_unhappy_twice_is_not_told_all_is_done() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let (world, campaign, token) = class_with_child(&app).await;
    let proposal = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修秋千")],
    )
    .await;
    app.run_pending().await;
    approve_answer_publish(&app, &world, &proposal).await;
    let rate = "mutation($p: ID!) { rateAnswer(proposalId: $p, rating: NOT_SATISFIED, comment: \"还是没修\") { id } }";
    app.graphql_as(Some(&token), rate, json!({ "p": proposal }))
        .await
        .ok();
    // The department answers again; the child is still not satisfied.
    let tasks = app
        .graphql_as(
            Some(&world.clerk.token),
            "{ departmentTasks(first: 50) { nodes { id proposalId } } }",
            json!({}),
        )
        .await;
    let task = tasks.ok()["departmentTasks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["proposalId"] == proposal.as_str())
        .unwrap()["id"]
        .clone();
    let t = json!({ "t": task });
    app.graphql_as(
        Some(&world.clerk.token),
        "mutation($t: ID!) { signForTask(taskId: $t) { state } }",
        t.clone(),
    )
    .await
    .ok();
    app.graphql_as(Some(&world.clerk.token), "mutation($t: ID!) { answerTask(taskId: $t, input: { outcome: UNDER_STUDY, officialText: \"再研究。\", childText: \"我们再想想办法。\" }) { task { state } } }", t)
        .await
        .ok();
    app.graphql_as(Some(&token), rate, json!({ "p": proposal }))
        .await
        .ok();
    let view = mine(&app, &token).await;
    assert_eq!(view["status"], "CLOSED");
    let label = view["statusLabel"].as_str().unwrap();
    assert!(!label.contains("完成啦"), "{label}");
    assert!(label.contains("不满意"), "{label}");
    let notices = app
        .graphql_as(Some(&token), NOTICES, json!({}))
        .await
        .body
        .to_string();
    assert!(!notices.contains("这件事完成啦"), "{notices}");
}

#[tokio::test]
async fn no_word_a_six_year_old_cannot_read_when_a_campaign_is_closed() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let (world, campaign, token) = class_with_child(&app).await;
    app.graphql_as(
        Some(&world.coordinator.token),
        "mutation($c: ID!) { closeCampaign(id: $c) { id } }",
        json!({ "c": campaign }),
    )
    .await
    .ok();
    let refused = app
        .graphql_as(
            Some(&token),
            "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
            json!({ "i": { "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
                "topic": "places_to_play", "consentToPublish": true, "answers": [{ "key": "noticed", "text": "秋千" }, { "key": "idea", "text": "修" }] } }),
        )
        .await;
    assert_eq!(refused.error_code(), Some("CAMPAIGN_CLOSED"));
    let message = refused.body["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("征集"), "{message}");
}
