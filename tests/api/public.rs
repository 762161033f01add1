//! What the public sees: a canary of planted names, phone numbers and the class code never
//! reaches any public response; a page of published proposals costs the same SQL whatever its
//! size; the wall renders in a real browser with its images.

use serde_json::{Value, json};
use std::collections::HashSet;

use crate::helpers::world::{World, child_token, open_campaign, record_consent};
use crate::helpers::{Backend, TestApp};

const PAPER: &str = "mutation($c: ID!, $p: [PaperProposalInput!]!) { submitPaperProposals(classId: $c, proposals: $p) { id } }";
const APPROVE: &str =
    "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: APPROVE }) { status } }";
const TASKS: &str = "query($a: String) { departmentTasks(first: 50, after: $a) { nodes { id proposalId } pageInfo { hasNextPage endCursor } } }";
const SIGN: &str = "mutation($t: ID!) { signForTask(taskId: $t) { state } }";
const ANSWER: &str = "mutation($t: ID!) { answerTask(taskId: $t, input: { outcome: ADOPTED, officialText: \"经研究，采纳该建议。\", childText: \"谢谢你的建议，我们会去做！\" }) { task { state } } }";
const PUBLISH: &str = "mutation($p: ID!) { publishProposal(id: $p) { id } }";

/// `n` proposals of class A, each planting a unique name and phone number, approved with the
/// screen's proposed redactions, answered and published: the planted strings.
async fn publish_planted(app: &TestApp, world: &World, n: usize) -> Vec<String> {
    let campaign = open_campaign(app, &world.coordinator, &["B"], None).await;
    for pupil in &world.class_a.children {
        record_consent(app, &world.teacher_a, &pupil.id).await;
    }
    const GIVEN: [&str; 20] = [
        "思", "远", "博", "文", "雨", "涵", "子", "轩", "梓", "萱", "浩", "然", "欣", "怡", "宇",
        "航", "嘉", "懿", "若", "曦",
    ];
    let mut planted = Vec::new();
    let mut ids = Vec::new();
    for batch in (0..n).collect::<Vec<_>>().chunks(100) {
        let entries: Vec<Value> = batch
            .iter()
            .map(|&i| {
                let name = format!("王{}{}", GIVEN[i % 20], GIVEN[(i / 20) % 20]);
                let phone = format!("139{:08}", 10_000_000 + i * 7919);
                planted.push(name.clone());
                planted.push(phone.clone());
                let child = &world.class_a.children[i % world.class_a.children.len()].id;
                json!({ "childId": child, "proposal": {
                    "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
                    "topic": "places_to_play", "consentToPublish": true,
                    "answers": [
                        { "key": "noticed", "text": format!("我叫{name}，公园的秋千坏了第{i}次") },
                        { "key": "idea", "text": format!("修好秋千，有事打{phone}") },
                    ],
                }})
            })
            .collect();
        let answer = app
            .graphql_as(
                Some(&world.teacher_a.token),
                PAPER,
                json!({ "c": world.class_a.id, "p": entries }),
            )
            .await;
        for node in answer.ok()["submitPaperProposals"].as_array().unwrap() {
            ids.push(node["id"].as_str().unwrap().to_owned());
        }
    }
    app.run_pending().await;
    for chunk in ids.chunks(10) {
        let answers =
            futures_util::future::join_all(chunk.iter().map(|id| {
                app.graphql_as(Some(&world.teacher_a.token), APPROVE, json!({ "p": id }))
            }))
            .await;
        answers
            .iter()
            .for_each(|a| assert_eq!(a.ok()["moderateProposal"]["status"], "APPROVED"));
    }
    let mut tasks = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .graphql_as(Some(&world.clerk.token), TASKS, json!({ "a": after }))
            .await;
        let page = page.ok()["departmentTasks"].clone();
        for node in page["nodes"].as_array().unwrap() {
            tasks.push(node["id"].as_str().unwrap().to_owned());
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(tasks.len(), n);
    for chunk in tasks.chunks(10) {
        for mutation in [SIGN, ANSWER] {
            let answers = futures_util::future::join_all(chunk.iter().map(|task| {
                app.graphql_as(Some(&world.clerk.token), mutation, json!({ "t": task }))
            }))
            .await;
            answers.iter().for_each(|a| {
                a.ok();
            });
        }
    }
    for chunk in ids.chunks(10) {
        let answers =
            futures_util::future::join_all(chunk.iter().map(|id| {
                app.graphql_as(Some(&world.coordinator.token), PUBLISH, json!({ "p": id }))
            }))
            .await;
        answers.iter().for_each(|a| {
            a.ok();
        });
    }
    planted
}

const WALL: &str = "query($a: String, $n: Int) { publishedProposals(first: $n, after: $a) { nodes { id topic topicLabel proposer { label grade school } texts { key text } place department { code nameZh } answer { outcome childText officialText } progress { text } images publishedAt } pageInfo { hasNextPage endCursor } } }";

#[tokio::test]
async fn planted_names_phones_and_class_codes_never_reach_the_public() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    run_canary(app).await;
}

