//! The privacy lifecycle: erasure leaves nothing that names a child in the database, on disk or
//! in Redis while the anonymous records and safeguarding cases remain; consent withdrawn takes a
//! child's items off every public view; every staff read of a child's data is logged exactly
//! once; teachers' data requests are decided by coordinators.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::world::{
    Pupil, World, approve_answer_publish, assert_nothing_names, child_token, class_with_child,
    enrol, open_campaign, record_consent, submit,
};
use crate::helpers::{Answer, TestApp};

both_databases!(
    erasing_twenty_children_leaves_nothing_that_names_them,
    withdrawn_consent_takes_a_childs_items_off_every_public_view,
    every_staff_read_of_a_childs_data_leaves_exactly_one_log_row,
    teachers_request_exports_and_erasures_that_coordinators_decide,
);

/// An image file that cannot be deleted when its child is erased is not forgotten: the jobs try
/// again until it is gone.
#[tokio::test]
async fn a_deletion_that_fails_at_erasure_is_retried_until_done() {
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .spawn()
        .await;
    let key = "ab".to_owned() + &"0".repeat(62);
    let file = app
        .data_dir()
        .join("media")
        .join("ab")
        .join(format!("{key}.jpg"));
    // A directory where the file should be: removing it fails, as a busy or locked file would.
    std::fs::create_dir_all(&file).unwrap();
    let child = tongsheng::domain::ids::ChildId::new();
    tongsheng::services::cleanup::after_erasure(&app.state, child, vec![key.clone()]).await;
    let waiting =
        "SELECT COUNT(*) AS n FROM outbox WHERE topic = 'erasure.cleanup' AND processed_at IS NULL";
    assert_eq!(app.count(waiting).await, 1, "the failed deletion is queued");
    app.run_pending().await;
    assert_eq!(app.count(waiting).await, 1, "still failing: still queued");
    std::fs::remove_dir(&file).unwrap();
    std::fs::write(&file, b"jpeg").unwrap();
    app.run_pending().await;
    assert_eq!(app.count(waiting).await, 0, "done once it could be");
    assert!(!file.exists(), "the file is gone");
}

const APPROVE: &str =
    "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: APPROVE }) { status } }";

