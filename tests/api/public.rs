//! What the public sees: a canary of planted names, phone numbers and the class code never
//! reaches any public response; a page of published proposals costs the same SQL whatever its
//! size; the wall renders in a real browser with its images.

use serde_json::{Value, json};
use std::collections::HashSet;

use crate::helpers::world::{World, child_token, open_campaign, record_consent};
use crate::helpers::{Backend, TestApp, within_two_seconds};

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
    let mut again = Vec::new();
    for size in [5, 50] {
        for costs in [&mut costs, &mut again] {
            let before = statements(&app).await;
            let page = app.graphql(WALL, json!({ "n": size })).await;
            let shown = page.ok()["publishedProposals"]["nodes"]
                .as_array()
                .unwrap()
                .len();
            assert_eq!(shown, size);
            costs.push(statements(&app).await - before);
        }
    }
    assert_eq!(costs[0], costs[1], "5 and 50 items cost alike: {costs:?}");
    assert!(
        costs[0] > 0 && costs[0] <= 8,
        "a handful of statements: {costs:?}"
    );
    assert_eq!(again, [0, 0], "the same page again is served from memory");
}

const BACKED: &str = "{ publishedProposals(first: 10) { nodes { id backers } } }";
const BACK: &str = "mutation($p: ID!) { backProposal(id: $p) { backers } }";

/// The backers the public list shows for `id`; `None` when it is not shown.
async fn shown_backers(app: &TestApp, id: &str) -> Option<i64> {
    let page = app.graphql(BACKED, json!({})).await;
    page.ok()["publishedProposals"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["id"] == id)
        .map(|node| node["backers"].as_i64().unwrap())
}

/// The public list is kept in memory, and forgotten at once when what it shows changes: a
/// backing, a guardian withdrawing consent. With a second instance, it forgets too.
async fn run_public_cache(app: TestApp, other: Option<TestApp>) {
    let world = World::build(&app).await;
    // One proposal, the first child's.
    publish_planted(&app, &world, 1).await;
    let page = app.graphql(BACKED, json!({})).await;
    let nodes = page.ok()["publishedProposals"]["nodes"].clone();
    assert_eq!(nodes.as_array().unwrap().len(), 1);
    let id = nodes[0]["id"].as_str().unwrap().to_owned();
    let readers: Vec<&TestApp> = std::iter::once(&app).chain(other.as_ref()).collect();
    for reader in &readers {
        assert_eq!(shown_backers(reader, &id).await, Some(0));
        let before = statements(reader).await;
        assert_eq!(shown_backers(reader, &id).await, Some(0));
        assert_eq!(statements(reader).await - before, 0, "served from memory");
    }

    let backer = child_token(&app, &world.class_a.code, &world.class_a.children[1].pin).await;
    let backed = app
        .graphql_as(Some(&backer), BACK, json!({ "p": id }))
        .await;
    assert_eq!(backed.ok()["backProposal"]["backers"], 1);
    assert_eq!(
        shown_backers(&app, &id).await,
        Some(1),
        "at once where it was backed"
    );
    if let Some(other) = &other {
        within_two_seconds("the other instance did not hear the backing", || async {
            shown_backers(other, &id).await == Some(1)
        })
        .await;
    }

    // The author's guardian withdraws consent: the idea leaves the public list at once.
    let author = &world.class_a.children[0].id;
    let withdrawn = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "mutation($child: ID!) { withdrawGuardianConsent(childId: $child) { pseudonym } }",
            json!({ "child": author }),
        )
        .await;
    withdrawn.ok();
    assert_eq!(shown_backers(&app, &id).await, None, "gone at once");
    if let Some(other) = &other {
        within_two_seconds("the other instance did not hear the withdrawal", || async {
            shown_backers(other, &id).await.is_none()
        })
        .await;
    }
}

#[tokio::test]
async fn the_public_list_is_served_from_memory_and_forgotten_when_it_changes() {
    run_public_cache(TestApp::builder(Backend::Sqlite).spawn().await, None).await;
}

#[tokio::test]
async fn the_public_list_is_forgotten_on_every_instance_when_it_changes() {
    let (Some(_), Some(_)) = (
        crate::helpers::databases::test_database_url(),
        crate::helpers::databases::test_redis_url(),
    ) else {
        return crate::helpers::databases::skip_or_fail("TEST_DATABASE_URL and TEST_REDIS_URL");
    };
    let first = TestApp::builder(Backend::Postgres).spawn().await;
    let second = first.another_instance().spawn().await;
    run_public_cache(first, Some(second)).await;
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

#[tokio::test]
async fn the_public_pages_carry_an_etag_and_are_gzipped_for_clients_that_ask() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let world = World::build(&app).await;
    publish_planted(&app, &world, 3).await;
    for path in ["/", "/published.csv"] {
        let first = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(first.status(), 200);
        assert_eq!(first.headers()["cache-control"], "public, no-cache");
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        let body = first.bytes().await.unwrap();
        assert!(!body.is_empty());
        let again = app
            .client
            .get(app.url(path))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}: unchanged, so no body");
        assert!(again.bytes().await.unwrap().is_empty());
        let zipped = app
            .client
            .get(app.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(zipped.headers()["content-encoding"], "gzip");
        let zipped = zipped.bytes().await.unwrap();
        assert!(
            zipped.len() < body.len(),
            "{path}: {} < {}",
            zipped.len(),
            body.len()
        );
    }
    // A change gives the wall a new tag: a browser holding the old one gets the new page.
    let etag = app.client.get(app.url("/")).send().await.unwrap().headers()["etag"].clone();
    let author = &world.class_a.children[0].id;
    app.graphql_as(
        Some(&world.teacher_a.token),
        "mutation($child: ID!) { withdrawGuardianConsent(childId: $child) { pseudonym } }",
        json!({ "child": author }),
    )
    .await
    .ok();
    let after = app
        .client
        .get(app.url("/"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200, "changed, so sent again");
}
