//! A teacher's review: the queue with the screen's findings, the four decisions, kind words for
//! the child, false alarms as allow-list suggestions, and the moderation log.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::TestApp;
use crate::helpers::world::{World, class_with_child, submit};

both_databases!(
    the_queue_shows_findings_and_proposed_redactions_oldest_first,
    approval_applies_redactions_and_the_confirmed_topic_and_is_logged,
    a_returned_or_rejected_child_reads_kind_words_that_never_repeat_theirs,
    a_message_to_the_child_that_repeats_a_flagged_word_is_refused,
    false_alarms_become_suggestions_that_only_coordinators_decide,
    a_decision_with_bad_spans_topics_or_images_is_refused_field_by_field,
);

const QUEUE: &str = "query($c: ID!) { moderationQueue(classId: $c) { nodes { id status screeningAction findings { field kind subkind start end excerpt } proposedRedactions { field start end excerpt } } } }";
const MODERATE: &str = "mutation($p: ID!, $i: ModerateProposalInput!) { moderateProposal(id: $p, input: $i) { id status topic } }";
const LOG: &str = "query($p: ID!) { moderationLog(proposalId: $p) { decision reason screeningAction message staffId topicBefore topicAfter textBefore { answers { key text } } textAfter { answers { key text } } } }";
const MINE: &str = "{ myProposals { nodes { id status statusLabel timeline { status note } } } }";

