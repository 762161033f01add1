//! The district burst, with the server in a process of its own (the `tongsheng` binary, on
//! PostgreSQL + Redis) and this process as the load generator:
//!
//! 1. memory of the idle server, just started and again after the district is set up;
//! 2. the burst: submissions at BURST_RATE a second (1,300) for BURST_SECONDS (60), children
//!    polling their proposals' status at twice that rate, and teachers moderating their classes'
//!    queues all the while. The load is open-loop: each request has a due time, and its latency
//!    counts from then, so a slow server cannot slow the load down and hide its own delay;
//! 3. BURST_SUBSCRIPTIONS (10,000) idle `proposalUpdated` subscriptions over WebSockets: the
//!    time to open them, the server's memory with them open, and the status polls' rate beside
//!    the same polls without them.
//!
//! Reports throughput, p50 and p99 latency, SQL statements per request, errors and memory.
//! Run with `cargo bench --bench burst` (part of `bench/run.sh`); needs PostgreSQL on
//! 127.0.0.1:5432 (`BENCH_DATABASE_URL`) and Redis on 6379 (`BENCH_REDIS_URL`).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const PASSWORD: &str = "a long enough password";
/// A child may submit 10 proposals an hour.
const PER_CHILD: usize = 10;
const CLASS_SIZE: usize = 40;
const TEACHERS: usize = 10;
/// At most this many requests in flight; past it, requests wait (and their wait counts).
const IN_FLIGHT: usize = 1024;

