//! Instructions per request through the whole router, counted by callgrind: a measure that holds
//! still on shared cores where wall-clock rates swing by half between runs, so that a change's
//! effect shows.
//!
//! `cargo bench --bench instructions` sets up a district on PostgreSQL + Redis (natively), then
//! runs itself under `valgrind --tool=callgrind`, counting only inside the function that sends
//! requests (on a single-threaded runtime, so everything the server does for them runs on that
//! thread; PostgreSQL and Redis are other processes and are not counted). Reports instructions
//! per request for a child's submission, a status poll (`myProposals`) and a page of the public
//! feed. Needs valgrind, PostgreSQL on 127.0.0.1:5432 (`BENCH_DATABASE_URL`) and Redis
//! (`BENCH_REDIS_URL`).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use serde_json::{Value, json};
use std::time::Duration;
use tongsheng::config::Config;
use tongsheng::startup::Application;
use tower::ServiceExt as _;

/// Requests counted per scenario (after one that warms the caches).
const REQUESTS: usize = 20;

fn config(database: &str, redis: &str, prefix: &str) -> Config {
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.database_url = Some(database.to_owned());
    config.redis_url = Some(redis.to_owned());
    config.redis_key_prefix = prefix.to_owned();
    config.secret_key = Some("a benchmark secret of enough length".into());
    config.demo = false;
    config.jobs_interval = None;
    config.bind = "127.0.0.1:0".parse().unwrap();
    config.data_dir = std::env::temp_dir().join(format!("tongsheng-insn-{}", uuid::Uuid::now_v7()));
    config.database_max_connections = 4;
    // Under callgrind everything runs tens of times slower.
    config.request_timeout = Duration::from_secs(600);
    config
}

/// A school, a class of children with consent, signed in, and an open campaign: (campaign,
/// child tokens).
async fn district(
    server: &support::Api,
    state: &tongsheng::state::AppState,
) -> (String, Vec<String>) {
    let staff = server.staff(state, "insn").await;
    let class = server
        .gql(Some(&staff.teacher), "mutation { createClass(input: { grade: 4, name: \"1班\", schoolYear: 2026 }) { id code } }", json!({}))
        .await["createClass"]
        .clone();
    let campaign = server
        .open_campaign(&staff.coordinator, &["B"], &["places_to_play"])
        .await;
    let names: Vec<String> = (0..4).map(|i| format!("孩子{i}")).collect();
    let tokens = server
        .signed_in_children(&staff.teacher, &class, &names)
        .await;
    (campaign.as_str().unwrap().to_owned(), tokens)
}

const SUBMIT: &str =
    "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id status } }";
const POLL: &str = "{ myProposals(first: 10) { nodes { id status statusLabel } } }";
const FEED: &str = "{ publishedProposals(first: 20) { nodes { id topic proposer { label } texts { key text } department { code nameZh } answer { outcome childText } progress { text } publishedAt } } }";

fn request(
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> axum::http::Request<axum::body::Body> {
    let mut builder =
        axum::http::Request::post("/graphql").header("content-type", "application/json");
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    let mut request = builder
        .body(axum::body::Body::from(
            serde_json::to_vec(&json!({ "query": query, "variables": variables })).unwrap(),
        ))
        .unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            4000,
        ))));
    request
}

fn submission(campaign: &str, n: usize) -> Value {
    json!({ "i": {
        "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
        "topic": "places_to_play", "consentToPublish": true,
        "answers": [{ "key": "noticed", "text": format!("第{n}次：公园的秋千坏了") }, { "key": "idea", "text": "修好秋千" }] } })
}

/// Sends the requests, reading each answer to the end. Callgrind counts only inside this.
#[inline(never)]
fn measured(
    runtime: &tokio::runtime::Runtime,
    router: &axum::Router,
    requests: Vec<axum::http::Request<axum::body::Body>>,
) -> usize {
    runtime.block_on(async {
        let mut ok = 0;
        for request in requests {
            let response = router.clone().oneshot(request).await.unwrap();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            ok += usize::from(!body.windows(9).any(|w| w == b"\"errors\":"));
        }
        ok
    })
}

