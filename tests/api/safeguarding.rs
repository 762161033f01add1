//! Safeguarding: a disclosure goes to the school's lead at once, never to a queue, a department
//! or the public, and the child reads a neutral status. The lead records what was done.

use serde_json::{Value, json};
use std::time::Duration;

use crate::both_databases;
use crate::helpers::TestApp;
use crate::helpers::live::Live;
use crate::helpers::world::{class_with_child, submit};

both_databases!(
    a_disclosure_goes_to_the_lead_at_once_and_nowhere_else,
    a_teacher_escalates_and_the_lead_records_actions_until_the_case_closes,
);

const CASES: &str = "{ safeguardingCases { nodes { id status openedByTeacher signals noteFromTeacher child { pseudonym className } proposal { id answers { key text } } actions { kind reference occurredOn } closingNote } } }";
const OPENED: &str = "subscription { safeguardingCaseOpened { id signals proposal { id } } }";
const MINE: &str =
    "{ myProposals { nodes { id status statusLabel timeline { status label note } } } }";

async fn cases(app: &TestApp, token: &str) -> crate::helpers::Answer {
    app.graphql_as(Some(token), CASES, json!({})).await
}

async fn a_disclosure_goes_to_the_lead_at_once_and_nowhere_else(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let mut live = Live::start(&app, Some(&world.lead_a.token), OPENED).await;
    // The subscription starts asynchronously: disclose until the lead hears of one.
    let mut disclosed = Vec::new();
    let mut heard = None;
    for _ in 0..10 {
        let id = submit(
            &app,
            &token,
            &campaign,
            "safety",
            &[
                ("noticed", "爸爸喝醉了就打我，我不敢回家"),
                ("idea", "想有人帮帮我"),
            ],
        )
        .await;
        disclosed.push(id);
        app.run_pending().await;
        if let Some(message) = live.next(Duration::from_millis(500)).await {
            heard = Some(message["payload"]["data"]["safeguardingCaseOpened"].clone());
            break;
        }
    }
    let heard = heard.expect("the lead hears of the case");
    // Hit when drunk, and afraid to go home: both are signals.
    assert_eq!(heard["signals"], json!(["ABUSE_AT_HOME", "RUNNING_AWAY"]));
    assert!(disclosed.contains(&heard["proposal"]["id"].as_str().unwrap().to_owned()));

    // The outbox carries the event for every case opened, for systems beyond this one.
    let events = count_outbox(&app, "safeguarding.case_opened").await;
    assert_eq!(events, disclosed.len());

    // The child reads a neutral status, never a refusal.
    let mine = app.graphql_as(Some(&token), MINE, json!({})).await;
    for proposal in mine.ok()["myProposals"]["nodes"].as_array().unwrap() {
        assert_eq!(proposal["status"], "TEACHER_WILL_TALK");
        assert_eq!(
            proposal["statusLabel"],
            "老师看到了你写的话，会找时间和你聊一聊"
        );
        let steps: Vec<&str> = proposal["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["status"].as_str().unwrap())
            .collect();
        assert_eq!(steps, ["SUBMITTED", "TEACHER_WILL_TALK"]);
    }

    // The teacher's queue never holds it; the lead of the school has every case with the text.
    let queue = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "query($c: ID!) { moderationQueue(classId: $c) { nodes { id } } }",
            json!({ "c": world.class_a.id }),
        )
        .await;
    assert_eq!(queue.ok()["moderationQueue"]["nodes"], json!([]));
    let listed = cases(&app, &world.lead_a.token).await;
    let nodes = listed.ok()["safeguardingCases"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(nodes.len(), disclosed.len());
    assert_eq!(nodes[0]["status"], "OPEN");
    assert_eq!(nodes[0]["openedByTeacher"], false);
    assert!(
        nodes[0]["child"]["pseudonym"]
            .as_str()
            .is_some_and(|p| !p.is_empty())
    );
    assert!(nodes[0]["child"]["className"].is_string());
    assert_eq!(
        nodes[0]["proposal"]["answers"][0]["text"],
        "爸爸喝醉了就打我，我不敢回家"
    );

    // The other school's lead sees none of it; departments and teachers may not ask.
    let other = cases(&app, &world.lead_b.token).await;
    assert_eq!(other.ok()["safeguardingCases"]["nodes"], json!([]));
    let department = app
        .graphql_as(
            Some(&world.clerk.token),
            "{ departmentTasks { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        department.ok()["departmentTasks"]["nodes"],
        json!([]),
        "never a task"
    );
    for token in [
        &world.clerk.token,
        &world.teacher_a.token,
        &world.coordinator.token,
    ] {
        assert_eq!(cases(&app, token).await.error_code(), Some("FORBIDDEN"));
    }
}

async fn count_outbox(app: &TestApp, topic: &str) -> usize {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => "SELECT COUNT(*) AS n FROM outbox WHERE topic = $1",
        _ => "SELECT COUNT(*) AS n FROM outbox WHERE topic = ?",
    };
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [topic.into()]))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap() as usize
}

