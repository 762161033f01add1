//! Submissions and the public feed through the real server, each beside a baseline measured in
//! the same run on the same machine:
//!
//! - submissions (children signed in, each submitting through GraphQL) on PostgreSQL + Redis,
//!   beside `pgbench` single-row inserts with 8 clients on the same server; and on the embedded
//!   default (SQLite), against the goal of 1,000 a second;
//! - the public feed (`publishedProposals`, 20 a page) on PostgreSQL, beside a plain axum + sqlx
//!   endpoint running the same statements and answering JSON.
//!
//! Reports throughput, p50 and p99 latency, SQL statements per request, and the process's
//! memory. Run with `bench/run.sh` (or `cargo bench --bench service`); needs PostgreSQL on
//! 127.0.0.1:5432 (`BENCH_DATABASE_URL`), Redis on 6379 (`BENCH_REDIS_URL`) and `pgbench`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use tongsheng::config::Config;
use tongsheng::startup::Application;

const CHILDREN: usize = 200;
const PER_CHILD: usize = 10;
const CONCURRENCY: usize = 32;

type Server = support::Api;

async fn start(database_url: Option<String>, redis_url: Option<String>) -> (Server, Application) {
    let dir = std::env::temp_dir().join(format!("tongsheng-bench-{}", uuid::Uuid::now_v7()));
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.database_url = database_url;
    config.redis_url = redis_url;
    config.redis_key_prefix = format!("bench:{}:", uuid::Uuid::now_v7());
    config.secret_key = Some("a benchmark secret of enough length".into());
    config.demo = false;
    config.jobs_interval = None;
    config.bind = "127.0.0.1:0".parse().unwrap();
    config.data_dir = dir;
    config.database_max_connections = 16;
    let app = Application::build(config).await.expect("the app builds");
    let url = format!("http://{}", app.local_addr().unwrap());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    (Server { url, client }, app)
}

/// A district with one school, one class of CHILDREN children (consent recorded, signed in), an
/// open campaign, a teacher, a construction clerk and a coordinator: (campaign, child tokens,
/// teacher, clerk, coordinator).
async fn district(
    server: &Server,
    state: &tongsheng::state::AppState,
) -> (String, Vec<String>, String, String, String) {
    let staff = server.staff(state, "bench").await;
    let class = server
        .gql(Some(&staff.teacher), "mutation { createClass(input: { grade: 4, name: \"1班\", schoolYear: 2026 }) { id code } }", json!({}))
        .await["createClass"]
        .clone();
    let campaign = server
        .open_campaign(&staff.coordinator, &["B"], &["places_to_play"])
        .await;
    let names: Vec<String> = (0..CHILDREN).map(|i| format!("孩子{i}")).collect();
    let tokens = server
        .signed_in_children(&staff.teacher, &class, &names)
        .await;
    (
        campaign.as_str().unwrap().to_owned(),
        tokens,
        staff.teacher,
        staff.clerk,
        staff.coordinator,
    )
}

struct Measured {
    requests: usize,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
    statements_per_request: f64,
}

