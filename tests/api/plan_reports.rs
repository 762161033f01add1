//! Reports by the plan's cuts and the plan's evaluation (issue 20): every cut hides counts from
//! 1 to 4 and one more where a total would give a hidden count back; the evaluation by measure
//! renders as a printable page with charts and exports as CSV and XLSX, with the policy changes
//! departments recorded.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::TestApp;
use crate::helpers::world::{World, approve, child_token, record_consent};

both_databases!(reports_cut_by_township_and_measure_hide_what_subtraction_would_reveal);

const REPORT: &str = "query($c: ReportCut!) { planReport(cut: $c, from: \"2026-11-01\", to: \"2026-12-01\") { rows { key label submitted adopted } total { submitted adopted } } }";

async fn send(
    app: &TestApp,
    token: &str,
    topic: &str,
    area: Option<&str>,
    n: usize,
) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let input = json!({ "i": {
            "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
            "topic": topic, "consentToPublish": true, "areaCode": area,
            "answers": [{ "key": "noticed", "text": format!("第{i}个地方的设施坏了") }, { "key": "idea", "text": format!("请修好第{i}个") }],
        }});
        let sent = app
            .graphql_as(
                Some(token),
                "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
                input,
            )
            .await;
        ids.push(
            sent.ok()["submitProposal"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    ids
}

fn rows(answer: &crate::helpers::Answer) -> (Vec<Value>, Value) {
    let report = answer.ok()["planReport"].clone();
    (
        report["rows"].as_array().unwrap().clone(),
        report["total"].clone(),
    )
}

/// In every column whose total is shown, never exactly one count is hidden.
fn no_lone_hidden_cell(rows: &[Value], total: &Value, column: &str) {
    if total[column].is_null() {
        return;
    }
    let hidden = rows.iter().filter(|row| row[column].is_null()).count();
    assert_ne!(hidden, 1, "{column}: {rows:?}");
    for row in rows {
        if let Some(n) = row[column].as_i64() {
            assert!(n == 0 || n >= 5, "{column} shows {n}");
        }
    }
}

async fn reports_cut_by_township_and_measure_hide_what_subtraction_would_reveal(app: TestApp) {
    let world = World::build(&app).await;
    let mut tokens = Vec::new();
    for pupil in &world.class_a.children {
        record_consent(&app, &world.teacher_a, &pupil.id).await;
        tokens.push(child_token(&app, &world.class_a.code, &pupil.pin).await);
    }
    let in_caoe = send(&app, &tokens[0], "places_to_play", Some("caoe"), 6).await;
    send(&app, &tokens[1], "places_to_play", Some("baiguan"), 5).await;
    send(&app, &tokens[2], "life_online", None, 1).await;
    app.run_pending().await;

    // By township: 曹娥 6, 百官 5, none 1. The lone small count takes 百官 with it.
    let township = app
        .graphql_as(
            Some(&world.coordinator.token),
            REPORT,
            json!({ "c": "TOWNSHIP" }),
        )
        .await;
    let (cells, total) = rows(&township);
    let by_key = |key: &str| cells.iter().find(|row| row["key"] == key).unwrap().clone();
    assert_eq!(by_key("caoe")["submitted"], 6);
    assert_eq!(by_key("caoe")["label"], "曹娥街道");
    assert!(
        by_key("baiguan")["submitted"].is_null(),
        "5 is hidden as the complement"
    );
    assert!(by_key("none")["submitted"].is_null());
    assert_eq!(total["submitted"], 12);
    no_lone_hidden_cell(&cells, &total, "submitted");

    // By measure: a swing serves measures 2, 15 and 16; online life measure 20 (one proposal).
    // The topics behind each measure are public, so hiding is decided on the topics: the one
    // online-life proposal takes the 11 swings with it, and every measure they serve is hidden
    // (showing 11 under measure 15 would give 12 - 11 = 1 for measure 20).
    let measure = app
        .graphql_as(
            Some(&world.coordinator.token),
            REPORT,
            json!({ "c": "MEASURE" }),
        )
        .await;
    let (cells, total) = rows(&measure);
    assert_eq!(cells.len(), 28, "every measure has its row");
    for index in [1, 14, 15, 19] {
        assert!(cells[index]["submitted"].is_null(), "measure {}", index + 1);
    }
    assert_eq!(cells[0]["submitted"], 0);
    assert_eq!(total["submitted"], 12);
    no_lone_hidden_cell(&cells, &total, "submitted");
    assert_eq!(cells[2]["label"], "3. 建立健全儿童全方位参与机制");

    // The other cuts answer too.
    for cut in ["BAND", "SCHOOL", "MONTH", "TERM", "YEAR"] {
        let answer = app
            .graphql_as(Some(&world.coordinator.token), REPORT, json!({ "c": cut }))
            .await;
        let (cells, total) = rows(&answer);
        assert_eq!(total["submitted"], 12, "{cut}");
        no_lone_hidden_cell(&cells, &total, "submitted");
    }
    let by_term = app
        .graphql_as(
            Some(&world.coordinator.token),
            REPORT,
            json!({ "c": "TERM" }),
        )
        .await;
    assert_eq!(rows(&by_term).0[0]["key"], "2026秋");

    // An adopted proposal, and the policy change the township records against it.
    let caoe = crate::helpers::world::department_id(&app, "caoe").await;
    app.graphql_as(
        Some(&world.coordinator.token),
        "mutation($i: RoutingRuleInput!) { setRoutingRule(input: $i) { topic } }",
        json!({ "i": { "topic": "places_to_play", "areaCode": "caoe", "leadDepartmentId": caoe } }),
    )
    .await
    .ok();
    let clerk = crate::helpers::world::staff(
        &app,
        &world.coordinator,
        "caoe.clerk",
        "DEPARTMENT_STAFF",
        None,
        Some(&caoe),
    )
    .await;
    approve(&app, &world, &in_caoe[0]).await;
    let tasks = app
        .graphql_as(
            Some(&clerk.token),
            "{ departmentTasks { nodes { id } } }",
            json!({}),
        )
        .await;
    let task = tasks.ok()["departmentTasks"]["nodes"][0]["id"].clone();
    let t = json!({ "t": task });
    let record = "mutation($t: ID!, $l: String) { recordPolicyChange(taskId: $t, text: \"曹娥街道把小区游乐设施纳入每月巡查。\", link: $l) { id } }";
    let early = app.graphql_as(Some(&clerk.token), record, t.clone()).await;
    assert_eq!(
        early.error_code(),
        Some("INVALID_TRANSITION"),
        "not adopted yet"
    );
    app.graphql_as(
        Some(&clerk.token),
        "mutation($t: ID!) { signForTask(taskId: $t) { state } }",
        t.clone(),
    )
    .await
    .ok();
    app.graphql_as(
        Some(&clerk.token),
        "mutation($t: ID!) { answerTask(taskId: $t, input: { outcome: ADOPTED, officialText: \"采纳，纳入巡查。\", childText: \"我们每个月都会去检查！\" }) { task { state } } }",
        t.clone(),
    )
    .await
    .ok();
    let bad_link = app
        .graphql_as(
            Some(&clerk.token),
            record,
            json!({ "t": task, "l": "javascript:alert(1)" }),
        )
        .await;
    assert_eq!(bad_link.error_code(), Some("VALIDATION"));
    app.graphql_as(
        Some(&clerk.token),
        record,
        json!({ "t": task, "l": "https://www.shangyu.gov.cn/notice/1" }),
    )
    .await
    .ok();

    // The evaluation: a printable page with charts, CSV and XLSX; coordinators only.
    let get = |path: &str, token: &str| app.client.get(app.url(path)).bearer_auth(token).send();
    let page = get("/reports/evaluation/2026.html", &world.coordinator.token)
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    for expected in [
        "儿童建议评估（2026年）",
        "3. 建立健全儿童全方位参与机制",
        "<svg",
        "曹娥街道把小区游乐设施纳入每月巡查。",
        "https://www.shangyu.gov.cn/notice/1",
        "&lt;5",
    ] {
        assert!(page.contains(expected), "{expected} in the page");
    }
    let csv = get(
        "/reports/evaluation/2026-11-01_2026-12-01.csv",
        &world.coordinator.token,
    )
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(
        csv.contains("提出") && csv.contains("<5") && csv.contains("合计,12"),
        "{csv}"
    );
    let xlsx = get("/reports/evaluation/2026.xlsx", &world.coordinator.token)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"));
    let refused = get("/reports/evaluation/2026.html", &clerk.token)
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let nonsense = get("/reports/evaluation/someday.html", &world.coordinator.token)
        .await
        .unwrap();
    assert_eq!(nonsense.status(), 404);
    look_at_it_in_a_browser(&app, &page).await;
}

/// The page as a browser draws it, at a school laptop's width, with a screenshot to look at:
/// `target/test-artefacts/evaluation-<database>.png`. (The page wants a coordinator's bearer
/// token, which a headless browser cannot send; it is drawn from the very bytes served.)
async fn look_at_it_in_a_browser(app: &TestApp, page: &str) {
    let Some(chromium) = ["chromium", "chromium-browser"].into_iter().find(|name| {
        std::process::Command::new(name)
            .arg("--version")
            .output()
            .is_ok()
    }) else {
        return crate::helpers::databases::skip_or_fail("chromium");
    };
    let database = format!(
        "{:?}",
        sea_orm::ConnectionTrait::get_database_backend(&app.db)
    )
    .to_lowercase();
    let artefacts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let html = artefacts.join(format!("evaluation-{database}.html"));
    let screenshot = artefacts.join(format!("evaluation-{database}.png"));
    std::fs::write(&html, page).unwrap();
    let _ = std::fs::remove_file(&screenshot);
    let browse = |extra: String| {
        let url = format!("file://{}", html.display());
        async move {
            tokio::process::Command::new(chromium)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--hide-scrollbars",
                ])
                .args(["--window-size=1366,2000", "--virtual-time-budget=3000"])
                .arg(extra)
                .arg(url)
                .output()
                .await
                .unwrap()
        }
    };
    let dom = browse("--dump-dom".to_owned()).await;
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("儿童建议评估"), "{dom}");
    assert_eq!(dom.matches("<svg").count(), 3, "three charts");
    let shot = browse(format!("--screenshot={}", screenshot.display())).await;
    assert!(shot.status.success());
    assert!(std::fs::read(&screenshot).unwrap().starts_with(b"\x89PNG"));
}