async fn a_teacher_escalates_and_the_lead_records_actions_until_the_case_closes(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let id = submit(
        &app,
        &token,
        &campaign,
        "school_life",
        &[("noticed", "我最近不想上学"), ("idea", "希望有人听我说")],
    )
    .await;
    app.run_pending().await;
    let escalated = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "mutation($p: ID!, $i: ModerateProposalInput!) { moderateProposal(id: $p, input: $i) { status } }",
            json!({ "p": id, "i": { "decision": "ESCALATE", "noteForLead": "她这周课间一直一个人哭" } }),
        )
        .await;
    assert_eq!(escalated.ok()["moderateProposal"]["status"], "ESCALATED");
    let mine = app.graphql_as(Some(&token), MINE, json!({})).await;
    assert_eq!(
        mine.ok()["myProposals"]["nodes"][0]["status"],
        "TEACHER_WILL_TALK"
    );

    let listed = cases(&app, &world.lead_a.token).await;
    let case = listed.ok()["safeguardingCases"]["nodes"][0].clone();
    assert_eq!(case["openedByTeacher"], true);
    assert_eq!(case["noteFromTeacher"], "她这周课间一直一个人哭");
    let case_id = case["id"].as_str().unwrap().to_owned();

    const CLOSE: &str = "mutation($c: ID!, $n: String!, $o: CaseOutcomeInput!) { closeSafeguardingCase(caseId: $c, note: $n, outcome: $o) { status closingNote outcome { reportedTo reportedOn noReportReason } } }";
    let reported_to = json!({ "reportedTo": "上虞公安", "reportedOn": "2026-11-30" });
    const RECORD: &str = "mutation($c: ID!, $i: SafeguardingActionInput!) { recordSafeguardingAction(caseId: $c, input: $i) { actions { kind reference occurredOn } } }";
    let lead = Some(world.lead_a.token.as_str());
    let early = app
        .graphql_as(
            lead,
            CLOSE,
            json!({ "c": case_id, "n": "已处理", "o": reported_to }),
        )
        .await;
    assert_eq!(
        early.body["errors"][0]["extensions"]["fields"][0]["code"],
        "NO_ACTION_RECORDED"
    );

    let record = |input: Value| {
        let app = &app;
        let case_id = case_id.clone();
        async move {
            app.graphql_as(lead, RECORD, json!({ "c": case_id, "i": input }))
                .await
        }
    };
    let talked = record(
        json!({ "kind": "TALKED_WITH_CHILD", "occurredOn": "2026-11-30", "note": "单独谈话" }),
    )
    .await;
    assert_eq!(
        talked.ok()["recordSafeguardingAction"]["actions"][0]["kind"],
        "TALKED_WITH_CHILD"
    );
    let no_reference =
        record(json!({ "kind": "REPORTED_TO_POLICE", "occurredOn": "2026-11-30" })).await;
    assert_eq!(
        no_reference.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["input", "reference"])
    );
    let future = record(json!({ "kind": "INFORMED_GUARDIAN", "occurredOn": "2026-12-25" })).await;
    assert_eq!(
        future.body["errors"][0]["extensions"]["fields"][0]["code"],
        "IN_THE_FUTURE"
    );
    let reported = record(json!({ "kind": "REPORTED_TO_POLICE", "occurredOn": "2026-11-30", "reference": "上虞公安 20261130-017" })).await;
    let actions = reported.ok()["recordSafeguardingAction"]["actions"].clone();
    assert_eq!(actions[1]["reference"], "上虞公安 20261130-017");

    let elsewhere = app
        .graphql_as(
            Some(&world.lead_b.token),
            RECORD,
            json!({ "c": case_id, "i": { "kind": "TALKED_WITH_CHILD", "occurredOn": "2026-11-30" } }),
        )
        .await;
    assert_eq!(elsewhere.error_code(), Some("NOT_FOUND"));

    // Closing needs its outcome: whom it was reported to and when, or why no report was needed.
    for (outcome, path) in [
        (json!({}), "reportedTo"),
        (json!({ "reportedTo": "上虞公安" }), "reportedOn"),
        (
            json!({ "reportedTo": "上虞公安", "reportedOn": "2026-11-30", "noReportReason": "x" }),
            "noReportReason",
        ),
    ] {
        let refused = app
            .graphql_as(
                lead,
                CLOSE,
                json!({ "c": case_id, "n": "已处理", "o": outcome }),
            )
            .await;
        assert_eq!(
            refused.body["errors"][0]["extensions"]["fields"][0]["path"],
            json!(["outcome", path]),
            "{:?}",
            refused.body
        );
    }
    let closed = app
        .graphql_as(
            lead,
            CLOSE,
            json!({ "c": case_id, "n": "已报警并转介心理老师", "o": reported_to }),
        )
        .await;
    assert_eq!(closed.ok()["closeSafeguardingCase"]["status"], "CLOSED");
    assert_eq!(
        closed.ok()["closeSafeguardingCase"]["outcome"],
        json!({ "reportedTo": "上虞公安", "reportedOn": "2026-11-30", "noReportReason": null })
    );
    let after = record(json!({ "kind": "TALKED_WITH_CHILD", "occurredOn": "2026-11-30" })).await;
    assert_eq!(after.error_code(), Some("INVALID_TRANSITION"));
    let open_only = app
        .graphql_as(
            lead,
            "{ safeguardingCases(status: OPEN) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(open_only.ok()["safeguardingCases"]["nodes"], json!([]));
}

