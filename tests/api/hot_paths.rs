//! With a district's history loaded, the reads that run hottest stay index lookups: every job's
//! poll for pending outbox rows (each instance, every two seconds) and a teacher's moderation
//! queue. The plans are read with `EXPLAIN` on PostgreSQL, after `ANALYZE`, so the planner
//! chooses as it would in production.

use sea_orm::{ConnectionTrait, Statement};

use crate::helpers::TestApp;
use crate::helpers::world::{class_with_child, submit};

async fn plan(app: &TestApp, sql: &str) -> String {
    let db = &app.state.db;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!("EXPLAIN {sql}"),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_job_poll_and_the_review_queue_are_index_lookups_with_history_loaded() {
    let Some(app) = TestApp::on_postgres().await else {
        return;
    };
    let (world, campaign, token) = class_with_child(&app).await;
    let id = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修秋千")],
    )
    .await;
    app.run_pending().await;

    // History: 100,000 processed outbox rows and 10,000 of a topic no job reads, left pending;
    // 20,000 of the class's proposals long since approved.
    let db = &app.state.db;
    for sql in [
        "INSERT INTO outbox (created_at, topic, payload, processed_at) \
         SELECT now(), CASE WHEN g % 11 = 0 THEN 'nobody.reads' ELSE 'proposal.submitted' END, '{}', \
                CASE WHEN g % 11 = 0 THEN NULL ELSE now() END \
         FROM generate_series(1, 110000) g",
        "INSERT INTO proposals SELECT (jsonb_populate_record(NULL::proposals, to_jsonb(p) || jsonb_build_object( \
             'id', gen_random_uuid(), 'client_submission_id', gen_random_uuid()::text, 'reference', NULL, \
             'school_state', 'approved'))).* \
         FROM proposals p CROSS JOIN generate_series(1, 20000) g",
        "ANALYZE outbox",
        "ANALYZE proposals",
    ] {
        db.execute_unprepared(sql).await.unwrap();
    }

    let poll = plan(
        &app,
        "SELECT id, payload FROM outbox WHERE processed_at IS NULL AND topic IN ('proposal.submitted') \
         ORDER BY id ASC LIMIT 50",
    )
    .await;
    assert!(
        poll.contains("outbox_pending") && !poll.contains("Seq Scan"),
        "{poll}"
    );

    let queue = plan(
        &app,
        &format!(
            "SELECT * FROM proposals WHERE class_id = '{}' AND school_state = 'awaiting_review' \
             ORDER BY id ASC LIMIT 21",
            world.class_a.id
        ),
    )
    .await;
    assert!(
        queue.contains("proposals_review_queue") && !queue.contains("Seq Scan"),
        "{queue}"
    );

    // The public list, newest first across campaigns, reads its partial index backwards.
    db.execute_unprepared(
        "INSERT INTO publications (proposal_id, campaign_id, topic, grade, school_name, answers, media, published_at) \
         SELECT p.id, p.campaign_id, p.topic, 4, '百官小学', '[]', '[]', now() - (random() * interval '1000 days') \
         FROM proposals p",
    )
    .await
    .unwrap();
    db.execute_unprepared("ANALYZE publications").await.unwrap();
    let feed = plan(
        &app,
        "SELECT * FROM publications WHERE withdrawn_at IS NULL \
         ORDER BY published_at DESC, proposal_id DESC LIMIT 21",
    )
    .await;
    assert!(
        feed.contains("publications_public") && !feed.contains("Sort"),
        "{feed}"
    );

    // Pruning handled rows reads the key from the oldest row, never the whole table.
    let prune = plan(
        &app,
        "SELECT id FROM outbox WHERE created_at >= now() - interval '7 days' ORDER BY id LIMIT 1",
    )
    .await;
    assert!(prune.contains("outbox_pkey"), "{prune}");

    // The deadline sweep and the closing of unrated answers read only the tasks in the states
    // they serve, with 20,000 tasks long closed beside one open.
    crate::helpers::world::approve(&app, &world, &id).await;
    db.execute_unprepared(
        "INSERT INTO tasks SELECT (jsonb_populate_record(NULL::tasks, to_jsonb(t) || jsonb_build_object( \
             'id', gen_random_uuid(), 'proposal_id', p.id, 'state', 'closed'))).* \
         FROM tasks t CROSS JOIN (SELECT id FROM proposals WHERE school_state = 'approved' \
             AND id NOT IN (SELECT proposal_id FROM tasks) LIMIT 20000) p",
    )
    .await
    .unwrap();
    db.execute_unprepared("ANALYZE tasks").await.unwrap();
    let sweep = plan(
        &app,
        "SELECT * FROM tasks WHERE due <= current_date \
         AND state IN ('routed', 'signed_for', 'extension_requested', 'reopened') \
         AND department_id IS NOT NULL ORDER BY due LIMIT 200",
    )
    .await;
    assert!(sweep.contains("tasks_open_due"), "{sweep}");
    let unrated = plan(
        &app,
        "SELECT id FROM tasks WHERE state IN ('answered', 'published')",
    )
    .await;
    assert!(unrated.contains("tasks_awaiting_rating"), "{unrated}");
    // A new idea for the teacher's queue (the first one was approved above).
    submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "滑梯坏了"), ("idea", "修滑梯")],
    )
    .await;
    app.run_pending().await;

    // And the pages still read what they should.
    let nodes = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "query($c: ID!) { moderationQueue(classId: $c) { nodes { id } } }",
            serde_json::json!({ "c": world.class_a.id }),
        )
        .await;
    assert_eq!(
        nodes.ok()["moderationQueue"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
