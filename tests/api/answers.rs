//! Answers, publicity and the child's verdict: the whole loop end to end, the child text checked
//! for its band, duplicates answered once, publication only with consent, the public wall, feed
//! and CSV, and answers that go unrated closing by themselves.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::world::{World, approve, class_with_child, submit};
use crate::helpers::{Answer, TestApp};

both_databases!(
    the_whole_loop_from_campaign_to_a_closed_answer,
    the_child_text_is_checked_for_its_band,
    duplicates_are_answered_once_for_every_child,
    publication_needs_the_childs_consent_and_can_follow_the_answer,
    an_unrated_answer_closes_after_fourteen_days,
);

const QUEUE: &str = "query($s: [TaskState!]) { departmentTasks(filter: { states: $s }) { nodes { id proposalId state } } }";
const SIGN: &str = "mutation($t: ID!) { signForTask(taskId: $t) { state } }";
const ANSWER: &str = "mutation($t: ID!, $i: TaskAnswerInput!) { answerTask(taskId: $t, input: $i) { task { state } warnings { word suggestion start end } } }";
const MINE: &str = "{ myProposals { nodes { id status statusLabel canRate expectedAnswerBy answer { outcome text } progress { stage text } } } }";
const RATE: &str = "mutation($p: ID!, $r: AnswerRating!, $c: String) { rateAnswer(proposalId: $p, rating: $r, comment: $c) { status canRate } }";
const PUBLISH: &str = "mutation($p: ID!) { publishProposal(id: $p) { id proposer { label school } texts { text } answer { childText } } }";
const WALL: &str = "{ publishedProposals { nodes { id topic proposer { label } texts { key text } department { code } answer { outcome childText officialText } progress { stage text } } } }";