#[tokio::test]
async fn planted_names_phones_and_class_codes_never_reach_the_public_on_postgres() {
    let Some(app) = TestApp::on_postgres().await else {
        return;
    };
    run_canary(app).await;
}

async fn run_canary(app: TestApp) {
    let world = World::build(&app).await;
    let planted = publish_planted(&app, &world, 200).await;
    assert_eq!(
        planted.iter().collect::<HashSet<_>>().len(),
        400,
        "each planted once"
    );

    let mut responses = Vec::new();
    let mut ids = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app.graphql(WALL, json!({ "a": after, "n": 50 })).await;
        let page = page.ok()["publishedProposals"].clone();
        for node in page["nodes"].as_array().unwrap() {
            ids.push(node["id"].as_str().unwrap().to_owned());
        }
        responses.push(page.to_string());
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(ids.len(), 200, "all published");
    for id in ids.iter().take(20) {
        let one = app
            .graphql("query($p: ID!) { publishedProposal(id: $p) { id texts { text } answer { childText } } }", json!({ "p": id }))
            .await;
        responses.push(one.ok().to_string());
    }
    let stats = app
        .graphql("{ publicStats { proposals byStage { key count } byTopic { key count } byDepartment { department { nameZh } handling { tasks bounces } } } }", json!({}))
        .await;
    responses.push(stats.ok().to_string());
    for path in [
        "/",
        "/?topic=places_to_play",
        "/?department=construction",
        "/feed.atom",
        "/published.csv",
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 200, "{path}");
        responses.push(body);
    }
    let everything = responses.join("\n");
    assert!(
        everything.contains("修好秋千，有事打＊＊＊"),
        "the redacted text is what is public"
    );
    for secret in planted.iter().chain([&world.class_a.code]) {
        assert!(
            !everything.contains(secret.as_str()),
            "{secret} reached the public"
        );
    }
    // No department, no child id, no pseudonym either.
    for pupil in &world.class_a.children {
        assert!(!everything.contains(&pupil.id));
    }
}

async fn statements(app: &TestApp) -> u64 {
    let (_, metrics) = app.get("/metrics").await;
    metrics
        .lines()
        .find(|line| line.starts_with("tongsheng_db_statements_total{outcome=\"ok\"}"))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_page_of_published_proposals_costs_the_same_sql_whatever_its_size() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let world = World::build(&app).await;
    publish_planted(&app, &world, 60).await;
    let mut costs = Vec::new();
    for size in [5, 50] {
        // Warm: the first request may read what later ones share.
        app.graphql(WALL, json!({ "n": size })).await.ok();
        let before = statements(&app).await;
        let page = app.graphql(WALL, json!({ "n": size })).await;
        let shown = page.ok()["publishedProposals"]["nodes"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(shown, size);
        costs.push(statements(&app).await - before);
    }
    assert_eq!(costs[0], costs[1], "5 and 50 items cost alike: {costs:?}");
    assert!(costs[0] <= 8, "a handful of statements: {costs:?}");
}

#[tokio::test]
async fn the_wall_loads_in_a_browser_with_its_items_and_no_console_errors() {
    let Some(chromium) = ["chromium", "chromium-browser"].into_iter().find(|name| {
        std::process::Command::new(name)
            .arg("--version")
            .output()
            .is_ok()
    }) else {
        return crate::helpers::databases::skip_or_fail("chromium");
    };
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let world = World::build(&app).await;
    publish_planted(&app, &world, 6).await;
    // A drawing the teacher marked publishable, on one more published proposal.
    let token = child_token(&app, &world.class_a.code, &world.class_a.children[0].pin).await;
    let image = crate::media::publish_a_drawing(&app, &world, &token).await;

    let url = app.url("/");
    let url = url.as_str();
    let artefacts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let screenshot = artefacts.join("wall.png");
    let _ = std::fs::remove_file(&screenshot);
    let browse = |extra: Vec<String>| async move {
        tokio::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=390,1600",
                "--virtual-time-budget=5000",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .args(extra)
            .arg(url)
            .output()
            .await
            .unwrap()
    };
    let dom = browse(vec!["--dump-dom".to_owned()]).await;
    let html = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(html.contains("孩子们的建议墙"), "{html}");
    assert_eq!(
        html.matches("<article").count(),
        7,
        "six planted and the drawing's"
    );
    assert!(html.contains(&format!("/media/{image}/display")));
    let console: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("CONSOLE"))
        .collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    let shot = browse(vec![format!("--screenshot={}", screenshot.display())]).await;
    assert!(shot.status.success());
    let png = std::fs::read(&screenshot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG"),
        "a screenshot is kept at {}",
        screenshot.display()
    );
}
