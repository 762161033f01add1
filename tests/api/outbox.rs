//! The outbox stays the size of the work in hand: no row is written that no job reads, and rows
//! the jobs handled are removed a week later, a bounded batch at every poll.

use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::helpers::world::{approve, child_token, class_with_child, submit};
use crate::helpers::{Backend, TestApp};

async fn run(app: TestApp) {
    let (world, campaign, child) = class_with_child(&app).await;
    let id = submit(
        &app,
        &child,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修好秋千")],
    )
    .await;
    app.run_pending().await;
    approve(&app, &world, &id).await;
    app.run_pending().await;
    let withdrawn = submit(
        &app,
        &child,
        &campaign,
        "safety",
        &[("noticed", "路口车多"), ("idea", "装红绿灯")],
    )
    .await;
    app.graphql_as(
        Some(&child),
        "mutation($p: ID!) { withdrawProposal(id: $p) { id } }",
        json!({ "p": withdrawn }),
    )
    .await
    .ok();
    app.run_pending().await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE processed_at IS NULL")
            .await,
        0,
        "every row written was read"
    );
    let written = app.count("SELECT COUNT(*) AS n FROM outbox").await;
    assert!(written >= 2, "the submissions' rows at least: {written}");

    // A week and a day on, the jobs' next poll removes the handled rows; a row still waiting
    // stays, however old.
    let old = tongsheng::clock::Clock::now(&app.clock) - chrono::Duration::days(30);
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "INSERT INTO outbox (created_at, topic, payload) VALUES ($1, 'unknown.topic', '{}')"
        }
        _ => "INSERT INTO outbox (created_at, topic, payload) VALUES (?, 'unknown.topic', '{}')",
    };
    app.db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [old.into()],
        ))
        .await
        .unwrap();
    let last = app.count("SELECT MAX(id) AS n FROM outbox").await;
    app.clock.advance(chrono::Duration::days(8));
    // (The week's deadline sweep writes rows of its own now: those are a day old at most.)
    app.run_pending().await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM outbox WHERE id <= {last} AND processed_at IS NOT NULL"
        ))
        .await,
        0,
        "handled rows pruned"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM outbox WHERE id <= {last} AND processed_at IS NULL"
        ))
        .await,
        1,
        "the waiting row stays"
    );
    // The child's history is the record, not the outbox: it is all still there.
    let pupil = &world.class_a.children[0];
    let child = child_token(&app, &world.class_a.code, &pupil.pin).await;
    let mine = app
        .graphql_as(
            Some(&child),
            "{ myProposals { nodes { id timeline { label } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine.ok()["myProposals"]["nodes"].as_array().unwrap().len(),
        2
    );
}

#[tokio::test]
async fn the_outbox_holds_only_work_a_job_will_do_and_is_pruned_after_a_week() {
    run(TestApp::builder(Backend::Sqlite).spawn().await).await;
}

#[tokio::test]
async fn the_outbox_holds_only_work_a_job_will_do_and_is_pruned_after_a_week_on_postgres() {
    let Some(_) = crate::helpers::databases::test_database_url() else {
        return crate::helpers::databases::skip_or_fail("TEST_DATABASE_URL");
    };
    run(TestApp::builder(Backend::Postgres).spawn().await).await;
}