async fn queue(app: &TestApp, world: &World) -> Vec<Value> {
    let answer = app
        .graphql_as(
            Some(&world.teacher_a.token),
            QUEUE,
            json!({ "c": world.class_a.id }),
        )
        .await;
    answer.ok()["moderationQueue"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

async fn moderate(app: &TestApp, world: &World, id: &str, input: Value) -> crate::helpers::Answer {
    app.graphql_as(
        Some(&world.teacher_a.token),
        MODERATE,
        json!({ "p": id, "i": input }),
    )
    .await
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

fn field_error(answer: &crate::helpers::Answer) -> (Value, Value) {
    let field = &answer.body["errors"][0]["extensions"]["fields"][0];
    (field["path"].clone(), field["code"].clone())
}

async fn the_queue_shows_findings_and_proposed_redactions_oldest_first(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let clean = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千太少"), ("idea", "多放几个秋千")],
    )
    .await;
    let flagged = submit(
        &app,
        &token,
        &campaign,
        "safety",
        &[
            ("noticed", "他们说我是傻 逼"),
            ("idea", "有事打13812345678"),
        ],
    )
    .await;
    assert!(
        queue(&app, &world).await.is_empty(),
        "nothing before screening"
    );
    assert_eq!(app.run_pending().await, 2);

    let nodes = queue(&app, &world).await;
    let ids: Vec<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [clean.as_str(), flagged.as_str()], "oldest first");
    assert_eq!(nodes[0]["screeningAction"], "PUBLISH");
    assert_eq!(nodes[0]["findings"], json!([]));
    assert_eq!(nodes[1]["status"], "AWAITING_REVIEW");
    assert_eq!(nodes[1]["screeningAction"], "REVIEW");
    assert_eq!(
        nodes[1]["findings"],
        json!([
            { "field": "answers.noticed", "kind": "ABUSE", "subkind": "insult", "start": 5, "end": 8, "excerpt": "傻 逼" },
            { "field": "answers.idea", "kind": "PII", "subkind": "mobile", "start": 3, "end": 14, "excerpt": "13812345678" },
        ])
    );
    assert_eq!(
        nodes[1]["proposedRedactions"],
        json!([{ "field": "answers.idea", "start": 3, "end": 14, "excerpt": "13812345678" }])
    );

    // Reading the queue is a read of each child's data, logged once per child.
    let log = app
        .graphql_as(
            Some(&world.coordinator.token),
            "{ accessLog { nodes { operation childId } } }",
            json!({}),
        )
        .await;
    let reads = log.ok()["accessLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["operation"] == "moderation.queue")
        .count();
    assert_eq!(
        reads, 1,
        "one row for the read that showed the child's two proposals (the first read showed none)"
    );

    // Another class's teacher sees nothing of it.
    let other = app
        .graphql_as(
            Some(&world.teacher_a2.token),
            QUEUE,
            json!({ "c": world.class_a.id }),
        )
        .await;
    assert_eq!(other.error_code(), Some("NOT_FOUND"));
}

async fn approval_applies_redactions_and_the_confirmed_topic_and_is_logged(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let id = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[
            ("noticed", "路口没有红绿灯"),
            ("idea", "装红绿灯，有事打 138 1234 5678"),
        ],
    )
    .await;
    app.run_pending().await;
    let approved = moderate(
        &app,
        &world,
        &id,
        json!({ "decision": "APPROVE", "topic": "way_to_school" }),
    )
    .await;
    assert_eq!(approved.ok()["moderateProposal"]["status"], "APPROVED");
    assert_eq!(approved.ok()["moderateProposal"]["topic"], "way_to_school");
    assert!(queue(&app, &world).await.is_empty());
    let child_view = mine(&app, &token, &id).await;
    assert_eq!(
        child_view["status"], "ROUTED",
        "approval hands it to the department at once"
    );

    let log = app
        .graphql_as(Some(&world.teacher_a.token), LOG, json!({ "p": id }))
        .await;
    let entries = log.ok()["moderationLog"].as_array().unwrap().clone();
    let decisions: Vec<&str> = entries
        .iter()
        .map(|e| e["decision"].as_str().unwrap())
        .collect();
    assert_eq!(decisions, ["SCREEN", "APPROVE"]);
    assert_eq!(
        entries[0]["staffId"],
        Value::Null,
        "the screen decided first"
    );
    assert_eq!(entries[0]["screeningAction"], "REDACT");
    assert_eq!(entries[0]["reason"], Value::Null);
    let approval = &entries[1];
    assert_eq!(approval["staffId"], world.teacher_a.id);
    assert_eq!(approval["topicBefore"], "places_to_play");
    assert_eq!(approval["topicAfter"], "way_to_school");
    assert_eq!(
        approval["textBefore"]["answers"][1]["text"],
        "装红绿灯，有事打 138 1234 5678"
    );
    assert_eq!(
        approval["textAfter"]["answers"][1]["text"],
        "装红绿灯，有事打 ＊＊＊"
    );
    assert_eq!(
        approval["textAfter"]["answers"][0]["text"],
        "路口没有红绿灯"
    );

    // Decided once: a second decision is refused by the lifecycle.
    let again = moderate(
        &app,
        &world,
        &id,
        json!({ "decision": "REJECT", "reason": "OFF_TOPIC" }),
    )
    .await;
    assert_eq!(again.error_code(), Some("INVALID_TRANSITION"));
    // Coordinators read the log too; other teachers do not.
    let coordinator = app
        .graphql_as(Some(&world.coordinator.token), LOG, json!({ "p": id }))
        .await;
    assert_eq!(
        coordinator.ok()["moderationLog"].as_array().unwrap().len(),
        2
    );
    let other = app
        .graphql_as(Some(&world.teacher_b.token), LOG, json!({ "p": id }))
        .await;
    assert_eq!(other.error_code(), Some("NOT_FOUND"));
}

async fn a_returned_or_rejected_child_reads_kind_words_that_never_repeat_theirs(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let unkind = submit(
        &app,
        &token,
        &campaign,
        "school_life",
        &[("noticed", "同桌是个王八蛋"), ("idea", "换座位")],
    )
    .await;
    let off_topic = submit(
        &app,
        &token,
        &campaign,
        "school_life",
        &[("noticed", "我喜欢恐龙"), ("idea", "恐龙很大")],
    )
    .await;
    let own_words = submit(
        &app,
        &token,
        &campaign,
        "school_life",
        &[("noticed", "作业多"), ("idea", "少一点")],
    )
    .await;
    app.run_pending().await;

    let returned = moderate(
        &app,
        &world,
        &unkind,
        json!({ "decision": "RETURN_FOR_CHANGES", "reason": "UNKIND_WORDS" }),
    )
    .await;
    assert_eq!(
        returned.ok()["moderateProposal"]["status"],
        "RETURNED_FOR_CHANGES"
    );
    let view = mine(&app, &token, &unkind).await;
    let note = view["timeline"].as_array().unwrap().last().unwrap()["note"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        note, "你的想法很有意思。里面有些话可能会让别人难过，请换一种友善的说法再提交。",
        "the default text for band B"
    );
    assert!(!note.contains("王八蛋"));

    let rejected = moderate(
        &app,
        &world,
        &off_topic,
        json!({ "decision": "REJECT", "reason": "OFF_TOPIC" }),
    )
    .await;
    assert_eq!(rejected.ok()["moderateProposal"]["status"], "REJECTED");
    let view = mine(&app, &token, &off_topic).await;
    assert_eq!(view["status"], "REJECTED");
    assert_eq!(
        view["timeline"].as_array().unwrap().last().unwrap()["note"],
        "谢谢你的分享。这次活动收集的是关于城市和社区的建议，请换一个相关的想法。"
    );

    let nothing_said = moderate(&app, &world, &own_words, json!({ "decision": "REJECT" })).await;
    assert_eq!(nothing_said.error_code(), Some("VALIDATION"));
    assert_eq!(
        field_error(&nothing_said),
        (json!(["input", "reason"]), json!("REQUIRED"))
    );
    let in_own_words = moderate(
        &app,
        &world,
        &own_words,
        json!({ "decision": "RETURN_FOR_CHANGES", "messageToChild": "能说说哪门课的作业最多吗？" }),
    )
    .await;
    in_own_words.ok();
    let view = mine(&app, &token, &own_words).await;
    assert_eq!(
        view["timeline"].as_array().unwrap().last().unwrap()["note"],
        "能说说哪门课的作业最多吗？"
    );
}

async fn a_message_to_the_child_that_repeats_a_flagged_word_is_refused(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let id = submit(
        &app,
        &token,
        &campaign,
        "school_life",
        &[("noticed", "他是个王八蛋"), ("idea", "不和他玩")],
    )
    .await;
    app.run_pending().await;
    let repeats = moderate(
        &app,
        &world,
        &id,
        json!({ "decision": "RETURN_FOR_CHANGES", "messageToChild": "不要说别人是王八蛋哦" }),
    )
    .await;
    assert_eq!(
        field_error(&repeats),
        (
            json!(["input", "messageToChild"]),
            json!("REPEATS_FLAGGED_WORDS")
        )
    );
    let unkind = moderate(
        &app,
        &world,
        &id,
        json!({ "decision": "RETURN_FOR_CHANGES", "messageToChild": "你真是个傻逼" }),
    )
    .await;
    assert_eq!(
        field_error(&unkind),
        (json!(["input", "messageToChild"]), json!("NOT_KIND"))
    );
    let view = mine(&app, &token, &id).await;
    assert_eq!(view["status"], "AWAITING_REVIEW", "nothing changed");
}

async fn false_alarms_become_suggestions_that_only_coordinators_decide(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let id = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[
            ("noticed", "村里养了很多肥猪，很臭"),
            ("idea", "猪圈离学校远一点"),
        ],
    )
    .await;
    app.run_pending().await;
    let nodes = queue(&app, &world).await;
    let finding = nodes[0]["findings"][0].clone();
    assert_eq!(finding["excerpt"], "肥猪");
    let approved = moderate(
        &app,
        &world,
        &id,
        json!({ "decision": "APPROVE", "falseAlarms": [{ "field": finding["field"], "start": finding["start"], "end": finding["end"] }] }),
    )
    .await;
    approved.ok();

    const SUGGESTIONS: &str = "{ allowListSuggestions { nodes { id phrase kind subkind state } } }";
    let teacher = app
        .graphql_as(Some(&world.teacher_a.token), SUGGESTIONS, json!({}))
        .await;
    assert_eq!(teacher.error_code(), Some("FORBIDDEN"));
    let listed = app
        .graphql_as(Some(&world.coordinator.token), SUGGESTIONS, json!({}))
        .await;
    let suggestion = listed.ok()["allowListSuggestions"]["nodes"][0].clone();
    assert_eq!(suggestion["phrase"], "肥猪");
    assert_eq!(suggestion["kind"], "ABUSE");
    assert_eq!(suggestion["state"], "OPEN");

    const DECIDE: &str =
        "mutation($s: ID!) { decideAllowListSuggestion(id: $s, accept: true) { state } }";
    let decided = app
        .graphql_as(
            Some(&world.coordinator.token),
            DECIDE,
            json!({ "s": suggestion["id"] }),
        )
        .await;
    assert_eq!(
        decided.ok()["decideAllowListSuggestion"]["state"],
        "ACCEPTED"
    );
    let twice = app
        .graphql_as(
            Some(&world.coordinator.token),
            DECIDE,
            json!({ "s": suggestion["id"] }),
        )
        .await;
    assert_eq!(twice.error_code(), Some("INVALID_TRANSITION"));
    let open = app
        .graphql_as(Some(&world.coordinator.token), SUGGESTIONS, json!({}))
        .await;
    assert_eq!(open.ok()["allowListSuggestions"]["nodes"], json!([]));
    let accepted = app
        .graphql_as(
            Some(&world.coordinator.token),
            "{ allowListSuggestions(state: ACCEPTED) { nodes { phrase } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        accepted.ok()["allowListSuggestions"]["nodes"][0]["phrase"],
        "肥猪"
    );

    // The screen has not learnt anything: the same words are flagged again.
    let again = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "村里养了很多肥猪"), ("idea", "搬走")],
    )
    .await;
    app.run_pending().await;
    let nodes = queue(&app, &world).await;
    let node = nodes.iter().find(|n| n["id"] == again).unwrap();
    assert_eq!(node["findings"][0]["excerpt"], "肥猪");
}

