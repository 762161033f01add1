//! The plan's mechanism (issue 20): a standing channel open at any time, townships and
//! subdistricts as areas that route to their own queues, and short tracking references.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::world::{World, approve, child_token, record_consent, staff};
use crate::helpers::{Answer, TestApp};

both_databases!(
    a_child_sends_an_idea_outside_any_campaign_and_it_is_answered,
    coordinators_pause_the_standing_channel_for_a_school_or_the_district,
    a_place_in_a_township_routes_to_the_township_s_queue_with_the_bureau_helping,
    children_back_published_ideas_once_each_and_duplicates_pool_their_backers,
    every_topic_has_a_picture_to_pick,
    a_campaign_adds_its_own_questions_of_the_kinds_each_band_allows,
);

const SUBMIT: &str = "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id reference areaCode campaignId } }";
const CONSTRUCTION: &str = "0193e0a0-0000-7000-8001-000000000006";

fn idea(area: Option<&str>) -> Value {
    json!({ "i": {
        "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
        "topic": "places_to_play", "consentToPublish": true, "areaCode": area,
        "answers": [{ "key": "noticed", "text": "小区旁边的秋千坏了" }, { "key": "idea", "text": "把秋千修好" }],
    }})
}

/// An idea on the older bands' form (class B is in band C).
fn older_idea() -> Value {
    json!({ "i": {
        "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
        "topic": "places_to_play", "consentToPublish": true,
        "answers": [{ "key": "title", "text": "修秋千" }, { "key": "problem", "text": "公园的秋千坏了很久" }, { "key": "suggestion", "text": "请尽快修好" }],
    }})
}

/// The world and the first class-A child (band B), with consent, signed in.
async fn ready(app: &TestApp) -> (World, String) {
    let world = World::build(app).await;
    let pupil = &world.class_a.children[0];
    record_consent(app, &world.teacher_a, &pupil.id).await;
    let token = child_token(app, &world.class_a.code, &pupil.pin).await;
    (world, token)
}

async fn task_in_queue(app: &TestApp, token: &str, proposal: &str, co: bool) -> Option<String> {
    let answer = app
        .graphql_as(
            Some(token),
            "query($f: TaskFilterInput) { departmentTasks(filter: $f, first: 50) { nodes { id proposalId } } }",
            json!({ "f": { "asCoDepartment": co } }),
        )
        .await;
    answer.ok()["departmentTasks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|task| task["proposalId"] == proposal)
        .map(|task| task["id"].as_str().unwrap().to_owned())
}

async fn a_child_sends_an_idea_outside_any_campaign_and_it_is_answered(app: TestApp) {
    let (world, token) = ready(&app).await;
    let sent = app
        .graphql_as(Some(&token), SUBMIT, idea(Some("baiguan")))
        .await;
    let sent = sent.ok()["submitProposal"].clone();
    let id = sent["id"].as_str().unwrap().to_owned();
    let reference = sent["reference"].as_str().unwrap().to_owned();
    assert!(
        reference.starts_with("SY-26-") && reference.len() == 11,
        "{reference}"
    );
    assert_eq!(sent["areaCode"], "baiguan");
    app.run_pending().await;
    approve(&app, &world, &id).await;
    // No rule for 百官: the topic's own rule, the construction bureau.
    let task = task_in_queue(&app, &world.clerk.token, &id, false)
        .await
        .expect("in the construction bureau's queue");
    let t = json!({ "t": task });
    app.graphql_as(
        Some(&world.clerk.token),
        "mutation($t: ID!) { signForTask(taskId: $t) { state } }",
        t.clone(),
    )
    .await
    .ok();
    let answered = app
        .graphql_as(
            Some(&world.clerk.token),
            "mutation($t: ID!) { answerTask(taskId: $t, input: { outcome: ADOPTED, officialText: \"采纳。\", childText: \"我们下个月就修好秋千！\" }) { task { state } } }",
            t,
        )
        .await;
    assert_eq!(answered.ok()["answerTask"]["task"]["state"], "ANSWERED");
    let mine = app
        .graphql_as(
            Some(&token),
            "{ myProposals { nodes { id status reference answer { text } } } }",
            json!({}),
        )
        .await;
    let mine = mine.ok()["myProposals"]["nodes"][0].clone();
    assert_eq!(mine["status"], "ANSWERED");
    assert_eq!(mine["reference"], reference.as_str());
    assert_eq!(mine["answer"]["text"], "我们下个月就修好秋千！");

    // Staff find it by the reference however it is typed; others do not.
    let find = "query($r: String!) { findProposal(reference: $r) { id status taskId } }";
    let spoken = reference.to_lowercase().replace('-', " ");
    for token in [
        &world.teacher_a.token,
        &world.clerk.token,
        &world.coordinator.token,
    ] {
        let found = app
            .graphql_as(Some(token), find, json!({ "r": spoken }))
            .await;
        assert_eq!(found.ok()["findProposal"]["id"], id.as_str());
        assert_eq!(found.ok()["findProposal"]["status"], "ANSWERED");
    }
    for token in [&world.teacher_b.token, &world.lead_b.token] {
        let found = app
            .graphql_as(Some(token), find, json!({ "r": reference }))
            .await;
        assert_eq!(found.error_code(), Some("NOT_FOUND"));
    }
    let unknown = app
        .graphql_as(
            Some(&world.coordinator.token),
            find,
            json!({ "r": "SY-26-22222" }),
        )
        .await;
    assert_eq!(unknown.error_code(), Some("NOT_FOUND"));

    // An area that is not one of the district's is refused on its field.
    let wrong = app
        .graphql_as(Some(&token), SUBMIT, idea(Some("atlantis")))
        .await;
    assert_eq!(wrong.error_code(), Some("VALIDATION"));
    assert_eq!(
        wrong.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["input", "areaCode"])
    );
    assert_eq!(
        wrong.body["errors"][0]["extensions"]["fields"][0]["code"],
        "UNKNOWN_AREA"
    );
}