async fn upload(app: &TestApp, token: &str, seed: u8) -> String {
    let image = image::RgbImage::from_pixel(64, 48, image::Rgb([seed, 100, 200]));
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        image.as_raw(),
        64,
        48,
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    let part = reqwest::multipart::Part::bytes(png).file_name("d.png");
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = app
        .client
        .post(app.url("/media"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

fn media_files(app: &TestApp) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|entry| {
                        let path = entry.path();
                        if path.is_dir() { count(&path) } else { 1 }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    count(&app.data_dir().join("media"))
}

/// Stored renditions, wherever this backend keeps them: files on the embedded default, rows of
/// `media_blobs` on PostgreSQL (and never both).
async fn renditions(app: &TestApp) -> usize {
    let rows = app.count("SELECT COUNT(*) AS n FROM media_blobs").await;
    let files = media_files(app);
    match app.backend {
        crate::helpers::Backend::Postgres => assert_eq!(files, 0, "images are in the record"),
        crate::helpers::Backend::Sqlite => assert_eq!(rows, 0, "images are files"),
    }
    files + usize::try_from(rows).unwrap()
}

async fn erasing_twenty_children_leaves_nothing_that_names_them(app: TestApp) {
    let world = World::build(&app).await;
    let campaign = open_campaign(&app, &world.coordinator, &["B"], None).await;
    let extra: Vec<Value> = (0..17)
        .map(|i| json!({ "pseudonym": format!("小朋友{i}"), "birthYear": 2017, "birthMonth": 4 }))
        .collect();
    let enrolled = enrol(&app, &world.teacher_a, &world.class_a.id, json!(extra)).await;
    let mut pupils: Vec<Pupil> = world.class_a.children.clone();
    for child in enrolled.ok()["enrolChildren"].as_array().unwrap() {
        pupils.push(Pupil {
            id: child["child"]["id"].as_str().unwrap().to_owned(),
            pin: child["pin"].as_str().unwrap().to_owned(),
        });
    }
    assert_eq!(pupils.len(), 20);
    let mut pseudonyms = std::collections::HashMap::new();
    let roster = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "query($c: ID!) { class(id: $c) { children(first: 50) { nodes { id pseudonym } } } }",
            json!({ "c": world.class_a.id }),
        )
        .await;
    for node in roster.ok()["class"]["children"]["nodes"]
        .as_array()
        .unwrap()
    {
        pseudonyms.insert(
            node["id"].as_str().unwrap().to_owned(),
            node["pseudonym"].as_str().unwrap().to_owned(),
        );
    }
    let files_before = renditions(&app).await;
    let mut proposals = Vec::new();
    for (index, pupil) in pupils.iter().enumerate() {
        record_consent(&app, &world.teacher_a, &pupil.id).await;
        let token = child_token(&app, &world.class_a.code, &pupil.pin).await;
        let media = upload(&app, &token, u8::try_from(index).unwrap()).await;
        let text = if index == 0 {
            "爸爸喝醉了就打我"
        } else {
            "公园的秋千坏了"
        };
        let input = json!({ "i": { "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
            "topic": "places_to_play", "consentToPublish": true,
            "answers": [{ "key": "noticed", "text": text }, { "key": "idea", "text": "我叫王小明，电话13812345678" },
                { "key": "drawing", "media": [media] }] } });
        let answer = app
            .graphql_as(
                Some(&token),
                "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
                input,
            )
            .await;
        proposals.push(
            answer.ok()["submitProposal"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert!(renditions(&app).await > files_before);
    app.run_pending().await;
    // All but the disclosure go to the department; a few are answered and published.
    for id in &proposals[1..] {
        app.graphql_as(Some(&world.teacher_a.token), APPROVE, json!({ "p": id }))
            .await
            .ok();
    }
    app.run_pending().await;
    let tasks = app
        .graphql_as(
            Some(&world.clerk.token),
            "{ departmentTasks(first: 50) { nodes { id proposalId } } }",
            json!({}),
        )
        .await;
    let tasks = tasks.ok()["departmentTasks"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(tasks.len(), 19);
    for task in tasks.iter().take(3) {
        let t = json!({ "t": task["id"] });
        app.graphql_as(
            Some(&world.clerk.token),
            "mutation($t: ID!) { signForTask(taskId: $t) { state } }",
            t.clone(),
        )
        .await
        .ok();
        app.graphql_as(Some(&world.clerk.token), "mutation($t: ID!) { answerTask(taskId: $t, input: { outcome: ADOPTED, officialText: \"采纳。\", childText: \"会修好！\" }) { task { state } } }", t)
            .await
            .ok();
        app.graphql_as(
            Some(&world.coordinator.token),
            "mutation($p: ID!) { publishProposal(id: $p) { id } }",
            json!({ "p": task["proposalId"] }),
        )
        .await
        .ok();
    }
    app.run_pending().await;
    let ids: Vec<&str> = pupils.iter().map(|p| p.id.as_str()).collect();
    let proposals_before = app.count("SELECT COUNT(*) AS n FROM proposals").await;
    let tasks_before = app.count("SELECT COUNT(*) AS n FROM tasks").await;

    // All twenty leave the school; a year and a day later the retention job erases them.
    for pupil in &pupils {
        app.graphql_as(
            Some(&world.teacher_a.token),
            "mutation($c: ID!) { markChildLeft(childId: $c) }",
            json!({ "c": pupil.id }),
        )
        .await
        .ok();
    }
    app.clock.advance(chrono::Duration::days(366));
    app.run_pending().await;

    for id in &ids {
        let pseudonym = &pseudonyms[*id];
        assert_nothing_names(&app, id, pseudonym, "erased by the retention job").await;
    }
    let texts = app.count("SELECT COUNT(*) AS n FROM proposals WHERE CAST(answers AS TEXT) LIKE '%13812345678%' OR CAST(answers AS TEXT) LIKE '%王小明%'").await;
    assert_eq!(texts, 0, "the personal information in their words is gone");
    assert_eq!(
        renditions(&app).await,
        files_before,
        "their images are gone"
    );
    if let Some(url) = crate::helpers::databases::test_redis_url() {
        let mut redis = redis::Client::open(url)
            .unwrap()
            .get_connection_manager()
            .await
            .unwrap();
        for id in &ids {
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{}*{id}*", app.redis_prefix()))
                .query_async(&mut redis)
                .await
                .unwrap();
            assert!(keys.is_empty(), "Redis still names {id}: {keys:?}");
        }
    }
    // The anonymous district records and the safeguarding case remain.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM proposals").await,
        proposals_before
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM tasks").await,
        tasks_before
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM safeguarding_cases WHERE child_id IS NULL")
            .await,
        1
    );
    let wall = app
        .graphql(
            "{ publishedProposals { nodes { id texts { text } images } } }",
            json!({}),
        )
        .await;
    let nodes = wall.ok()["publishedProposals"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(nodes.len(), 3, "published records stay, anonymous");
    assert!(nodes.iter().all(|n| n["images"] == json!([])));
    // A second run erases nothing.
    let again = tongsheng::services::privacy::retention_run(&app.state, false)
        .await
        .unwrap();
    assert!(again.is_empty());
    let compliance = app
        .graphql_as(
            Some(
                &app.sign_in_staff("coordinator", crate::helpers::world::PASSWORD)
                    .await,
            ),
            "{ complianceReport(year: 2027) { erasures } }",
            json!({}),
        )
        .await;
    assert_eq!(compliance.ok()["complianceReport"]["erasures"], 20);
}

async fn public_surfaces(app: &TestApp) -> String {
    let mut all = String::new();
    let wall = app
        .graphql(
            "{ publishedProposals { nodes { id texts { text } } } }",
            json!({}),
        )
        .await;
    all.push_str(&wall.ok().to_string());
    for path in ["/", "/feed.atom", "/published.csv"] {
        all.push_str(&app.get(path).await.1);
    }
    all
}

async fn withdrawn_consent_takes_a_childs_items_off_every_public_view(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let first = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修好")],
    )
    .await;
    let second = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "滑梯坏了"), ("idea", "修好")],
    )
    .await;
    let pending = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "沙坑脏了"), ("idea", "换沙")],
    )
    .await;
    app.run_pending().await;
    approve_answer_publish(&app, &world, &first).await;
    approve_answer_publish(&app, &world, &second).await;
    let before = public_surfaces(&app).await;
    assert!(before.contains(&first) && before.contains(&second));

    // The child takes one back from the public.
    let withdrawn = app
        .graphql_as(
            Some(&token),
            "mutation($p: ID!) { withdrawPublicationConsent(proposalId: $p) { id } }",
            json!({ "p": second }),
        )
        .await;
    withdrawn.ok();
    let after = public_surfaces(&app).await;
    assert!(after.contains(&first) && !after.contains(&second));

    // The guardian withdraws consent: nothing of the child is public, and what waits for the
    // teacher goes no further.
    app.graphql_as(
        Some(&world.teacher_a.token),
        "mutation($k: ID!) { withdrawGuardianConsent(childId: $k) { id } }",
        json!({ "k": world.class_a.children[0].id }),
    )
    .await
    .ok();
    let after = public_surfaces(&app).await;
    assert!(!after.contains(&first) && !after.contains(&second));
    let one = app
        .graphql(
            "query($p: ID!) { publishedProposal(id: $p) { id } }",
            json!({ "p": first }),
        )
        .await;
    assert_eq!(one.ok()["publishedProposal"], Value::Null);
    let mine = app
        .graphql_as(
            Some(&token),
            "{ myProposals { nodes { id status } } }",
            json!({}),
        )
        .await;
    let status = mine.ok()["myProposals"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == pending.as_str())
        .unwrap()["status"]
        .clone();
    assert_eq!(status, "WITHDRAWN");
    let report = app
        .graphql_as(
            Some(&world.coordinator.token),
            "{ complianceReport(year: 2026) { consentWithdrawals } }",
            json!({}),
        )
        .await;
    assert_eq!(report.ok()["complianceReport"]["consentWithdrawals"], 2);
}