fn setting(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The server under test, in its own process.
struct Server {
    process: Child,
    api: support::Api,
}

impl std::ops::Deref for Server {
    type Target = support::Api;

    fn deref(&self) -> &support::Api {
        &self.api
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Server {
    fn start(database_url: &str, redis_url: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let data = std::env::temp_dir().join(format!("tongsheng-burst-{}", uuid::Uuid::now_v7()));
        let prefix = format!("burst:{}:", uuid::Uuid::now_v7());
        let command = |args: &[&str]| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_tongsheng"));
            command
                .args(args)
                .env("DATABASE_URL", database_url)
                .env("REDIS_URL", redis_url)
                .env("REDIS_KEY_PREFIX", &prefix)
                .env("BIND", format!("127.0.0.1:{port}"))
                .env("DATA_DIR", &data)
                .env("DEMO", "false")
                .env("SECRET_KEY", "a benchmark secret of enough length")
                .env("DATABASE_MAX_CONNECTIONS", "16")
                .env("RUST_LOG", "warn");
            command
        };
        let mut bootstrap = command(&["admin", "create-coordinator", "--username", "coordinator"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("the tongsheng binary");
        {
            use std::io::Write as _;
            let mut stdin = bootstrap.stdin.take().unwrap();
            writeln!(stdin, "{PASSWORD}").unwrap();
        }
        assert!(bootstrap.wait().unwrap().success(), "create-coordinator");
        let process = command(&[]).stdout(Stdio::null()).spawn().unwrap();
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(IN_FLIGHT)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Server {
            process,
            api: support::Api {
                url: format!("http://127.0.0.1:{port}"),
                client,
            },
        }
    }

    async fn wait_ready(&self) {
        for _ in 0..300 {
            if let Ok(response) = self.client.get(format!("{}/readyz", self.url)).send().await
                && response.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not become ready in 30 s");
    }

    /// The server's resident memory now, and at its peak, in MB.
    fn memory(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
                .map_or(0.0, |kb| kb / 1024.0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    async fn sign_in_staff(&self, username: &str) -> String {
        let data = self
            .gql(
                None,
                "mutation($u: String!, $p: String!) { signInStaff(username: $u, password: $p) { token } }",
                json!({ "u": username, "p": PASSWORD }),
            )
            .await;
        data["signInStaff"]["token"].as_str().unwrap().to_owned()
    }
}

/// What the district looks like once set up.
struct District {
    campaign: Value,
    children: Vec<String>,
    /// Each teacher's token and classes.
    teachers: Vec<(String, Vec<Value>)>,
}

/// A school, TEACHERS teachers with classes of 14-year-olds (no guardian's consent needed),
/// `children` children signed in, and an open campaign for band C.
async fn district(server: &Arc<Server>, children: usize) -> District {
    let coordinator = server.sign_in_staff("coordinator").await;
    let school = server
        .gql(
            Some(&coordinator),
            "mutation { createSchool(input: { code: \"burst\", nameZh: \"上虞区实验中学\" }) { id } }",
            json!({}),
        )
        .await["createSchool"]["id"]
        .clone();
    let campaign = server
        .open_campaign(&coordinator, &["C"], &["places_to_play", "way_to_school"])
        .await;
    let classes = children.div_ceil(CLASS_SIZE);
    let mut teachers = Vec::new();
    let mut pins = Vec::new();
    for t in 0..TEACHERS {
        let username = format!("teacher{t}");
        server
            .gql(
                Some(&coordinator),
                "mutation($i: CreateStaffInput!) { createStaff(input: $i) { id } }",
                json!({ "i": { "username": username, "password": PASSWORD, "displayName": username,
                    "role": "TEACHER", "schoolId": school } }),
            )
            .await;
        let token = server.sign_in_staff(&username).await;
        let mut own = Vec::new();
        for c in (t..classes).step_by(TEACHERS) {
            let class = server
                .gql(
                    Some(&token),
                    "mutation($n: String!) { createClass(input: { grade: 8, name: $n, schoolYear: 2026 }) { id code } }",
                    json!({ "n": format!("{}班", c + 1) }),
                )
                .await["createClass"]
                .clone();
            let size = CLASS_SIZE.min(children - c * CLASS_SIZE);
            let roster: Vec<Value> = (0..size)
                .map(|i| json!({ "pseudonym": format!("同学{}", c * CLASS_SIZE + i), "birthYear": 2012, "birthMonth": 3 }))
                .collect();
            let enrolled = server
                .gql(
                    Some(&token),
                    "mutation($c: ID!, $k: [EnrolChildInput!]!) { enrolChildren(classId: $c, children: $k) { pin } }",
                    json!({ "c": class["id"], "k": roster }),
                )
                .await;
            for child in enrolled["enrolChildren"].as_array().unwrap() {
                pins.push((class["code"].clone(), child["pin"].clone()));
            }
            own.push(class["id"].clone());
        }
        teachers.push((token, own));
    }
    let signed_in = Arc::new(std::sync::Mutex::new(Vec::new()));
    let gate = Arc::new(Semaphore::new(32));
    let mut handles = Vec::new();
    for (code, pin) in pins {
        let (server, signed_in, gate) = (server.clone(), signed_in.clone(), gate.clone());
        handles.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let data = server
                .gql(
                    None,
                    "mutation($c: String!, $p: String!) { signInChild(classCode: $c, pin: $p) { token } }",
                    json!({ "c": code, "p": pin }),
                )
                .await;
            let token = data["signInChild"]["token"].as_str().unwrap().to_owned();
            signed_in.lock().unwrap().push(token);
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    let children = std::mem::take(&mut *signed_in.lock().unwrap());
    District {
        campaign,
        children,
        teachers,
    }
}

#[derive(Default)]
struct Outcome {
    latencies: Vec<Duration>,
    failed: usize,
    /// Not sent: IN_FLIGHT requests were already waiting for answers.
    dropped: usize,
    seconds: f64,
}

impl Outcome {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index].as_secs_f64() * 1000.0
    }

    fn row(&self, name: &str, goal: &str) {
        let answered = self.latencies.len();
        println!(
            "{name:<30} {:>6.0}/s  p50 {:>7.1} ms  p99 {:>7.1} ms  failed {:>4}  not sent {:>6}  {goal}",
            answered as f64 / self.seconds,
            self.percentile(0.5),
            self.percentile(0.99),
            self.failed,
            self.dropped,
        );
    }
}

/// Sends `rate` requests a second for `seconds`, whatever the answers' speed; request `i` is
/// made by `make(i)` and is due at `i / rate`, and its latency counts from then. A request due
/// while IN_FLIGHT others (of every scenario) wait for answers is not sent, and counted: an
/// overloaded server shows as requests not sent, not as a run that never ends.
async fn open_loop<F, Fut>(rate: f64, seconds: f64, gate: Arc<Semaphore>, make: F) -> Outcome
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = bool> + Send + 'static,
{
    let total = (rate * seconds) as usize;
    let started = tokio::time::Instant::now();
    let mut handles = Vec::with_capacity(total);
    let mut outcome = Outcome::default();
    for i in 0..total {
        let due = started + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due).await;
        let Ok(permit) = gate.clone().try_acquire_owned() else {
            outcome.dropped += 1;
            continue;
        };
        let request = make(i);
        handles.push(tokio::spawn(async move {
            let ok = request.await;
            drop(permit);
            (due.elapsed(), ok)
        }));
    }
    for handle in handles {
        let (latency, ok) = handle.await.unwrap();
        if ok {
            outcome.latencies.push(latency);
        } else {
            outcome.failed += 1;
        }
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    outcome.latencies.sort();
    outcome
}

const SUBMIT: &str =
    "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id status } }";
const POLL: &str = "{ myProposals(first: 5) { nodes { id status statusLabel } } }";

fn submission(campaign: &Value, i: usize) -> Value {
    json!({ "i": {
        "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
        "topic": if i.is_multiple_of(2) { "places_to_play" } else { "way_to_school" }, "consentToPublish": true,
        "answers": [
            { "key": "title", "text": format!("学校门口的路口 {i}") },
            { "key": "problem", "text": "放学的时候车很多，过马路很危险。" },
            { "key": "suggestion", "text": "希望放学时有交通协管员，或者加一个红绿灯。" }] } })
}

/// A teacher approving whatever is screened and waiting in their classes' queues, until `stop`.
async fn moderate(
    server: Arc<Server>,
    token: String,
    classes: Vec<Value>,
    stop: Arc<AtomicBool>,
) -> Outcome {
    let started = Instant::now();
    let mut outcome = Outcome::default();
    while !stop.load(Ordering::Relaxed) {
        let mut idle = true;
        for class in &classes {
            let Some(queue) = server
                .try_gql(
                    Some(&token),
                    "query($c: ID!) { moderationQueue(classId: $c, first: 10) { nodes { id } } }",
                    json!({ "c": class }),
                )
                .await
                .ok()
            else {
                outcome.failed += 1;
                continue;
            };
            for proposal in queue["moderationQueue"]["nodes"]
                .as_array()
                .into_iter()
                .flatten()
            {
                idle = false;
                let at = Instant::now();
                let approved = server
                    .try_gql(
                        Some(&token),
                        "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: APPROVE }) { id } }",
                        json!({ "p": proposal["id"] }),
                    )
                    .await;
                match approved {
                    Ok(_) => outcome.latencies.push(at.elapsed()),
                    Err(_) => outcome.failed += 1,
                }
            }
        }
        if idle {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    outcome.latencies.sort();
    outcome
}

async fn burst(server: &Arc<Server>, district: &District, rate: f64, seconds: f64) {
    let gate = Arc::new(Semaphore::new(IN_FLIGHT));
    let stop = Arc::new(AtomicBool::new(false));
    let moderators: Vec<_> = district
        .teachers
        .iter()
        .map(|(token, classes)| {
            tokio::spawn(moderate(
                server.clone(),
                token.clone(),
                classes.clone(),
                stop.clone(),
            ))
        })
        .collect();
    let before = server.statements().await;
    let children = Arc::new(district.children.clone());
    let submitted = {
        let (server, children, campaign) =
            (server.clone(), children.clone(), district.campaign.clone());
        open_loop(rate, seconds, gate.clone(), move |i| {
            let (server, children, campaign) = (server.clone(), children.clone(), campaign.clone());
            async move {
                let token = &children[i % children.len()];
                server
                    .try_gql(Some(token), SUBMIT, submission(&campaign, i))
                    .await
                    .is_ok()
            }
        })
    };
    let polled = {
        let (server, children) = (server.clone(), children.clone());
        open_loop(2.0 * rate, seconds, gate.clone(), move |i| {
            let (server, children) = (server.clone(), children.clone());
            async move {
                let token = &children[(i * 7) % children.len()];
                server.try_gql(Some(token), POLL, json!({})).await.is_ok()
            }
        })
    };
    let (submitted, polled) = tokio::join!(submitted, polled);
    stop.store(true, Ordering::Relaxed);
    let mut approved = Outcome::default();
    for moderator in moderators {
        let outcome = moderator.await.unwrap();
        approved.latencies.extend(outcome.latencies);
        approved.failed += outcome.failed;
        approved.seconds = approved.seconds.max(outcome.seconds);
    }
    approved.latencies.sort();
    let statements = server.statements().await - before;
    let requests = submitted.latencies.len() + polled.latencies.len() + approved.latencies.len();
    println!(
        "\nDistrict burst: {rate:.0} submissions/s and {:.0} polls/s for {seconds:.0} s, {TEACHERS} teachers moderating",
        2.0 * rate
    );
    submitted.row(
        "submitProposal",
        &format!("(goal {rate:.0}/s, p99 under 50 ms)"),
    );
    polled.row(
        "myProposals (status poll)",
        &format!("(goal {:.0}/s)", 2.0 * rate),
    );
    approved.row("moderateProposal (APPROVE)", "");
    println!(
        "SQL statements per request, all kinds together: {:.1}",
        statements as f64 / requests.max(1) as f64
    );
    let (rss, peak) = server.memory();
    println!("server memory after the burst: {rss:.0} MB (peak {peak:.0} MB)");
}

/// Opens `count` WebSocket subscriptions, each a child's `proposalUpdated`, each kept open by its
/// task until the task is aborted; `opened` counts those the server has acknowledged.
async fn subscriptions(
    server: &Arc<Server>,
    children: &[String],
    count: usize,
    opened: Arc<AtomicUsize>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let address = server.url.trim_start_matches("http://").to_owned();
    let gate = Arc::new(Semaphore::new(64));
    let mut handles = Vec::with_capacity(count);
    for i in 0..count {
        let (address, token, opened, gate) = (
            address.clone(),
            children[i % children.len()].clone(),
            opened.clone(),
            gate.clone(),
        );
        handles.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await.unwrap();
            let mut request = format!("ws://{address}/graphql/ws").into_client_request().unwrap();
            request
                .headers_mut()
                .insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
            let Ok((mut socket, _)) = tokio_tungstenite::connect_async(request).await else {
                return;
            };
            let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
            if socket.send(Message::text(init.to_string())).await.is_err() {
                return;
            }
            let subscribe = json!({ "id": "1", "type": "subscribe",
                "payload": { "query": "subscription { proposalUpdated { id status } }" } });
            // Subscribe once the server has acknowledged the connection.
            while let Some(Ok(message)) = socket.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let value: Value = serde_json::from_str(&text).unwrap_or_default();
                if value["type"] == "connection_ack" {
                    if socket.send(Message::text(subscribe.to_string())).await.is_err() {
                        return;
                    }
                    // The server has nothing to answer a subscription with until an update.
                    opened.fetch_add(1, Ordering::Relaxed);
                    drop(permit);
                    break;
                }
            }
            // Idle: read (and ignore) whatever comes, until the connection is dropped.
            while let Some(Ok(_)) = socket.next().await {}
        }));
    }
    handles
}

async fn polls_for(server: &Arc<Server>, children: &Arc<Vec<String>>, seconds: f64) -> Outcome {
    // Closed loop: 32 children polling as fast as answers come.
    let started = Instant::now();
    let mut workers = Vec::new();
    for w in 0..32 {
        let (server, children) = (server.clone(), children.clone());
        workers.push(tokio::spawn(async move {
            let mut outcome = Outcome::default();
            let mut i = w;
            while started.elapsed().as_secs_f64() < seconds {
                let at = Instant::now();
                let ok = server
                    .try_gql(Some(&children[i % children.len()]), POLL, json!({}))
                    .await
                    .is_ok();
                if ok {
                    outcome.latencies.push(at.elapsed());
                } else {
                    outcome.failed += 1;
                }
                i += 32;
            }
            outcome
        }));
    }
    let mut all = Outcome::default();
    for worker in workers {
        let outcome = worker.await.unwrap();
        all.latencies.extend(outcome.latencies);
        all.failed += outcome.failed;
    }
    all.seconds = started.elapsed().as_secs_f64();
    all.latencies.sort();
    all
}

async fn idle_subscriptions(server: &Arc<Server>, children: &[String], count: usize) {
    let children = Arc::new(children.to_vec());
    let without = polls_for(server, &children, 5.0).await;
    let (rss_before, _) = server.memory();
    let opened = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let handles = subscriptions(server, &children, count, opened.clone()).await;
    while opened.load(Ordering::Relaxed) < count && started.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let open_seconds = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (rss, _) = server.memory();
    let with = polls_for(server, &children, 5.0).await;
    println!("\nIdle subscriptions");
    println!(
        "{} of {count} subscriptions open in {open_seconds:.1} s; server memory {rss_before:.0} MB before, {rss:.0} MB with them open ({:.1} KB each)",
        opened.load(Ordering::Relaxed),
        (rss - rss_before) * 1024.0 / count as f64
    );
    without.row("myProposals, closed loop, none open", "");
    with.row("myProposals, closed loop, all open", "");
    println!(
        "  ratio: {:.2}",
        with.latencies.len() as f64
            / with.seconds
            / (without.latencies.len() as f64 / without.seconds)
    );
    for handle in handles {
        handle.abort();
    }
}

fn main() {
    let rate = setting("BURST_RATE", 1300.0);
    let seconds = setting("BURST_SECONDS", 60.0);
    let subscriptions = setting("BURST_SUBSCRIPTIONS", 10_000.0) as usize;
    let admin = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let redis =
        std::env::var("BENCH_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let database = support::fresh_postgres(&admin, "burst");
        let server = Arc::new(Server::start(&database, &redis));
        server.wait_ready().await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (started_rss, _) = server.memory();
        let children = ((rate * seconds) as usize).div_ceil(PER_CHILD);
        let set_up = Instant::now();
        let district = district(&server, children).await;
        println!(
            "server in its own process; {children} children in {} classes signed in ({:.0} s)",
            children.div_ceil(CLASS_SIZE),
            set_up.elapsed().as_secs_f64()
        );
        tokio::time::sleep(Duration::from_secs(3)).await;
        let (idle_rss, _) = server.memory();
        println!("idle server memory: {started_rss:.0} MB just started, {idle_rss:.0} MB once the district is set up (goal under 50 MB)");
        burst(&server, &district, rate, seconds).await;
        idle_subscriptions(&server, &district.children, subscriptions).await;
    });
}
