//! PostgreSQL stopped for 30 seconds under steady load, on a private server: requests fail fast
//! with UNAVAILABLE (none waits past 3 s), every acknowledged write is there afterwards, and
//! service resumes within 10 s of the database coming back.

use serde_json::json;
use std::time::{Duration, Instant};

use crate::helpers::databases::skip_or_fail;
use crate::helpers::postgres_server::PrivatePostgres;
use crate::helpers::world::{class_with_child, submit};
use crate::helpers::{TestApp, count_on};

const OUTAGE: Duration = Duration::from_secs(30);

#[tokio::test]
async fn a_database_outage_fails_fast_loses_no_acknowledged_write_and_recovers() {
    let Some(postgres) = PrivatePostgres::start() else {
        return skip_or_fail("a PostgreSQL installation (initdb, pg_ctl)");
    };
    let app = TestApp::builder(crate::helpers::Backend::Postgres)
        .database_url(&postgres.url())
        .spawn()
        .await;
    let (world, campaign, _) = class_with_child(&app).await;
    let child = world.class_a.children[0].id.clone();
    let query = "mutation($c: ID!, $i: SubmitProposalInput!) { submitProposalForChild(childId: $c, input: $i) { id } }";
    let submit = |n: usize| {
        let variables = json!({ "c": child, "i": {
            "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
            "topic": "safety", "consentToPublish": false,
            "answers": [{ "key": "noticed", "text": format!("第{n}次：路口很危险") }, { "key": "idea", "text": "装红绿灯" }],
        }});
        let app = &app;
        let token = world.teacher_a.token.clone();
        async move {
            let started = Instant::now();
            let answer = app.graphql_as(Some(&token), query, variables).await;
            (answer, started.elapsed())
        }
    };

    let mut acknowledged = Vec::new();
    let mut n = 0;
    // Steady load before the outage.
    for _ in 0..10 {
        let (answer, _) = submit(n).await;
        n += 1;
        acknowledged.push(
            answer.ok()["submitProposalForChild"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    postgres.stop();
    let down = Instant::now();
    let mut refused = 0;
    while down.elapsed() < OUTAGE {
        let (answer, took) = submit(n).await;
        n += 1;
        assert!(took < Duration::from_secs(3), "a request hung for {took:?}");
        match answer.error_code() {
            Some("UNAVAILABLE") => refused += 1,
            Some(other) => panic!("expected UNAVAILABLE, got {other}: {}", answer.body),
            None => panic!(
                "a write was acknowledged with the database down: {}",
                answer.body
            ),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        refused > 10,
        "requests kept coming during the outage: {refused}"
    );
    postgres.restart();
    let back = Instant::now();
    loop {
        let (answer, _) = submit(n).await;
        n += 1;
        if answer.error_code().is_none() {
            acknowledged.push(
                answer.ok()["submitProposalForChild"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(10),
            "no recovery within 10 s: {}",
            answer.body
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for _ in 0..5 {
        let (answer, _) = submit(n).await;
        n += 1;
        acknowledged.push(
            answer.ok()["submitProposalForChild"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for id in &acknowledged {
        let kept = app
            .count(&format!(
                "SELECT COUNT(*) AS n FROM proposals WHERE id = '{id}'"
            ))
            .await;
        assert_eq!(kept, 1, "acknowledged {id} is kept");
    }
}

/// The background jobs have a database pool of their own: with every request connection taken
/// (as in a burst of submissions), new proposals are still screened and reach their teacher.
#[tokio::test]
async fn screening_goes_on_while_requests_hold_every_connection_of_their_pool() {
    use sea_orm::TransactionTrait;
    if crate::helpers::databases::test_database_url().is_none() {
        return skip_or_fail("TEST_DATABASE_URL");
    }
    let url = crate::helpers::databases::fresh_postgres_database().await;
    let app = TestApp::builder(crate::helpers::Backend::Postgres)
        .database_url(&url)
        .jobs_every(Duration::from_millis(50))
        .spawn()
        .await;
    let (_, campaign, token) = class_with_child(&app).await;
    let answers = [("noticed", "公园的滑梯坏了"), ("idea", "请修一修滑梯")];
    let proposal = submit(&app, &token, &campaign, "places_to_play", &answers).await;
    // The requests' pool (5 connections in tests), all of it, in open transactions.
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(app.state.db.begin().await.unwrap());
    }
    let reader = sea_orm::Database::connect(&url).await.unwrap();
    let screened = format!(
        "SELECT COUNT(*) AS n FROM proposals WHERE id = '{proposal}' AND school_state = 'awaiting_review'"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut reached = false;
    while !reached && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        reached = count_on(&reader, &screened).await == 1;
    }
    drop(held);
    assert!(
        reached,
        "the proposal was screened while requests held their pool"
    );
}