/// The rows of the access log for an operation.
async fn logged(app: &TestApp, world: &World, operation: &str) -> Vec<Value> {
    let answer = app
        .graphql_as(
            Some(&world.coordinator.token),
            "query($o: String) { accessLog(filter: { operation: $o }, first: 50) { nodes { childId operation staffId } } }",
            json!({ "o": operation }),
        )
        .await;
    answer.ok()["accessLog"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

async fn every_staff_read_of_a_childs_data_leaves_exactly_one_log_row(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let child = world.class_a.children[0].id.clone();
    let clean = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修好")],
    )
    .await;
    submit(
        &app,
        &token,
        &campaign,
        "safety",
        &[("noticed", "我不想活了"), ("idea", "帮帮我")],
    )
    .await;
    app.run_pending().await;
    let reads: [(&str, &crate::helpers::world::Person, &str, Value, usize); 5] = [
        (
            "child",
            &world.teacher_a,
            "query($c: ID!) { child(id: $c) { pseudonym } }",
            json!({ "c": child }),
            1,
        ),
        (
            "class.children",
            &world.teacher_a,
            "query($c: ID!) { class(id: $c) { children { nodes { id } } } }",
            json!({ "c": world.class_a.id }),
            3,
        ),
        (
            "moderation.queue",
            &world.teacher_a,
            "query($c: ID!) { moderationQueue(classId: $c) { nodes { id } } }",
            json!({ "c": world.class_a.id }),
            1,
        ),
        (
            "moderation.log",
            &world.teacher_a,
            "query($p: ID!) { moderationLog(proposalId: $p) { decision } }",
            json!({ "p": clean }),
            1,
        ),
        (
            "safeguarding.cases",
            &world.lead_a,
            "{ safeguardingCases { nodes { id } } }",
            json!({}),
            1,
        ),
    ];
    for (operation, person, query, variables, rows) in reads {
        assert!(
            logged(&app, &world, operation).await.is_empty(),
            "{operation}"
        );
        let answer: Answer = app.graphql_as(Some(&person.token), query, variables).await;
        answer.ok();
        let entries = logged(&app, &world, operation).await;
        assert_eq!(entries.len(), rows, "{operation}: {entries:?}");
        assert!(
            entries.iter().all(|e| e["staffId"] == person.id),
            "{operation}"
        );
        if rows == 1 {
            assert_eq!(entries[0]["childId"], child, "{operation}");
        }
    }
    // A decision's answer shows the child's words: one row too.
    app.graphql_as(
        Some(&world.teacher_a.token),
        "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: APPROVE }) { id } }",
        json!({ "p": clean }),
    )
    .await
    .ok();
    assert_eq!(logged(&app, &world, "moderateProposal").await.len(), 1);
    // A refused read leaves no row.
    app.graphql_as(
        Some(&world.teacher_b.token),
        "query($c: ID!) { child(id: $c) { pseudonym } }",
        json!({ "c": child }),
    )
    .await;
    assert_eq!(logged(&app, &world, "child").await.len(), 1);
}

async fn teachers_request_exports_and_erasures_that_coordinators_decide(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let child = world.class_a.children[0].id.clone();
    let media = upload(&app, &token, 9).await;
    let input = json!({ "i": { "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
        "topic": "places_to_play", "consentToPublish": true,
        "answers": [{ "key": "noticed", "text": "秋千坏了" }, { "key": "idea", "text": "修好" }, { "key": "drawing", "media": [media] }] } });
    app.graphql_as(
        Some(&token),
        "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
        input,
    )
    .await
    .ok();
    const FILE: &str = "mutation($c: ID!, $k: DataRequestKind!) { fileDataRequest(childId: $c, kind: $k, reason: \"家长申请\") { id state } }";
    const DECIDE: &str =
        "mutation($r: ID!, $a: Boolean!) { decideDataRequest(id: $r, approve: $a) { state } }";
    let other = app
        .graphql_as(
            Some(&world.teacher_b.token),
            FILE,
            json!({ "c": child, "k": "EXPORT" }),
        )
        .await;
    assert_eq!(other.error_code(), Some("NOT_FOUND"), "not their pupil");
    let export = app
        .graphql_as(
            Some(&world.teacher_a.token),
            FILE,
            json!({ "c": child, "k": "EXPORT" }),
        )
        .await;
    let export = export.ok()["fileDataRequest"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_teacher = app
        .graphql_as(
            Some(&world.teacher_a.token),
            DECIDE,
            json!({ "r": export, "a": true }),
        )
        .await;
    assert_eq!(by_teacher.error_code(), Some("FORBIDDEN"));
    let url = app.url(&format!("/privacy/requests/{export}/export.zip"));
    let early = app
        .client
        .get(&url)
        .bearer_auth(&world.coordinator.token)
        .send()
        .await
        .unwrap();
    assert_eq!(early.status(), 404, "not before it is approved");
    let approved = app
        .graphql_as(
            Some(&world.coordinator.token),
            DECIDE,
            json!({ "r": export, "a": true }),
        )
        .await;
    assert_eq!(approved.ok()["decideDataRequest"]["state"], "APPROVED");
    let zip = app
        .client
        .get(&url)
        .bearer_auth(&world.coordinator.token)
        .send()
        .await
        .unwrap();
    assert_eq!(zip.status(), 200);
    let bytes = zip.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|name| name.unwrap().into_owned())
        .collect();
    assert!(names.contains(&"child.json".to_owned()));
    assert!(names.contains(&format!("images/{media}.jpg")));
    let mut json = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("child.json").unwrap(), &mut json).unwrap();
    let record: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(record["child"]["id"], child);
    assert_eq!(record["proposals"][0]["answers"][0]["text"], "秋千坏了");
    let teacher_download = app
        .client
        .get(&url)
        .bearer_auth(&world.teacher_a.token)
        .send()
        .await
        .unwrap();
    assert_eq!(teacher_download.status(), 403);

    let erasure = app
        .graphql_as(
            Some(&world.teacher_a.token),
            FILE,
            json!({ "c": child, "k": "ERASURE" }),
        )
        .await;
    let erasure = erasure.ok()["fileDataRequest"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pending = app
        .graphql_as(
            Some(&world.coordinator.token),
            "{ dataRequests { id kind } }",
            json!({}),
        )
        .await;
    assert_eq!(
        pending.ok()["dataRequests"],
        json!([{ "id": erasure, "kind": "ERASURE" }])
    );
    let done = app
        .graphql_as(
            Some(&world.coordinator.token),
            DECIDE,
            json!({ "r": erasure, "a": true }),
        )
        .await;
    assert_eq!(done.ok()["decideDataRequest"]["state"], "DONE");
    let gone = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "query($c: ID!) { child(id: $c) { pseudonym } }",
            json!({ "c": child }),
        )
        .await;
    assert_eq!(gone.error_code(), Some("NOT_FOUND"));
    let signed_in = app
        .graphql_as(Some(&token), "{ myProposals { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        signed_in.error_code(),
        Some("UNAUTHENTICATED"),
        "their session ended with them"
    );
    let report = app
        .graphql_as(Some(&world.coordinator.token), "{ complianceReport(year: 2026) { requestsFiled requestsDecided erasures readsByRole { role reads } } }", json!({}))
        .await;
    let report = report.ok()["complianceReport"].clone();
    assert_eq!(
        (
            report["requestsFiled"].clone(),
            report["requestsDecided"].clone(),
            report["erasures"].clone()
        ),
        (json!(2), json!(2), json!(1))
    );
    let csv = app
        .client
        .get(app.url("/reports/compliance/2026.csv"))
        .bearer_auth(&world.coordinator.token)
        .send()
        .await
        .unwrap();
    let csv = csv.text().await.unwrap();
    assert!(
        csv.starts_with("measure,value") && csv.contains("erasures,1"),
        "{csv}"
    );
}