/// The clerk's task for a proposal.
async fn task_of(app: &TestApp, world: &World, proposal: &str) -> String {
    let answer = app
        .graphql_as(Some(&world.clerk.token), QUEUE, json!({}))
        .await;
    answer.ok()["departmentTasks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["proposalId"] == proposal)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn as_clerk(app: &TestApp, world: &World, query: &str, variables: Value) -> Answer {
    app.graphql_as(Some(&world.clerk.token), query, variables)
        .await
}

fn answer_input(outcome: &str, child_text: &str) -> Value {
    json!({ "outcome": outcome, "officialText": "经研究，采纳该建议，将于2027年3月前完成秋千维修。", "childText": child_text, "plannedCompletion": "2027-03-01" })
}

async fn mine(app: &TestApp, token: &str, id: &str) -> Value {
    let answer = app.graphql_as(Some(token), MINE, json!({})).await;
    answer.ok()["myProposals"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .cloned()
        .unwrap()
}

/// Submitted, screened, approved and signed for: (proposal id, task id).
async fn signed_for(app: &TestApp, world: &World, campaign: &str, token: &str) -> (String, String) {
    let id = submit(
        app,
        token,
        campaign,
        "places_to_play",
        &[("noticed", "公园的秋千坏了"), ("idea", "把秋千修好")],
    )
    .await;
    app.run_pending().await;
    approve(app, world, &id).await;
    let task = task_of(app, world, &id).await;
    as_clerk(app, world, SIGN, json!({ "t": task })).await.ok();
    (id, task)
}

async fn the_whole_loop_from_campaign_to_a_closed_answer(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let (id, task) = signed_for(&app, &world, &campaign, &token).await;
    assert_eq!(mine(&app, &token, &id).await["status"], "SIGNED_FOR");

    let answered = as_clerk(
        &app,
        &world,
        ANSWER,
        json!({ "t": task, "i": answer_input("ADOPTED", "谢谢你！我们会统筹安排，明年三月前把秋千修好。") }),
    )
    .await;
    let answered = answered.ok()["answerTask"].clone();
    assert_eq!(answered["task"]["state"], "ANSWERED");
    assert_eq!(
        answered["warnings"],
        json!([{ "word": "统筹", "suggestion": "一起安排", "start": 7, "end": 9 }])
    );
    let child = mine(&app, &token, &id).await;
    assert_eq!(child["status"], "ANSWERED");
    assert_eq!(child["canRate"], true);
    assert_eq!(child["answer"]["outcome"], "ADOPTED");
    assert_eq!(
        child["answer"]["text"],
        "谢谢你！我们会统筹安排，明年三月前把秋千修好。"
    );

    // Nothing is public until a coordinator publishes it.
    let wall = app.graphql(WALL, json!({})).await;
    assert_eq!(wall.ok()["publishedProposals"]["nodes"], json!([]));
    let by_clerk = as_clerk(&app, &world, PUBLISH, json!({ "p": id })).await;
    assert_eq!(by_clerk.error_code(), Some("FORBIDDEN"));
    let published = app
        .graphql_as(Some(&world.coordinator.token), PUBLISH, json!({ "p": id }))
        .await;
    let published = published.ok()["publishProposal"].clone();
    // One child of the class took part: the school is left out.
    assert_eq!(
        published["proposer"],
        json!({ "label": "四年级", "school": null })
    );
    assert_eq!(mine(&app, &token, &id).await["status"], "PUBLISHED");
    let wall = app.graphql(WALL, json!({})).await;
    let item = wall.ok()["publishedProposals"]["nodes"][0].clone();
    assert_eq!(item["id"], id);
    assert_eq!(item["department"]["code"], "construction");
    assert_eq!(item["texts"][1]["text"], "把秋千修好");
    assert_eq!(
        item["answer"]["childText"],
        "谢谢你！我们会统筹安排，明年三月前把秋千修好。"
    );

    // Progress reaches the child and the wall.
    let progress = "mutation($t: ID!) { postProgress(taskId: $t, stage: IN_PROGRESS, text: \"已完成采购，正在安装。\", childText: \"新秋千已经买好，正在装啦！\") { state } }";
    as_clerk(&app, &world, progress, json!({ "t": task }))
        .await
        .ok();
    let child = mine(&app, &token, &id).await;
    assert_eq!(
        child["progress"],
        json!([{ "stage": "IN_PROGRESS", "text": "新秋千已经买好，正在装啦！" }])
    );

    // Not satisfied: back to the department, once.
    let rated = app
        .graphql_as(
            Some(&token),
            RATE,
            json!({ "p": id, "r": "NOT_SATISFIED", "c": "秋千还是坏的" }),
        )
        .await;
    assert_eq!(rated.ok()["rateAnswer"]["status"], "REOPENED");
    let again = app
        .graphql_as(Some(&token), RATE, json!({ "p": id, "r": "SATISFIED" }))
        .await;
    assert_eq!(
        again.error_code(),
        Some("INVALID_TRANSITION"),
        "nothing to rate now"
    );
    let reopened = as_clerk(&app, &world, QUEUE, json!({ "s": ["REOPENED"] })).await;
    assert_eq!(reopened.ok()["departmentTasks"]["nodes"][0]["id"], task);
    as_clerk(&app, &world, SIGN, json!({ "t": task }))
        .await
        .ok();
    as_clerk(
        &app,
        &world,
        ANSWER,
        json!({ "t": task, "i": answer_input("ALREADY_DONE", "秋千已经修好啦，快去试试吧！") }),
    )
    .await
    .ok();
    let wall = app.graphql(WALL, json!({})).await;
    assert_eq!(
        wall.ok()["publishedProposals"]["nodes"][0]["answer"]["childText"],
        "秋千已经修好啦，快去试试吧！",
        "the wall shows the latest answer"
    );
    // Not satisfied a second time: it closes (a task reopens once).
    let rated = app
        .graphql_as(Some(&token), RATE, json!({ "p": id, "r": "NOT_SATISFIED" }))
        .await;
    assert_eq!(rated.ok()["rateAnswer"]["status"], "CLOSED");
    assert_eq!(rated.ok()["rateAnswer"]["canRate"], false);

    // Every step reached the child as a notification.
    let notes = app
        .graphql_as(
            Some(&token),
            "{ myNotifications { nodes { kind status text } } }",
            json!({}),
        )
        .await;
    let kinds: Vec<String> = notes.ok()["myNotifications"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        // A new status says which; progress is its own kind.
        .map(|n| {
            n["status"]
                .as_str()
                .or(n["kind"].as_str())
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "SUBMITTED",
            "AWAITING_REVIEW",
            "ROUTED",
            "SIGNED_FOR",
            "ANSWERED",
            "PUBLISHED",
            "PROGRESS",
            "REOPENED",
            "SIGNED_FOR",
            "ANSWERED",
            "CLOSED"
        ]
    );

    // The statistics count it, small numbers hidden.
    let stats = app
        .graphql(
            "query($c: ID) { publicStats(campaignId: $c) { proposals byStage { key count } overall { tasks satisfactionRate } } }",
            json!({ "c": campaign }),
        )
        .await;
    let stats = stats.ok()["publicStats"].clone();
    assert_eq!(stats["proposals"], "<5");
    assert_eq!(stats["overall"]["tasks"], "<5");
    assert_eq!(stats["overall"]["satisfactionRate"], Value::Null);

    // The coordinators' report has the exact figures, as data, CSV and XLSX.
    let report = app
        .graphql_as(
            Some(&world.coordinator.token),
            "query($c: ID!) { campaignReport(campaignId: $c) { departments { code tasks answered extensions bounces rated satisfactionRate outcomes { outcome count } } } }",
            json!({ "c": campaign }),
        )
        .await;
    let row = report.ok()["campaignReport"]["departments"][0].clone();
    assert_eq!(row["code"], "construction");
    assert_eq!(
        (
            row["tasks"].clone(),
            row["answered"].clone(),
            row["rated"].clone()
        ),
        (json!(1), json!(1), json!(2))
    );
    assert_eq!(row["satisfactionRate"], 0.0);
    assert!(
        row["outcomes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "outcome": "ALREADY_DONE", "count": 1 }))
    );
    let by_clerk = as_clerk(
        &app,
        &world,
        "query($c: ID!) { campaignReport(campaignId: $c) { title } }",
        json!({ "c": campaign }),
    )
    .await;
    assert_eq!(by_clerk.error_code(), Some("FORBIDDEN"));
    for (format, magic) in [("csv", "部门代码".as_bytes()), ("xlsx", b"PK".as_slice())] {
        let url = app.url(&format!("/reports/campaigns/{campaign}.{format}"));
        let response = app
            .client
            .get(&url)
            .bearer_auth(&world.coordinator.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{format}");
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(magic), "{format}");
        if format == "csv" {
            // The export as a coordinator's spreadsheet shows it, figure by figure.
            insta::assert_snapshot!(
                "campaign_report_csv",
                String::from_utf8(bytes.to_vec()).unwrap()
            );
        }
        let refused = app
            .client
            .get(&url)
            .bearer_auth(&world.clerk.token)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);
        if format == "xlsx" {
            use calamine::Reader as _;
            let mut book: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
            let sheet = book.worksheet_range("答复情况").unwrap();
            assert_eq!(
                sheet.get_value((2, 0)).map(|c| c.to_string()),
                Some("construction".into())
            );
        }
    }
}

async fn the_child_text_is_checked_for_its_band(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let (_, task) = signed_for(&app, &world, &campaign, &token).await;
    // Class A is band B (9-11): at most 240 characters.
    let long = "好".repeat(241);
    let refused = as_clerk(
        &app,
        &world,
        ANSWER,
        json!({ "t": task, "i": answer_input("ADOPTED", &long) }),
    )
    .await;
    assert_eq!(refused.error_code(), Some("VALIDATION"));
    let field = &refused.body["errors"][0]["extensions"]["fields"][0];
    assert_eq!(field["path"], json!(["input", "childText"]));
    assert_eq!(field["code"], "TOO_LONG");
    let past = json!({ "outcome": "ADOPTED", "officialText": "好", "childText": "好", "plannedCompletion": "2020-01-01", "costYuan": -5 });
    let refused = as_clerk(&app, &world, ANSWER, json!({ "t": task, "i": past })).await;
    let paths: Vec<Value> = refused.body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].clone())
        .collect();
    assert_eq!(
        paths,
        [
            json!(["input", "costYuan"]),
            json!(["input", "plannedCompletion"])
        ]
    );
    let fits = "好".repeat(240);
    let answered = as_clerk(
        &app,
        &world,
        ANSWER,
        json!({ "t": task, "i": answer_input("ADOPTED", &fits) }),
    )
    .await;
    assert_eq!(answered.ok()["answerTask"]["warnings"], json!([]));
    let templates = as_clerk(
        &app,
        &world,
        "{ answerTemplates(topic: \"places_to_play\", outcome: ADOPTED) { topic childText } }",
        json!({}),
    )
    .await;
    let templates = templates.ok()["answerTemplates"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(templates[0]["topic"], "places_to_play");
    assert_eq!(templates.last().unwrap()["topic"], Value::Null);
}

async fn duplicates_are_answered_once_for_every_child(app: TestApp) {
    let (world, campaign, first_token) = class_with_child(&app).await;
    let second = &world.class_a.children[1];
    crate::helpers::world::record_consent(&app, &world.teacher_a, &second.id).await;
    let second_token =
        crate::helpers::world::child_token(&app, &world.class_a.code, &second.pin).await;
    let (first, first_task) = signed_for(&app, &world, &campaign, &first_token).await;
    let other = submit(
        &app,
        &second_token,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修一修")],
    )
    .await;
    app.run_pending().await;
    approve(&app, &world, &other).await;
    let other_task = task_of(&app, &world, &other).await;
    let link =
        "mutation($t: ID!, $d: ID!) { linkDuplicate(taskId: $t, duplicateOfTaskId: $d) { id } }";
    let self_link = as_clerk(
        &app,
        &world,
        link,
        json!({ "t": first_task, "d": first_task }),
    )
    .await;
    assert_eq!(self_link.error_code(), Some("VALIDATION"));
    as_clerk(
        &app,
        &world,
        link,
        json!({ "t": other_task, "d": first_task }),
    )
    .await
    .ok();
    let on_duplicate = as_clerk(
        &app,
        &world,
        ANSWER,
        json!({ "t": other_task, "i": answer_input("ADOPTED", "秋千会修好。") }),
    )
    .await;
    assert_eq!(
        on_duplicate.body["errors"][0]["extensions"]["fields"][0]["code"],
        "LINKED_DUPLICATE"
    );
    as_clerk(
        &app,
        &world,
        ANSWER,
        json!({ "t": first_task, "i": answer_input("ADOPTED", "秋千会修好。") }),
    )
    .await
    .ok();
    for (token, id) in [(&first_token, &first), (&second_token, &other)] {
        let child = mine(&app, token, id).await;
        assert_eq!(child["status"], "ANSWERED", "{id}");
        assert_eq!(child["answer"]["text"], "秋千会修好。");
    }
}

async fn publication_needs_the_childs_consent_and_can_follow_the_answer(app: TestApp) {
    let world = World::build(&app).await;
    let pupil = &world.class_a.children[0];
    crate::helpers::world::record_consent(&app, &world.teacher_a, &pupil.id).await;
    let token = crate::helpers::world::child_token(&app, &world.class_a.code, &pupil.pin).await;
    // A campaign that publishes as soon as an answer is given.
    let input = json!({ "i": {
        "title": "我心中的儿童友好城市", "description": "说说你的想法", "bands": ["B"], "topics": ["places_to_play"],
        "opensAt": (crate::helpers::test_start() - chrono::Duration::hours(1)).to_rfc3339(),
        "closesAt": (crate::helpers::test_start() + chrono::Duration::days(7)).to_rfc3339(),
        "publication": "AFTER_ANSWER",
    }});
    let coordinator = Some(world.coordinator.token.as_str());
    let created = app
        .graphql_as(
            coordinator,
            "mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }",
            input,
        )
        .await;
    let campaign = created.ok()["createCampaign"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.graphql_as(
        coordinator,
        "mutation($c: ID!) { openCampaign(id: $c) { id } }",
        json!({ "c": campaign }),
    )
    .await
    .ok();
    let (agreed, agreed_task) = signed_for(&app, &world, &campaign, &token).await;
    as_clerk(
        &app,
        &world,
        ANSWER,
        json!({ "t": agreed_task, "i": answer_input("ADOPTED", "会修好。") }),
    )
    .await
    .ok();
    assert_eq!(
        mine(&app, &token, &agreed).await["status"],
        "PUBLISHED",
        "published on answering"
    );

    // A child who did not agree to publication: answered, never public.
    let submit_private = "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }";
    let private = app
        .graphql_as(Some(&token), submit_private, json!({ "i": {
            "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(), "topic": "places_to_play",
            "consentToPublish": false, "answers": [{ "key": "noticed", "text": "滑梯坏了" }, { "key": "idea", "text": "修" }] } }))
        .await;
    let private = private.ok()["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.run_pending().await;
    approve(&app, &world, &private).await;
    let private_task = task_of(&app, &world, &private).await;
    as_clerk(&app, &world, SIGN, json!({ "t": private_task }))
        .await
        .ok();
    as_clerk(
        &app,
        &world,
        ANSWER,
        json!({ "t": private_task, "i": answer_input("ADOPTED", "会修好。") }),
    )
    .await
    .ok();
    assert_eq!(mine(&app, &token, &private).await["status"], "ANSWERED");
    let refused = app
        .graphql_as(coordinator, PUBLISH, json!({ "p": private }))
        .await;
    assert_eq!(refused.error_code(), Some("CONSENT_REQUIRED"));
    let wall = app.graphql(WALL, json!({})).await;
    let ids: Vec<&str> = wall.ok()["publishedProposals"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [agreed.as_str()]);
    let one = app
        .graphql(
            "query($p: ID!) { publishedProposal(id: $p) { id } }",
            json!({ "p": private }),
        )
        .await;
    assert_eq!(one.ok()["publishedProposal"], Value::Null);

    // The wall, the feed and the CSV show the published one and only it.
    for path in ["/", "/feed.atom", "/published.csv"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            body.contains(&agreed),
            "{path} lists the published proposal"
        );
        assert!(
            !body.contains(&private),
            "{path} never lists the private one"
        );
    }
    let (_, page) = app.get("/").await;
    assert!(page.contains("孩子们的建议墙") && page.contains("会修好。") && page.contains("<svg"));
    let (_, filtered) = app.get("/?topic=health").await;
    assert!(!filtered.contains("会修好。"), "filtered by topic");
}

async fn an_unrated_answer_closes_after_fourteen_days(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let (id, task) = signed_for(&app, &world, &campaign, &token).await;
    as_clerk(
        &app,
        &world,
        ANSWER,
        json!({ "t": task, "i": answer_input("NOT_FEASIBLE", "这次做不到，谢谢你。") }),
    )
    .await
    .ok();
    app.clock.advance(chrono::Duration::days(13));
    app.run_pending().await;
    let token = crate::helpers::world::child_token(
        &app,
        &world.class_a.code,
        &world.class_a.children[0].pin,
    )
    .await;
    assert_eq!(mine(&app, &token, &id).await["status"], "ANSWERED");
    app.clock.advance(chrono::Duration::days(2));
    app.run_pending().await;
    let token = crate::helpers::world::child_token(
        &app,
        &world.class_a.code,
        &world.class_a.children[0].pin,
    )
    .await;
    let child = mine(&app, &token, &id).await;
    assert_eq!(child["status"], "CLOSED");
    assert_eq!(child["canRate"], false);
}