async fn a_decision_with_bad_spans_topics_or_images_is_refused_field_by_field(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let id = submit(
        &app,
        &token,
        &campaign,
        "safety",
        &[("noticed", "路口危险"), ("idea", "装灯")],
    )
    .await;
    app.run_pending().await;
    let cases = [
        (
            json!({ "decision": "APPROVE", "redactions": [{ "field": "answers.idea", "start": 0, "end": 9 }] }),
            json!(["input", "redactions", "0"]),
            "OUT_OF_RANGE",
        ),
        (
            json!({ "decision": "APPROVE", "redactions": [{ "field": "answers.nope", "start": 0, "end": 1 }] }),
            json!(["input", "redactions", "0"]),
            "UNKNOWN_FIELD",
        ),
        (
            json!({ "decision": "APPROVE", "redactions": [{ "field": "answers.idea", "start": -1, "end": 1 }] }),
            json!(["input", "redactions", "0"]),
            "OUT_OF_RANGE",
        ),
        (
            json!({ "decision": "APPROVE", "topic": "health" }),
            json!(["input", "topic"]),
            "UNKNOWN_TOPIC",
        ),
        (
            json!({ "decision": "APPROVE", "falseAlarms": [{ "field": "answers.idea", "start": 0, "end": 1 }] }),
            json!(["input", "falseAlarms", "0"]),
            "NO_SUCH_FINDING",
        ),
        (
            json!({ "decision": "APPROVE", "media": [{ "id": uuid::Uuid::now_v7().to_string(), "publishable": true }] }),
            json!(["input", "media", "0", "id"]),
            "NOT_ATTACHED",
        ),
    ];
    for (input, path, code) in cases {
        let answer = moderate(&app, &world, &id, input.clone()).await;
        assert_eq!(
            answer.error_code(),
            Some("VALIDATION"),
            "{input}: {}",
            answer.body
        );
        assert_eq!(field_error(&answer), (path, json!(code)), "{input}");
    }
    assert_eq!(mine(&app, &token, &id).await["status"], "AWAITING_REVIEW");
    let approved = moderate(
        &app,
        &world,
        &id,
        json!({ "decision": "APPROVE", "redactions": [] }),
    )
    .await;
    assert_eq!(approved.ok()["moderateProposal"]["status"], "APPROVED");
}