/// Under callgrind: the server in this process, the requests counted.
fn counted(scenario: &str) {
    let database = std::env::var("INSN_DATABASE").unwrap();
    let redis = std::env::var("INSN_REDIS").unwrap();
    let prefix = std::env::var("INSN_PREFIX").unwrap();
    let campaign = std::env::var("INSN_CAMPAIGN").unwrap();
    let tokens: Vec<String> = std::env::var("INSN_TOKENS")
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _entered = runtime.enter();
    let app = runtime
        .block_on(Application::build(config(&database, &redis, &prefix)))
        .unwrap();
    // The server's own router, built as `Application` builds it.
    let state = app.state().clone();
    let schema = tongsheng::graphql::build_schema(state.clone(), None);
    let router = tongsheng::http::router(state, schema);
    runtime.block_on(tokio::time::sleep(Duration::from_millis(200)));
    let make = |n: usize| match scenario {
        "submission" => request(
            Some(&tokens[n % tokens.len()]),
            SUBMIT,
            submission(&campaign, n),
        ),
        "poll" => request(Some(&tokens[n % tokens.len()]), POLL, json!({})),
        _ => request(None, FEED, json!({})),
    };
    // One of each child's first, natively counted out: what every later request finds ready.
    let warm: Vec<_> = (0..tokens.len()).map(|n| make(1000 + n)).collect();
    runtime.block_on(async {
        for request in warm {
            router.clone().oneshot(request).await.unwrap();
        }
    });
    let requests: Vec<_> = (0..REQUESTS).map(make).collect();
    let ok = measured(&runtime, &router, requests);
    assert_eq!(ok, REQUESTS, "every counted request succeeded");
}

/// The instructions callgrind counted in `file`.
fn instructions(file: &std::path::Path) -> u64 {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .find_map(|line| {
            line.strip_prefix("totals: ")
                .or_else(|| line.strip_prefix("summary: "))
        })
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no totals in {}", file.display()))
}

fn main() {
    if let Ok(scenario) = std::env::var("INSN_SCENARIO") {
        return counted(&scenario);
    }
    if std::process::Command::new("valgrind")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("valgrind is not installed: apt-get install valgrind");
        std::process::exit(1);
    }
    let admin = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let redis =
        std::env::var("BENCH_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let database = support::fresh_postgres(&admin, "insn");
    let prefix = format!("insn:{}:", uuid::Uuid::now_v7());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (campaign, tokens) = runtime.block_on(async {
        let mut config = config(&database, &redis, &prefix);
        config.bind = "127.0.0.1:0".parse().unwrap();
        let app = Application::build(config).await.unwrap();
        let url = format!("http://{}", app.local_addr().unwrap());
        let state = app.state().clone();
        let shutdown = app.shutdown_token();
        tokio::spawn(app.run());
        let server = support::Api {
            url,
            client: reqwest::Client::new(),
        };
        let district = district(&server, &state).await;
        shutdown.cancel();
        district
    });
    let me = std::env::current_exe().unwrap();
    println!("instructions per request through the router (callgrind, {REQUESTS} requests each)");
    for scenario in ["submission", "poll", "feed"] {
        let out = std::env::temp_dir().join(format!("tongsheng-callgrind-{scenario}.out"));
        let status = std::process::Command::new("valgrind")
            .args([
                "--tool=callgrind",
                "--toggle-collect=*instructions*measured*",
            ])
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&me)
            .env("INSN_SCENARIO", scenario)
            .env("INSN_DATABASE", &database)
            .env("INSN_REDIS", &redis)
            .env("INSN_PREFIX", &prefix)
            .env("INSN_CAMPAIGN", &campaign)
            .env("INSN_TOKENS", tokens.join(","))
            .stderr(std::fs::File::create(out.with_extension("log")).unwrap())
            .status()
            .unwrap();
        if !status.success() {
            let log = std::fs::read_to_string(out.with_extension("log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            panic!(
                "{scenario} under callgrind failed:\n{}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        let total = instructions(&out);
        println!(
            "{scenario:<12} {:>12} instructions/request   ({})",
            total / REQUESTS as u64,
            out.display()
        );
    }
}
