//! Sessions and campaigns kept in each instance's memory, so that a child's request does not ask
//! the database for them again: a request with a session the instance holds costs no statement
//! for it, and what ends a session or changes a campaign is obeyed at once where it happened and
//! on every other instance as soon as the announcement arrives. While an instance cannot hear
//! announcements (Redis down), it keeps nothing.

use serde_json::json;

use crate::helpers::world::{class_with_child, submit};
use crate::helpers::{Backend, TestApp, within_two_seconds};

const VIEWER: &str = "{ viewer { kind } }";

/// The statements one request costs.
async fn cost(app: &TestApp, token: &str, query: &str) -> (u64, serde_json::Value) {
    let before = app.statements().await;
    let answer = app.graphql_as(Some(token), query, json!({})).await;
    (app.statements().await - before, answer.ok().clone())
}

async fn kind(app: &TestApp, token: &str) -> String {
    let answer = app.graphql_as(Some(token), VIEWER, json!({})).await;
    answer.ok()["viewer"]["kind"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_session_held_in_memory_costs_no_statement_and_ends_at_once_on_every_instance() {
    let (Some(_), Some(_)) = (
        crate::helpers::databases::test_database_url(),
        crate::helpers::databases::test_redis_url(),
    ) else {
        return crate::helpers::databases::skip_or_fail("TEST_DATABASE_URL and TEST_REDIS_URL");
    };
    let first = TestApp::builder(Backend::Postgres).spawn().await;
    let second = first.another_instance().spawn().await;
    let (_world, _campaign, child) = class_with_child(&first).await;
    for instance in [&first, &second] {
        let (cold, answer) = cost(instance, &child, VIEWER).await;
        assert_eq!(answer["viewer"]["kind"], "CHILD");
        let (warm, answer) = cost(instance, &child, VIEWER).await;
        assert_eq!(answer["viewer"]["kind"], "CHILD");
        assert!(cold >= 1, "the first request reads the session: {cold}");
        assert_eq!(warm, 0, "the next one finds it in memory");
    }
    first
        .graphql_as(Some(&child), "mutation { signOut }", json!({}))
        .await
        .ok();
    assert_eq!(
        kind(&first, &child).await,
        "ANONYMOUS",
        "at once where it ended"
    );
    within_two_seconds(
        "the other instance still took the ended session",
        || async { kind(&second, &child).await == "ANONYMOUS" },
    )
    .await;
}

#[tokio::test]
async fn a_campaign_closed_on_one_instance_takes_no_more_ideas_on_another() {
    let (Some(_), Some(_)) = (
        crate::helpers::databases::test_database_url(),
        crate::helpers::databases::test_redis_url(),
    ) else {
        return crate::helpers::databases::skip_or_fail("TEST_DATABASE_URL and TEST_REDIS_URL");
    };
    let first = TestApp::builder(Backend::Postgres).spawn().await;
    let second = first.another_instance().spawn().await;
    let (world, campaign, child) = class_with_child(&first).await;
    // Both instances hold the campaign (each took an idea for it).
    for instance in [&first, &second] {
        submit(
            instance,
            &child,
            &campaign,
            "places_to_play",
            &[("noticed", "秋千坏了"), ("idea", "修好")],
        )
        .await;
    }
    let closed = first
        .graphql_as(
            Some(&world.coordinator.token),
            "mutation($c: ID!) { closeCampaign(id: $c) { id } }",
            json!({ "c": campaign }),
        )
        .await;
    closed.ok();
    assert!(
        refused(&first, &campaign, &child).await,
        "at once where it was closed"
    );
    within_two_seconds("the other instance still took ideas", || {
        refused(&second, &campaign, &child)
    })
    .await;
}

/// Whether `instance` refuses an idea for `campaign` as closed.
async fn refused(instance: &TestApp, campaign: &str, child: &str) -> bool {
    let answer = instance
        .graphql_as(
            Some(child),
            "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
            json!({ "i": {
                "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
                "topic": "places_to_play", "consentToPublish": true,
                "answers": [{ "key": "noticed", "text": "路灯坏了" }, { "key": "idea", "text": "修路灯" }],
            }}),
        )
        .await;
    answer.error_code() == Some("CAMPAIGN_CLOSED")
}

#[tokio::test]
async fn an_instance_that_cannot_hear_announcements_keeps_nothing() {
    // Nothing listens on port 1: the instance cannot subscribe, as when Redis has died.
    let app = TestApp::builder(Backend::Sqlite)
        .redis_url("redis://127.0.0.1:1")
        .spawn()
        .await;
    let (_world, _campaign, child) = class_with_child(&app).await;
    let (first, _) = cost(&app, &child, VIEWER).await;
    let (again, _) = cost(&app, &child, VIEWER).await;
    assert!(first >= 1);
    assert_eq!(again, first, "read from the database every time");
    app.graphql_as(Some(&child), "mutation { signOut }", json!({}))
        .await
        .ok();
    assert_eq!(kind(&app, &child).await, "ANONYMOUS");
}

#[tokio::test]
async fn a_submission_costs_two_statements_on_postgres() {
    let Some(_) = crate::helpers::databases::test_database_url() else {
        return crate::helpers::databases::skip_or_fail("TEST_DATABASE_URL");
    };
    let app = TestApp::builder(Backend::Postgres).spawn().await;
    let (_world, campaign, child) = class_with_child(&app).await;
    // The first reads the session and the campaign into memory.
    submit(
        &app,
        &child,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修好")],
    )
    .await;
    let before = app.statements().await;
    let id = submit(
        &app,
        &child,
        &campaign,
        "safety",
        &[("noticed", "路口车多"), ("idea", "装红绿灯")],
    )
    .await;
    assert_eq!(
        app.statements().await - before,
        2,
        "the child and their consent, then the proposal, its event and its outbox row in one"
    );
    // All three were written.
    assert_eq!(
        app.run_pending().await,
        2,
        "screening found both outbox rows"
    );
    let mine = app
        .graphql_as(
            Some(&child),
            "{ myProposals(first: 1) { nodes { id status timeline { label } } } }",
            json!({}),
        )
        .await;
    let newest = &mine.ok()["myProposals"]["nodes"][0];
    assert_eq!(newest["id"], id.as_str());
    assert_eq!(newest["status"], "AWAITING_REVIEW");
}