/// Runs `tongsheng retention run` against the app's SQLite database, with no retention period.
fn retention(app: &TestApp, dry_run: bool) -> String {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tongsheng"));
    command.args(["retention", "run"]);
    if dry_run {
        command.arg("--dry-run");
    }
    let output = command
        .env("DATA_DIR", app.data_dir())
        .env("SECRET_KEY", app.secret())
        .env("DEMO", "false")
        .env("RETENTION_DAYS", "0")
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn the_retention_command_lists_then_erases_and_then_finds_nothing() {
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .spawn()
        .await;
    let (world, _, _) = class_with_child(&app).await;
    let child = world.class_a.children[0].id.clone();
    app.graphql_as(
        Some(&world.teacher_a.token),
        "mutation($c: ID!) { markChildLeft(childId: $c) }",
        json!({ "c": child }),
    )
    .await
    .ok();
    let listed = retention(&app, true);
    assert!(
        listed.contains("would erase 1 children") && listed.contains(&child),
        "{listed}"
    );
    let still = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "query($c: ID!) { child(id: $c) { id } }",
            json!({ "c": child }),
        )
        .await;
    still.ok();
    let erased = retention(&app, false);
    assert!(erased.contains("erased 1 children"), "{erased}");
    let gone = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "query($c: ID!) { child(id: $c) { id } }",
            json!({ "c": child }),
        )
        .await;
    assert_eq!(gone.error_code(), Some("NOT_FOUND"));
    assert!(retention(&app, false).contains("erased 0 children"));
}

