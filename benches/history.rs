//! The hot requests with five years of a district's history loaded, against the same requests on
//! the same district with no history: a submission, a child's status poll, a teacher's review
//! queue, a department's task queue, and the background jobs' poll with nothing to do.
//!
//! The district is made through GraphQL (a class whose children are measured, and a class whose
//! one proposal, approved and in a department's queue, is copied into the history); then
//! `HISTORY_PROPOSALS` (1,000,000) proposals long since approved, as many tasks as a fifth of
//! them (long closed), `HISTORY_ROWS` (2,500,000) events and as many handled outbox rows are written with SQL
//! and `ANALYZE`d. Each request is sent one at a time, `ROUNDS` times, and the median latency is
//! compared: the database's part is what grows with history. Run with
//! `cargo bench --bench history`; needs PostgreSQL on 127.0.0.1:5432 (`BENCH_DATABASE_URL`) and
//! Redis (`BENCH_REDIS_URL`).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::json;
use std::time::{Duration, Instant};
use tongsheng::config::Config;
use tongsheng::startup::Application;

const CHILDREN: usize = 40;
const ROUNDS: usize = 150;

fn count(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct District {
    campaign: String,
    children: Vec<String>,
    teacher: String,
    clerk: String,
    class_a: String,
    class_b: String,
}

async fn district(server: &support::Api, state: &tongsheng::state::AppState) -> District {
    let staff = server.staff(state, "hist").await;
    let (teacher, clerk) = (staff.teacher, staff.clerk);
    let campaign = server
        .open_campaign(&staff.coordinator, &["B"], &["places_to_play"])
        .await;
    let mut classes = Vec::new();
    let mut tokens = Vec::new();
    for (name, size) in [("1班", CHILDREN), ("2班", 1)] {
        let class = server
            .gql(Some(&teacher), "mutation($n: String!) { createClass(input: { grade: 4, name: $n, schoolYear: 2026 }) { id code } }", json!({ "n": name }))
            .await["createClass"]
            .clone();
        let names: Vec<String> = (0..size).map(|i| format!("{name}孩子{i}")).collect();
        tokens.push(server.signed_in_children(&teacher, &class, &names).await);
        classes.push(class["id"].as_str().unwrap().to_owned());
    }
    let campaign = campaign.as_str().unwrap().to_owned();
    // Class B's one proposal, approved and in the construction bureau's queue: the history's model.
    let source = submit(server, &tokens[1][0], &campaign, 0).await;
    tongsheng::jobs::run_pending(state)
        .await
        .map_err(|e| e.code())
        .unwrap();
    server
        .gql(
            Some(&teacher),
            "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: APPROVE }) { id } }",
            json!({ "p": source }),
        )
        .await;
    // Class A's children each have a proposal or two, some approved.
    for (n, token) in tokens[0].iter().enumerate() {
        let id = submit(server, token, &campaign, n).await;
        if n % 2 == 0 {
            tongsheng::jobs::run_pending(state)
                .await
                .map_err(|e| e.code())
                .unwrap();
            server
                .gql(Some(&teacher), "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: APPROVE }) { id } }", json!({ "p": id }))
                .await;
        }
    }
    tongsheng::jobs::run_pending(state)
        .await
        .map_err(|e| e.code())
        .unwrap();
    District {
        campaign,
        children: tokens.swap_remove(0),
        teacher,
        clerk,
        class_a: classes[0].clone(),
        class_b: classes[1].clone(),
    }
}

async fn submit(server: &support::Api, token: &str, campaign: &str, n: usize) -> String {
    server
        .gql(Some(token), "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }", json!({ "i": {
            "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
            "topic": "places_to_play", "consentToPublish": true,
            "answers": [{ "key": "noticed", "text": format!("第{n}次：公园的秋千坏了") }, { "key": "idea", "text": "修好秋千" }] } }))
        .await["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The median of `rounds` runs of `one`, in milliseconds.
async fn median<F, Fut>(rounds: usize, mut one: F) -> f64
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(rounds);
    for n in 0..rounds {
        let at = Instant::now();
        one(n).await;
        times.push(at.elapsed());
    }
    times.sort();
    times[rounds / 2].as_secs_f64() * 1000.0
}

/// Each scenario's median latency.
async fn measure(
    server: &support::Api,
    state: &tongsheng::state::AppState,
    district: &District,
    round: usize,
) -> Vec<(&'static str, f64)> {
    let children = &district.children;
    let submit_ms = median(ROUNDS, |n| async move {
        submit(
            server,
            &children[n % children.len()],
            &district.campaign,
            1000 * round + n,
        )
        .await;
    })
    .await;
    let poll_ms = median(ROUNDS, |n| async move {
        server
            .gql(
                Some(&children[n % children.len()]),
                "{ myProposals(first: 10) { nodes { id status statusLabel timeline { label } } } }",
                json!({}),
            )
            .await;
    })
    .await;
    let queue_ms = median(ROUNDS, |_| async move {
        server
            .gql(Some(&district.teacher), "query($c: ID!) { moderationQueue(classId: $c, first: 20) { nodes { id answers { key text } } } }", json!({ "c": district.class_a }))
            .await;
    })
    .await;
    let tasks_ms = median(ROUNDS, |_| async move {
        server
            .gql(
                Some(&district.clerk),
                "{ departmentTasks(first: 20) { nodes { id state due answers { key text } } } }",
                json!({}),
            )
            .await;
    })
    .await;
    let jobs_ms = median(ROUNDS, |_| async move {
        tongsheng::jobs::run_pending(state)
            .await
            .map_err(|e| e.code())
            .unwrap();
    })
    .await;
    vec![
        ("submitProposal", submit_ms),
        ("myProposals (10 a page)", poll_ms),
        ("moderationQueue (20 a page)", queue_ms),
        ("departmentTasks (20 a page)", tasks_ms),
        ("the jobs' poll, nothing pending", jobs_ms),
    ]
}

fn psql(database: &str, sql: &str) {
    let status = std::process::Command::new("psql")
        .arg(database)
        .args(["-qc", sql])
        .status()
        .expect("psql");
    assert!(status.success(), "{sql}");
}

fn load_history(database: &str, class_b: &str, proposals: u64, rows: u64) {
    let out = std::process::Command::new("psql")
        .arg(database)
        .args([
            "-qAtc",
            &format!("SELECT id FROM proposals WHERE class_id = '{class_b}'"),
        ])
        .output()
        .expect("psql");
    let source = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(source.len(), 36, "class B's one proposal: {source}");
    let tasks = proposals / 5;
    for sql in [
        format!(
            "INSERT INTO proposals (id, campaign_id, child_id, class_id, school_id, band, topic, answers, \
            place, consent_to_publish, client_submission_id, content_hash, assisted_by, school_state, \
            government_state, reopened, created_at, updated_at, screening, public_answers, public_place, area_code) \
            SELECT gen_random_uuid(), campaign_id, child_id, class_id, school_id, band, topic, answers, place, \
            consent_to_publish, gen_random_uuid(), content_hash, assisted_by, 'approved', government_state, \
            reopened, now() - (g % 1825) * interval '1 day', updated_at, screening, public_answers, public_place, area_code \
            FROM proposals p CROSS JOIN generate_series(1, {proposals}) g WHERE p.id = '{source}'"
        ),
        format!(
            "INSERT INTO tasks SELECT (jsonb_populate_record(NULL::tasks, to_jsonb(t) || jsonb_build_object( \
            'id', gen_random_uuid(), 'proposal_id', h.id, 'state', 'closed', 'due', (now() - interval '30 days')::date))).* \
            FROM tasks t CROSS JOIN (SELECT id FROM proposals WHERE class_id = '{class_b}' AND id <> '{source}' LIMIT {tasks}) h \
            WHERE t.proposal_id = '{source}'"
        ),
        format!(
            "INSERT INTO proposal_events (id, proposal_id, at, actor_kind, actor_id, layer, from_state, to_state, reason) \
            SELECT gen_random_uuid(), proposal_id, at, actor_kind, actor_id, layer, from_state, to_state, reason \
            FROM proposal_events e CROSS JOIN generate_series(1, {rows}) g \
            WHERE e.proposal_id = '{source}' AND e.to_state = 'approved'"
        ),
        format!(
            "INSERT INTO outbox (created_at, topic, payload, processed_at) \
            SELECT now() - (g % 6) * interval '1 day', CASE g % 3 WHEN 0 THEN 'proposal.submitted' WHEN 1 THEN 'task.opened' ELSE 'department.feed' END, \
                   '{{}}', now() - (g % 6) * interval '1 day' FROM generate_series(1, {rows}) g"
        ),
        "ANALYZE".to_owned(),
    ] {
        let at = Instant::now();
        psql(database, &sql);
        println!(
            "  {:.0} s: {}",
            at.elapsed().as_secs_f64(),
            sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        );
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let admin = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let redis = std::env::var("BENCH_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let proposals = count("HISTORY_PROPOSALS", 1_000_000);
        let rows = count("HISTORY_ROWS", 2_500_000);
        let database = support::fresh_postgres(&admin, "hist");
        let mut config = Config::from_lookup(|_| None).unwrap();
        config.database_url = Some(database.clone());
        config.redis_url = Some(redis);
        config.redis_key_prefix = format!("hist:{}:", uuid::Uuid::now_v7());
        config.secret_key = Some("a benchmark secret of enough length".into());
        config.demo = false;
        config.jobs_interval = None;
        config.bind = "127.0.0.1:0".parse().unwrap();
        config.data_dir = std::env::temp_dir().join(format!("tongsheng-hist-{}", uuid::Uuid::now_v7()));
        let app = Application::build(config).await.unwrap();
        let server = support::Api {
            url: format!("http://{}", app.local_addr().unwrap()),
            client: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap(),
        };
        let state = app.state().clone();
        tokio::spawn(app.run());
        let district = district(&server, &state).await;
        let empty = measure(&server, &state, &district, 1).await;
        let started = Instant::now();
        load_history(&database, &district.class_b, proposals, rows);
        println!(
            "history: {proposals} proposals, {} tasks, {rows} events and {rows} handled outbox rows, loaded in {:.0} s",
            proposals / 5,
            started.elapsed().as_secs_f64()
        );
        let loaded = measure(&server, &state, &district, 2).await;
        println!("\nmedian latency, one request at a time ({ROUNDS} each)");
        println!("{:<34} {:>9} {:>9} {:>7}  (goal ≤ 1.2)", "", "empty", "history", "ratio");
        for ((name, before), (_, after)) in empty.iter().zip(&loaded) {
            println!("{name:<34} {before:>7.2}ms {after:>7.2}ms {:>7.2}", after / before);
        }
    });
}