fn standing_listed(answer: &Answer) -> bool {
    answer.ok()["openCampaigns"]
        .as_array()
        .unwrap()
        .iter()
        .any(|campaign| campaign["standing"] == true)
}

async fn coordinators_pause_the_standing_channel_for_a_school_or_the_district(app: TestApp) {
    let (world, token) = ready(&app).await;
    let open = "{ openCampaigns { id standing } }";
    assert!(standing_listed(
        &app.graphql_as(Some(&token), open, json!({})).await
    ));
    let coordinator = Some(world.coordinator.token.as_str());
    let pause = "mutation($s: ID) { pauseStandingChannel(schoolId: $s) { pausedDistrictWide pausedSchoolIds } }";
    let resume = "mutation($s: ID) { resumeStandingChannel(schoolId: $s) { pausedDistrictWide pausedSchoolIds } }";

    let paused = app
        .graphql_as(coordinator, pause, json!({ "s": world.school_a }))
        .await;
    assert_eq!(
        paused.ok()["pauseStandingChannel"]["pausedSchoolIds"],
        json!([world.school_a])
    );
    assert!(!standing_listed(
        &app.graphql_as(Some(&token), open, json!({})).await
    ));
    let refused = app.graphql_as(Some(&token), SUBMIT, idea(None)).await;
    assert_eq!(refused.error_code(), Some("CAMPAIGN_CLOSED"));
    // Another school's children still send.
    let other = &world.class_b.children[0];
    record_consent(&app, &world.teacher_b, &other.id).await;
    let other = child_token(&app, &world.class_b.code, &other.pin).await;
    app.graphql_as(Some(&other), SUBMIT, older_idea())
        .await
        .ok();

    app.graphql_as(coordinator, resume, json!({ "s": world.school_a }))
        .await
        .ok();
    app.graphql_as(Some(&token), SUBMIT, idea(None)).await.ok();

    let district = app.graphql_as(coordinator, pause, json!({})).await;
    assert_eq!(
        district.ok()["pauseStandingChannel"]["pausedDistrictWide"],
        true
    );
    let refused = app.graphql_as(Some(&other), SUBMIT, older_idea()).await;
    assert_eq!(refused.error_code(), Some("CAMPAIGN_CLOSED"));
    let state = app
        .graphql_as(
            coordinator,
            "{ standingChannel { campaignId pausedDistrictWide } }",
            json!({}),
        )
        .await;
    assert_eq!(state.ok()["standingChannel"]["pausedDistrictWide"], true);
    app.graphql_as(coordinator, resume, json!({})).await.ok();
    app.graphql_as(Some(&other), SUBMIT, older_idea())
        .await
        .ok();

    // It is paused and resumed, never edited or closed.
    let campaign = state.ok()["standingChannel"]["campaignId"].clone();
    let closed = app
        .graphql_as(
            coordinator,
            "mutation($c: ID!) { closeCampaign(id: $c) { id } }",
            json!({ "c": campaign }),
        )
        .await;
    assert_eq!(closed.error_code(), Some("VALIDATION"));
    assert_eq!(
        closed.body["errors"][0]["extensions"]["fields"][0]["code"],
        "STANDING"
    );
}