#[tokio::test]
async fn the_compliance_report_costs_the_same_sql_however_many_staff_read() {
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .spawn()
        .await;
    // The teacher read the child's data when recording the consent.
    let (world, campaign, child) = crate::helpers::world::class_with_child(&app).await;
    let proposal = crate::helpers::world::submit(
        &app,
        &child,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修好")],
    )
    .await;
    let coordinator = Some(world.coordinator.token.as_str());
    let report = "{ complianceReport(year: 2026) { readsByRole { role reads } } }";
    app.graphql_as(coordinator, report, json!({})).await.ok();
    let before = app.statements().await;
    let first = app.graphql_as(coordinator, report, json!({})).await;
    let first_cost = app.statements().await - before;
    let first_roles = first.ok()["complianceReport"]["readsByRole"]
        .as_array()
        .unwrap()
        .len();
    // The coordinator reads the proposal's moderation log: a read by a second role.
    app.graphql_as(
        coordinator,
        "query($p: ID!) { moderationLog(proposalId: $p) { decision } }",
        json!({ "p": proposal }),
    )
    .await
    .ok();
    let before = app.statements().await;
    let second = app.graphql_as(coordinator, report, json!({})).await;
    let second_cost = app.statements().await - before;
    let second_roles = second.ok()["complianceReport"]["readsByRole"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        (first_roles, second_roles),
        (1, 2),
        "one role read, then two"
    );
    assert_eq!(first_cost, second_cost, "a row per role, not a query");
}