impl Measured {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// Runs `jobs` with CONCURRENCY workers; each job is one request.
async fn measure<F, Fut>(jobs: Vec<F>) -> (usize, f64, Vec<Duration>)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let queue = Arc::new(Mutex::new(jobs));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (queue, latencies) = (queue.clone(), latencies.clone());
            tokio::spawn(async move {
                loop {
                    let Some(job) = queue.lock().await.pop() else {
                        return;
                    };
                    let at = Instant::now();
                    job().await;
                    latencies.lock().await.push(at.elapsed());
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut latencies = Arc::try_unwrap(latencies).unwrap().into_inner();
    latencies.sort();
    (latencies.len(), seconds, latencies)
}

async fn submissions(server: &Arc<Server>, campaign: &str, tokens: &[String]) -> Measured {
    let before = server.statements().await;
    let mut jobs = Vec::new();
    for round in 0..PER_CHILD {
        for token in tokens {
            let (server, token, campaign) = (server.clone(), token.clone(), campaign.to_owned());
            jobs.push(move || async move {
                server
                    .gql(Some(&token), "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }", json!({ "i": {
                        "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
                        "topic": "places_to_play", "consentToPublish": true,
                        "answers": [{ "key": "noticed", "text": format!("第{round}次：公园的秋千坏了") }, { "key": "idea", "text": "修好秋千" }] } }))
                    .await;
            });
        }
    }
    let (requests, seconds, latencies) = measure(jobs).await;
    let statements = server.statements().await - before;
    Measured {
        requests,
        seconds,
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
        statements_per_request: statements as f64 / requests as f64,
    }
}

/// pgbench, 8 clients for 10 s, running `script` with `variables` (`-D name=value`): its rate.
fn pgbench(database_url: &str, name: &str, script: &str, variables: &[(&str, String)]) -> f64 {
    let path = std::env::temp_dir().join(format!("tongsheng-pgbench-{name}.sql"));
    std::fs::write(&path, script).unwrap();
    let mut command = std::process::Command::new("pgbench");
    command
        .args(["-n", "-c", "8", "-j", "2", "-T", "10", "-f"])
        .arg(&path);
    for (name, value) in variables {
        command.arg("-D").arg(format!("{name}={value}"));
    }
    let out = command
        .arg(database_url)
        .output()
        .expect("pgbench (postgresql-client)");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2)?.parse().ok())
        .unwrap_or_else(|| panic!("pgbench said: {text}"))
}

fn psql(database_url: &str, sql: &str) -> String {
    let out = std::process::Command::new("psql")
        .arg(database_url)
        .args(["-qAtc", sql])
        .output()
        .expect("psql");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Single-row inserts into a table of their own.
fn pgbench_inserts(database_url: &str) -> f64 {
    psql(
        database_url,
        "CREATE TABLE IF NOT EXISTS bench_inserts (id bigserial PRIMARY KEY, payload text, at timestamptz DEFAULT now())",
    );
    pgbench(
        database_url,
        "inserts",
        "INSERT INTO bench_inserts (payload) VALUES ('公园的秋千坏了');\n",
        &[],
    )
}

/// What a submission writes, as plain SQL: in one transaction the proposal (for a child of the
/// district, with the same answers), its first event and its outbox row.
fn pgbench_submission_writes(database_url: &str) -> f64 {
    let ids = psql(
        database_url,
        "SELECT campaign_id, child_id, class_id, school_id FROM proposals LIMIT 1",
    );
    let ids: Vec<&str> = ids.split('|').collect();
    let variables: Vec<(&str, String)> = ["campaign", "child", "class", "school"]
        .into_iter()
        .zip(ids.iter().map(|id| format!("'{id}'")))
        .collect();
    let script = r#"BEGIN;
INSERT INTO proposals (id, campaign_id, child_id, class_id, school_id, band, topic, answers, consent_to_publish, client_submission_id, content_hash, school_state, reopened, created_at, updated_at, reference) VALUES (gen_random_uuid(), :campaign, :child, :class, :school, 'B', 'places_to_play', '[{"key":"noticed","text":"公园的秋千坏了","media":[]},{"key":"idea","text":"修好秋千","media":[]}]', true, gen_random_uuid(), md5(random()::text), 'submitted', false, now(), now(), substr(md5(random()::text), 1, 12)) RETURNING id AS proposal \gset
INSERT INTO proposal_events (id, proposal_id, at, actor_kind, actor_id, layer, from_state, to_state) VALUES (gen_random_uuid(), ':proposal', now(), 'child', :child, 'school', NULL, 'submitted');
INSERT INTO outbox (created_at, topic, payload) VALUES (now(), 'proposal.submitted', json_build_object('proposalId', ':proposal'));
COMMIT;
"#;
    pgbench(database_url, "submission", script, &variables)
}

/// Approves, answers and publishes `n` proposals so the feed has something to show.
async fn publish(server: &Server, teacher: &str, clerk: &str, coordinator: &str, n: usize) {
    let class = server
        .gql(Some(teacher), "{ myClasses { id } }", json!({}))
        .await["myClasses"][0]["id"]
        .clone();
    let app_jobs = server
        .gql(
            Some(teacher),
            "query($c: ID!) { moderationQueue(classId: $c, first: 50) { nodes { id } } }",
            json!({ "c": class }),
        )
        .await;
    let waiting: Vec<Value> = app_jobs["moderationQueue"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .take(n)
        .cloned()
        .collect();
    for proposal in &waiting {
        server.gql(Some(teacher), "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: APPROVE }) { id } }", json!({ "p": proposal["id"] })).await;
    }
    let tasks = server
        .gql(
            Some(clerk),
            "{ departmentTasks(first: 50) { nodes { id proposalId } } }",
            json!({}),
        )
        .await;
    for task in tasks["departmentTasks"]["nodes"].as_array().unwrap() {
        server
            .gql(
                Some(clerk),
                "mutation($t: ID!) { signForTask(taskId: $t) { id } }",
                json!({ "t": task["id"] }),
            )
            .await;
        server.gql(Some(clerk), "mutation($t: ID!) { answerTask(taskId: $t, input: { outcome: ADOPTED, officialText: \"采纳。\", childText: \"会修好！\" }) { task { id } } }", json!({ "t": task["id"] })).await;
        server
            .gql(
                Some(coordinator),
                "mutation($p: ID!) { publishProposal(id: $p) { id } }",
                json!({ "p": task["proposalId"] }),
            )
            .await;
    }
}

const FEED: &str = "{ publishedProposals(first: 20) { nodes { id topic proposer { label } texts { key text } department { code nameZh } answer { outcome childText officialText } progress { text } publishedAt } } }";

async fn feed(server: &Arc<Server>, requests: usize) -> Measured {
    let before = server.statements().await;
    let jobs: Vec<_> = (0..requests)
        .map(|_| {
            let server = server.clone();
            move || async move {
                server.gql(None, FEED, json!({})).await;
            }
        })
        .collect();
    let (requests, seconds, latencies) = measure(jobs).await;
    let statements = server.statements().await - before;
    Measured {
        requests,
        seconds,
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
        statements_per_request: statements as f64 / requests as f64,
    }
}

/// The wall (`GET /`, the page a browser gets), `requests` times.
async fn wall(server: &Arc<Server>, requests: usize) -> Measured {
    let before = server.statements().await;
    let jobs: Vec<_> = (0..requests)
        .map(|_| {
            let server = server.clone();
            move || async move {
                let page = server
                    .client
                    .get(format!("{}/", server.url))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                assert!(page.contains("</html>"));
            }
        })
        .collect();
    let (requests, seconds, latencies) = measure(jobs).await;
    let statements = server.statements().await - before;
    Measured {
        requests,
        seconds,
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
        statements_per_request: statements as f64 / requests as f64,
    }
}

/// The plain endpoint: the feed's statements through sqlx, answered as JSON.
async fn plain_feed(pool: sea_orm::sqlx::PgPool) -> axum::Json<Value> {
    use sea_orm::sqlx::Row;
    let rows = sea_orm::sqlx::query("SELECT proposal_id, campaign_id, topic, department_id, grade, school_name, answers, place, media, published_at FROM publications WHERE withdrawn_at IS NULL ORDER BY published_at DESC, proposal_id DESC LIMIT 21")
        .fetch_all(&pool)
        .await
        .unwrap();
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.get("proposal_id")).collect();
    let answers = sea_orm::sqlx::query("SELECT proposal_id, outcome, child_text, official_text FROM answers WHERE proposal_id = ANY($1) ORDER BY id")
        .bind(&ids)
        .fetch_all(&pool)
        .await
        .unwrap();
    let tasks =
        sea_orm::sqlx::query("SELECT id, proposal_id FROM tasks WHERE proposal_id = ANY($1)")
            .bind(&ids)
            .fetch_all(&pool)
            .await
            .unwrap();
    let task_ids: Vec<uuid::Uuid> = tasks.iter().map(|r| r.get("id")).collect();
    let progress = sea_orm::sqlx::query(
        "SELECT task_id, child_text FROM progress_updates WHERE task_id = ANY($1) ORDER BY id",
    )
    .bind(&task_ids)
    .fetch_all(&pool)
    .await
    .unwrap();
    let departments = sea_orm::sqlx::query("SELECT id, code, name_zh FROM departments")
        .fetch_all(&pool)
        .await
        .unwrap();
    let nodes: Vec<Value> = rows
        .iter()
        .take(20)
        .map(|r| {
            let id: uuid::Uuid = r.get("proposal_id");
            let answer = answers.iter().rev().find(|a| a.get::<uuid::Uuid, _>("proposal_id") == id);
            let department: Option<uuid::Uuid> = r.get("department_id");
            let department = departments.iter().find(|d| Some(d.get::<uuid::Uuid, _>("id")) == department);
            json!({
                "id": id.to_string(),
                "topic": r.get::<String, _>("topic"),
                "grade": r.get::<i32, _>("grade"),
                "texts": r.get::<Value, _>("answers"),
                "department": department.map(|d| json!({ "code": d.get::<String, _>("code"), "nameZh": d.get::<String, _>("name_zh") })),
                "answer": answer.map(|a| json!({ "outcome": a.get::<String, _>("outcome"), "childText": a.get::<String, _>("child_text"), "officialText": a.get::<String, _>("official_text") })),
                "progress": progress.len(),
            })
        })
        .collect();
    axum::Json(json!({ "data": { "publishedProposals": { "nodes": nodes } } }))
}

async fn plain(database_url: &str, requests: usize) -> Measured {
    let pool = sea_orm::sqlx::postgres::PgPoolOptions::new()
        .max_connections(16)
        .connect(database_url)
        .await
        .unwrap();
    let router = axum::Router::new().route(
        "/feed",
        axum::routing::get(move || plain_feed(pool.clone())),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    let jobs: Vec<_> = (0..requests)
        .map(|_| {
            let client = client.clone();
            move || async move {
                let body: Value = client
                    .get(format!("http://{address}/feed"))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(body["data"]["publishedProposals"]["nodes"].is_array());
            }
        })
        .collect();
    let (requests, seconds, latencies) = measure(jobs).await;
    Measured {
        requests,
        seconds,
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
        statements_per_request: 5.0,
    }
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn row(name: &str, m: &Measured) {
    println!(
        "{name:<40} {:>9.0}/s  p50 {:>6.1} ms  p99 {:>6.1} ms  {:>5.1} SQL/request  ({} requests)",
        m.per_second(),
        m.p50_ms,
        m.p99_ms,
        m.statements_per_request,
        m.requests
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let admin = std::env::var("BENCH_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let redis = std::env::var("BENCH_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        println!("{CHILDREN} children x {PER_CHILD} submissions, {CONCURRENCY} clients at a time; 2 cores");

        // PostgreSQL + Redis.
        let database = support::fresh_postgres(&admin, "bench");
        let (server, app) = start(Some(database.clone()), Some(redis)).await;
        let handle = app.shutdown_token();
        let state = app.state().clone();
        tokio::spawn(app.run());
        let (campaign, tokens, teacher, clerk, coordinator) = district(&server, &state).await;
        let server = Arc::new(server);
        let pg = submissions(&server, &campaign, &tokens).await;
        let baseline = pgbench_inserts(&database);
        let writes = pgbench_submission_writes(&database);
        tongsheng::jobs::run_pending(&state).await.map_err(|e| e.code()).unwrap();
        publish(&server, &teacher, &clerk, &coordinator, 40).await;
        let ours = feed(&server, 2000).await;
        let theirs = plain(&database, 2000).await;
        let page = wall(&server, 2000).await;
        println!("\nPostgreSQL + Redis");
        row("submitProposal", &pg);
        println!("{:<40} {:>9.0}/s", "pgbench single-row inserts, 8 clients", baseline);
        println!("  ratio: {:.2} (goal 0.25)", pg.per_second() / baseline);
        println!("{:<40} {:>9.0}/s", "pgbench, the submission's writes", writes);
        println!("  ratio: {:.2} (goal 0.5)", pg.per_second() / writes);
        row("publishedProposals (20 a page)", &ours);
        row("plain axum + sqlx, the same SQL", &theirs);
        println!("  ratio: {:.2} (goal 1.0)", ours.per_second() / theirs.per_second());
        row("the wall (GET /, 50 items, HTML)", &page);
        println!("  ratio to the plain endpoint: {:.2} (goal 1.0)", page.per_second() / theirs.per_second());
        handle.cancel();

        // The embedded default.
        let (server, app) = start(None, None).await;
        let handle = app.shutdown_token();
        let state = app.state().clone();
        tokio::spawn(app.run());
        let (campaign, tokens, ..) = district(&server, &state).await;
        let server = Arc::new(server);
        let sqlite = submissions(&server, &campaign, &tokens).await;
        println!("\nEmbedded (SQLite, in-process stand-ins)");
        row("submitProposal", &sqlite);
        println!("  goal: 2,000/s");
        handle.cancel();
        println!("\nprocess memory (RSS, both servers and the load in one process): {:.0} MB", rss_mb());
    });
}