#[tokio::test]
async fn a_page_of_cases_costs_the_same_sql_whatever_its_size() {
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .spawn()
        .await;
    let (world, campaign, token) = class_with_child(&app).await;
    for n in 0..6 {
        submit(
            &app,
            &token,
            &campaign,
            "safety",
            &[
                (
                    "noticed",
                    &format!("爸爸喝醉了就打我，第{n}次了，我不敢回家"),
                ),
                ("idea", "想有人帮帮我"),
            ],
        )
        .await;
    }
    app.run_pending().await;
    // The lead's session, read once, is then held in memory.
    app.graphql_as(Some(&world.lead_a.token), "{ viewer { kind } }", json!({}))
        .await
        .ok();
    let mut costs = Vec::new();
    for first in [2, 6] {
        let before = app.statements().await;
        let page = app
            .graphql_as(
                Some(&world.lead_a.token),
                "query($n: Int) { safeguardingCases(first: $n) { nodes { id child { pseudonym className } proposal { id } actions { kind } } } }",
                json!({ "n": first }),
            )
            .await;
        assert_eq!(
            page.ok()["safeguardingCases"]["nodes"]
                .as_array()
                .unwrap()
                .len(),
            first as usize
        );
        costs.push(app.statements().await - before);
    }
    assert!(costs[0] > 0);
    assert_eq!(costs[0], costs[1], "2 and 6 cases cost alike: {costs:?}");
}