async fn a_place_in_a_township_routes_to_the_township_s_queue_with_the_bureau_helping(
    app: TestApp,
) {
    let (world, token) = ready(&app).await;
    let caoe = crate::helpers::world::department_id(&app, "caoe").await;
    let township = staff(
        &app,
        &world.coordinator,
        "caoe.clerk",
        "DEPARTMENT_STAFF",
        None,
        Some(&caoe),
    )
    .await;
    let rule = app
        .graphql_as(
            Some(&world.coordinator.token),
            "mutation($i: RoutingRuleInput!) { setRoutingRule(input: $i) { areaCode leadDepartmentId } }",
            json!({ "i": { "topic": "places_to_play", "areaCode": "caoe", "leadDepartmentId": caoe, "coDepartmentIds": [CONSTRUCTION] } }),
        )
        .await;
    assert_eq!(rule.ok()["setRoutingRule"]["areaCode"], "caoe");

    let in_caoe = app
        .graphql_as(Some(&token), SUBMIT, idea(Some("caoe")))
        .await;
    let in_caoe = in_caoe.ok()["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let elsewhere = app
        .graphql_as(Some(&token), SUBMIT, idea(Some("dongguan")))
        .await;
    let elsewhere = elsewhere.ok()["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.run_pending().await;
    approve(&app, &world, &in_caoe).await;
    approve(&app, &world, &elsewhere).await;

    // The township leads its own; the bureau helps; the other place goes by the topic's rule.
    let task = task_in_queue(&app, &township.token, &in_caoe, false).await;
    assert!(task.is_some(), "in 曹娥's own queue");
    assert!(
        task_in_queue(&app, &world.clerk.token, &in_caoe, true)
            .await
            .is_some()
    );
    assert!(
        task_in_queue(&app, &world.clerk.token, &in_caoe, false)
            .await
            .is_none()
    );
    assert!(
        task_in_queue(&app, &world.clerk.token, &elsewhere, false)
            .await
            .is_some()
    );
    assert!(
        task_in_queue(&app, &township.token, &elsewhere, false)
            .await
            .is_none()
    );
    // Township staff work their queue as a department does.
    let signed = app
        .graphql_as(
            Some(&township.token),
            "mutation($t: ID!) { signForTask(taskId: $t) { state } }",
            json!({ "t": task }),
        )
        .await;
    assert_eq!(signed.ok()["signForTask"]["state"], "SIGNED_FOR");
}

const BACK: &str = "mutation($p: ID!) { backProposal(id: $p) { backers backedByMe } }";

/// Submitted by a child, approved, and in the construction bureau's queue: (proposal, task).
async fn approved(app: &TestApp, world: &World, token: &str) -> (String, String) {
    let sent = app.graphql_as(Some(token), SUBMIT, idea(None)).await;
    let id = sent.ok()["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.run_pending().await;
    approve(app, world, &id).await;
    let task = task_in_queue(app, &world.clerk.token, &id, false)
        .await
        .unwrap();
    (id, task)
}

async fn answer_and_publish(app: &TestApp, world: &World, id: &str, task: &str) {
    let t = json!({ "t": task });
    // A duplicate is answered with its original: then these steps are refused, and that is fine.
    app.graphql_as(
        Some(&world.clerk.token),
        "mutation($t: ID!) { signForTask(taskId: $t) { state } }",
        t.clone(),
    )
    .await;
    app.graphql_as(
        Some(&world.clerk.token),
        "mutation($t: ID!) { answerTask(taskId: $t, input: { outcome: ADOPTED, officialText: \"采纳。\", childText: \"会修好！\" }) { task { state } } }",
        t,
    )
    .await;
    let published = app
        .graphql_as(
            Some(&world.coordinator.token),
            "mutation($p: ID!) { publishProposal(id: $p) { id } }",
            json!({ "p": id }),
        )
        .await;
    assert_eq!(published.ok()["publishProposal"]["id"], id);
}

async fn children_back_published_ideas_once_each_and_duplicates_pool_their_backers(app: TestApp) {
    let (world, first) = ready(&app).await;
    let [_, second, third] = [0, 1, 2].map(|i| world.class_a.children[i].clone());
    for pupil in [&second, &third] {
        record_consent(&app, &world.teacher_a, &pupil.id).await;
    }
    let second = child_token(&app, &world.class_a.code, &second.pin).await;
    let third = child_token(&app, &world.class_a.code, &third.pin).await;
    let (swing, swing_task) = approved(&app, &world, &first).await;
    let (again, again_task) = approved(&app, &world, &third).await;

    // Not before publication.
    let early = app
        .graphql_as(Some(&second), BACK, json!({ "p": swing }))
        .await;
    assert_eq!(early.error_code(), Some("NOT_FOUND"));
    let linked = app
        .graphql_as(
            Some(&world.clerk.token),
            "mutation($t: ID!, $o: ID!) { linkDuplicate(taskId: $t, duplicateOfTaskId: $o) { id } }",
            json!({ "t": again_task, "o": swing_task }),
        )
        .await;
    linked.ok();
    answer_and_publish(&app, &world, &swing, &swing_task).await;
    answer_and_publish(&app, &world, &again, &again_task).await;

    // Once per child; not one's own; under 14 only with a guardian's consent.
    let backed = app
        .graphql_as(Some(&second), BACK, json!({ "p": swing }))
        .await;
    assert_eq!(
        backed.ok()["backProposal"],
        json!({ "backers": 1, "backedByMe": true })
    );
    let twice = app
        .graphql_as(Some(&second), BACK, json!({ "p": swing }))
        .await;
    assert_eq!(twice.ok()["backProposal"]["backers"], 1);
    let own = app
        .graphql_as(Some(&first), BACK, json!({ "p": swing }))
        .await;
    assert_eq!(own.error_code(), Some("VALIDATION"));
    let pupil_b = &world.class_b.children[0];
    let token_b = child_token(&app, &world.class_b.code, &pupil_b.pin).await;
    let no_consent = app
        .graphql_as(Some(&token_b), BACK, json!({ "p": swing }))
        .await;
    assert_eq!(no_consent.error_code(), Some("CONSENT_REQUIRED"));
    record_consent(&app, &world.teacher_b, &pupil_b.id).await;
    // Backing the duplicate counts for the group; the same child twice across it counts once.
    app.graphql_as(Some(&token_b), BACK, json!({ "p": again }))
        .await
        .ok();
    app.graphql_as(Some(&second), BACK, json!({ "p": again }))
        .await
        .ok();

    let wall = "{ publishedProposals { nodes { id backers backedByMe } } }";
    for (token, mine) in [(Some(second.as_str()), true), (None, false)] {
        let answer = app.graphql_as(token, wall, json!({})).await;
        let nodes = answer.ok()["publishedProposals"]["nodes"]
            .as_array()
            .unwrap()
            .clone();
        for node in &nodes {
            assert_eq!(node["backers"], 2, "{node}");
            assert_eq!(node["backedByMe"], mine);
        }
        assert_eq!(nodes.len(), 2);
    }
    let (_, page) = app.get("/").await;
    assert!(page.contains("2 位小朋友也这么想"), "{page}");
    let (_, feed) = app.get("/feed.atom").await;
    assert!(feed.contains("2 位小朋友也这么想"), "{feed}");

    // A guardian who withdraws consent takes the child's backings with it.
    let withdraw = "mutation($c: ID!) { withdrawGuardianConsent(childId: $c) { pseudonym } }";
    let withdrawn = app
        .graphql_as(
            Some(&world.teacher_b.token),
            withdraw,
            json!({ "c": pupil_b.id }),
        )
        .await;
    assert!(withdrawn.error_code().is_none(), "{:?}", withdrawn.body);
    let wall_now = app.graphql(wall, json!({})).await;
    for node in wall_now.ok()["publishedProposals"]["nodes"]
        .as_array()
        .unwrap()
    {
        assert_eq!(node["backers"], 1, "{node}");
    }
    record_consent(&app, &world.teacher_b, &pupil_b.id).await;
    app.graphql_as(Some(&token_b), BACK, json!({ "p": again }))
        .await
        .ok();

    // The department sees the count, and its most backed tasks first.
    let most = app
        .graphql_as(
            Some(&world.clerk.token),
            "{ mostBackedTasks { proposalId backers } }",
            json!({}),
        )
        .await;
    let most = most.ok()["mostBackedTasks"].as_array().unwrap().clone();
    assert_eq!(most.len(), 2);
    assert!(most.iter().all(|task| task["backers"] == 2));
}

async fn every_topic_has_a_picture_to_pick(app: TestApp) {
    let (_, token) = ready(&app).await;
    let open = app
        .graphql_as(
            Some(&token),
            "{ openCampaigns { standing topics { key labelZh picture pictureAlt } } }",
            json!({}),
        )
        .await;
    let standing = open.ok()["openCampaigns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|campaign| campaign["standing"] == true)
        .unwrap()
        .clone();
    let topics = standing["topics"].as_array().unwrap();
    assert_eq!(
        topics.len(),
        13,
        "the standing channel asks about every topic"
    );
    for topic in topics {
        let path = topic["picture"].as_str().unwrap();
        assert_eq!(
            path,
            format!("/topics/{}.svg", topic["key"].as_str().unwrap())
        );
        assert!(!topic["pictureAlt"].as_str().unwrap().is_empty());
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("image/svg+xml")
        );
        let svg = response.text().await.unwrap();
        assert!(svg.contains(&format!(
            "<title>{}</title>",
            topic["pictureAlt"].as_str().unwrap()
        )));
    }
    let (status, _) = app.get("/topics/weather.svg").await;
    assert_eq!(status, 404);
}

async fn a_campaign_adds_its_own_questions_of_the_kinds_each_band_allows(app: TestApp) {
    let (world, token) = ready(&app).await;
    let create = "mutation($i: CampaignInput!) { createCampaign(input: $i) { id forms { band fields { key type label options { key label } } } } }";
    let input = |bands: Value, questions: Value| {
        json!({ "i": {
            "title": "我们的公园", "bands": bands, "topics": ["places_to_play"],
            "opensAt": "2026-11-01T00:00:00Z", "closesAt": "2026-12-31T00:00:00Z",
            "extraQuestions": questions,
        }})
    };
    let questions = json!([
        { "label": "你多久去一次公园？", "type": "SINGLE_CHOICE", "options": ["每天", "每周", "很少"] },
        { "label": "你最喜欢公园里的什么？", "type": "SHORT_TEXT" },
    ]);
    // Band A picks and does not type: no short-text question for it.
    let refused = app
        .graphql_as(
            Some(&world.coordinator.token),
            create,
            input(json!(["A", "B"]), questions.clone()),
        )
        .await;
    assert_eq!(refused.error_code(), Some("VALIDATION"));
    assert_eq!(
        refused.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["input", "extraQuestions", "1", "type"])
    );
    let created = app
        .graphql_as(
            Some(&world.coordinator.token),
            create,
            input(json!(["B"]), questions),
        )
        .await;
    let campaign = created.ok()["createCampaign"].clone();
    let fields = campaign["forms"][0]["fields"].as_array().unwrap().clone();
    let extra: Vec<&Value> = fields
        .iter()
        .filter(|f| f["key"].as_str().unwrap().starts_with("extra"))
        .collect();
    assert_eq!(extra.len(), 2);
    assert_eq!(extra[0]["type"], "SINGLE_CHOICE");
    assert_eq!(
        extra[0]["options"][1],
        json!({ "key": "o2", "label": "每周" })
    );
    assert_eq!(extra[1]["label"], "你最喜欢公园里的什么？");
    let id = campaign["id"].clone();
    app.graphql_as(
        Some(&world.coordinator.token),
        "mutation($c: ID!) { openCampaign(id: $c) { state } }",
        json!({ "c": id }),
    )
    .await
    .ok();

    let submit = |extra: Value| {
        json!({ "i": {
            "campaignId": id, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
            "topic": "places_to_play", "consentToPublish": true,
            "answers": [
                { "key": "noticed", "text": "公园的滑梯太高了" }, { "key": "idea", "text": "加一个矮一点的" },
                extra, { "key": "extra2", "text": "滑梯" },
            ],
        }})
    };
    let sent = app
        .graphql_as(
            Some(&token),
            SUBMIT,
            submit(json!({ "key": "extra1", "choices": ["o2"] })),
        )
        .await;
    assert!(sent.ok()["submitProposal"]["id"].is_string());
    let wrong = app
        .graphql_as(
            Some(&token),
            SUBMIT,
            submit(json!({ "key": "extra1", "choices": ["o9"] })),
        )
        .await;
    assert_eq!(wrong.error_code(), Some("VALIDATION"));
    assert_eq!(
        wrong.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["input", "answers", "extra1"])
    );
}
