//! Solicit, collect, track: coordinators open campaigns, children see the ones that ask them
//! with the form for their age band, submit (safely retried), withdraw, and follow their
//! proposals in words for their age.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::world::{World, child_token, open_campaign, record_consent};
use crate::helpers::{Answer, TestApp};

both_databases!(
    a_child_sees_only_campaigns_that_ask_them_with_the_form_for_their_band,
    a_child_submits_and_follows_their_proposal_in_words_for_their_age,
    every_refusal_has_its_own_code,
    a_retry_returns_the_same_proposal_and_other_content_conflicts,
    concurrent_duplicates_make_one_proposal,
    a_class_submits_at_once,
    a_child_withdraws_before_approval_and_only_their_own,
    coordinators_create_update_open_and_close_campaigns_with_field_errors,
);

const SUBMIT: &str = "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id status statusLabel band topicLabel answers { key text } timeline { status label } } }";

fn band_b_proposal(campaign: &str, submission: &str, idea: &str) -> Value {
    json!({ "i": {
        "campaignId": campaign, "clientSubmissionId": submission, "topic": "places_to_play", "consentToPublish": true,
        "answers": [{ "key": "noticed", "text": "小区里没有秋千" }, { "key": "idea", "text": idea }],
    }})
}

/// A child of class A (band B) with consent, signed in, and an open campaign.
async fn ready(app: &TestApp) -> (World, String, String) {
    let world = World::build(app).await;
    let campaign = open_campaign(app, &world.coordinator, &["A", "B", "C", "D"], None).await;
    let pupil = &world.class_a.children[0];
    record_consent(app, &world.teacher_a, &pupil.id).await;
    let token = child_token(app, &world.class_a.code, &pupil.pin).await;
    (world, campaign, token)
}

async fn a_child_sees_only_campaigns_that_ask_them_with_the_form_for_their_band(app: TestApp) {
    let world = World::build(&app).await;
    let everyone = open_campaign(&app, &world.coordinator, &["A", "B", "C", "D"], None).await;
    let older_only = open_campaign(&app, &world.coordinator, &["D"], None).await;
    let draft = app
        .graphql_as(Some(&world.coordinator.token), "mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }", json!({ "i": {
            "title": "草稿", "bands": ["B"], "topics": ["safety"], "opensAt": "2026-11-01T00:00:00Z", "closesAt": "2026-12-31T00:00:00Z" } }))
        .await;
    draft.ok();
    let query = "{ openCampaigns { id title standing forms { band fields { key type label maxLength } } } }";
    let young = child_token(&app, &world.class_a.code, &world.class_a.children[0].pin).await;
    let answer = app.graphql_as(Some(&young), query, json!({})).await;
    let (standing, campaigns): (Vec<Value>, Vec<Value>) = answer.ok()["openCampaigns"]
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .partition(|campaign| campaign["standing"] == true);
    assert_eq!(standing.len(), 1, "the standing channel is always there");
    assert_eq!(standing[0]["title"], "我的想法");
    assert_eq!(
        campaigns.len(),
        1,
        "not the band-D campaign ({older_only}), not the draft"
    );
    assert_eq!(campaigns[0]["id"], everyone.as_str());
    let form = &campaigns[0]["forms"][0];
    assert_eq!(form["band"], "B", "nine years old");
    let limits: Vec<_> = form["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["maxLength"].as_i64())
        .collect();
    assert_eq!(limits, vec![200, 200]);
    assert_eq!(form["fields"][1]["label"], "我发现了什么");

    let older = child_token(&app, &world.class_b.code, &world.class_b.children[0].pin).await;
    let answer = app.graphql_as(Some(&older), query, json!({})).await;
    assert_eq!(
        answer.ok()["openCampaigns"][0]["forms"][0]["band"],
        "C",
        "thirteen years old"
    );
    let english = app
        .graphql_as(
            Some(&older),
            "{ openCampaigns { forms { fields { label } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        english.ok()["openCampaigns"][0]["forms"][0]["fields"][1]["label"],
        "标题"
    );
}

async fn a_child_submits_and_follows_their_proposal_in_words_for_their_age(app: TestApp) {
    let (_world, campaign, token) = ready(&app).await;
    let submission = uuid::Uuid::new_v4().to_string();
    let answer = app
        .graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(&campaign, &submission, " 在小区里装两个秋千 "),
        )
        .await;
    let proposal = answer.ok()["submitProposal"].clone();
    assert_eq!(proposal["status"], "SUBMITTED");
    assert_eq!(proposal["statusLabel"], "你的想法已经交上去啦");
    assert_eq!(proposal["band"], "B");
    assert_eq!(proposal["topicLabel"], "玩耍的地方");
    assert_eq!(
        proposal["answers"][1],
        json!({ "key": "idea", "text": "在小区里装两个秋千" }),
        "trimmed"
    );

    app.clock.advance(chrono::Duration::minutes(1));
    let second = app
        .graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(
                &campaign,
                &uuid::Uuid::new_v4().to_string(),
                "路口要有红绿灯",
            ),
        )
        .await;
    second.ok();
    let mine = app.graphql_as(Some(&token), "{ myProposals(first: 10) { nodes { id status statusLabel timeline { status label } } } }", json!({})).await;
    let nodes = mine.ok()["myProposals"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[1]["id"], proposal["id"], "newest first");
    assert_eq!(
        nodes[1]["timeline"],
        json!([{ "status": "SUBMITTED", "label": "你的想法已经交上去啦" }])
    );
}

async fn every_refusal_has_its_own_code(app: TestApp) {
    let (world, campaign, token) = ready(&app).await;
    let fresh = || uuid::Uuid::new_v4().to_string();
    let refused =
        |answer: Answer, code: &str| assert_eq!(answer.error_code(), Some(code), "{}", answer.body);

    refused(
        app.graphql(SUBMIT, band_b_proposal(&campaign, &fresh(), "秋千"))
            .await,
        "UNAUTHENTICATED",
    );
    refused(
        app.graphql_as(
            Some(&world.teacher_a.token),
            SUBMIT,
            band_b_proposal(&campaign, &fresh(), "秋千"),
        )
        .await,
        "FORBIDDEN",
    );

    let without_consent =
        child_token(&app, &world.class_a.code, &world.class_a.children[1].pin).await;
    refused(
        app.graphql_as(
            Some(&without_consent),
            SUBMIT,
            band_b_proposal(&campaign, &fresh(), "秋千"),
        )
        .await,
        "CONSENT_REQUIRED",
    );

    let older_only = open_campaign(&app, &world.coordinator, &["D"], None).await;
    refused(
        app.graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(&older_only, &fresh(), "秋千"),
        )
        .await,
        "NOT_IN_AUDIENCE",
    );
    let school_a_only = open_campaign(
        &app,
        &world.coordinator,
        &["C"],
        Some(vec![world.school_a.as_str()]),
    )
    .await;
    let elsewhere = child_token(&app, &world.class_b.code, &world.class_b.children[0].pin).await;
    let mut band_c = band_b_proposal(&school_a_only, &fresh(), "秋千");
    band_c["i"]["answers"] = json!([{ "key": "title", "text": "秋千" }, { "key": "problem", "text": "没有" }, { "key": "suggestion", "text": "装" }]);
    refused(
        app.graphql_as(Some(&elsewhere), SUBMIT, band_c).await,
        "NOT_IN_AUDIENCE",
    );

    let too_long = app
        .graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(&campaign, &fresh(), &"长".repeat(201)),
        )
        .await;
    refused(too_long.clone_answer(), "VALIDATION");
    assert_eq!(
        too_long.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["input", "answers", "idea"])
    );
    assert_eq!(
        too_long.body["errors"][0]["extensions"]["fields"][0]["code"],
        "TOO_LONG"
    );
    let mut wrong_topic = band_b_proposal(&campaign, &fresh(), "秋千");
    wrong_topic["i"]["topic"] = json!("culture");
    let answer = app.graphql_as(Some(&token), SUBMIT, wrong_topic).await;
    assert_eq!(
        answer.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["input", "topic"]),
        "not offered by this campaign"
    );

    let closed = app
        .graphql_as(
            Some(&world.coordinator.token),
            "mutation($c: ID!) { closeCampaign(id: $c) { state } }",
            json!({ "c": campaign }),
        )
        .await;
    assert_eq!(closed.ok()["closeCampaign"]["state"], "CLOSED");
    refused(
        app.graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(&campaign, &fresh(), "秋千"),
        )
        .await,
        "CAMPAIGN_CLOSED",
    );

    let busy = open_campaign(&app, &world.coordinator, &["B"], None).await;
    for n in 0..10 {
        app.graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(&busy, &fresh(), &format!("想法{n}")),
        )
        .await
        .ok();
    }
    let limited = app
        .graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(&busy, &fresh(), "再来一个"),
        )
        .await;
    refused(limited.clone_answer(), "RATE_LIMITED");
    assert!(
        limited.body["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .unwrap()
            > 0
    );
}

async fn a_retry_returns_the_same_proposal_and_other_content_conflicts(app: TestApp) {
    let (world, campaign, token) = ready(&app).await;
    let submission = uuid::Uuid::new_v4().to_string();
    let first = app
        .graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(&campaign, &submission, "秋千"),
        )
        .await;
    let id = first.ok()["submitProposal"]["id"].clone();
    app.clock.advance(chrono::Duration::days(3));
    let token = child_token(&app, &world.class_a.code, &world.class_a.children[0].pin).await;
    let retry = app
        .graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(&campaign, &submission, "秋千"),
        )
        .await;
    assert_eq!(
        retry.ok()["submitProposal"]["id"],
        id,
        "three days later, the same proposal"
    );
    let changed = app
        .graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(&campaign, &submission, "滑梯"),
        )
        .await;
    assert_eq!(changed.error_code(), Some("CONFLICT"));
    let mine = app
        .graphql_as(Some(&token), "{ myProposals { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        mine.ok()["myProposals"]["nodes"].as_array().unwrap().len(),
        1
    );
}

async fn concurrent_duplicates_make_one_proposal(app: TestApp) {
    let (_world, campaign, token) = ready(&app).await;
    let submission = uuid::Uuid::new_v4().to_string();
    let variables = band_b_proposal(&campaign, &submission, "秋千");
    let tries = (0..6).map(|_| app.graphql_as(Some(&token), SUBMIT, variables.clone()));
    let answers = futures_util::future::join_all(tries).await;
    let ids: std::collections::HashSet<String> = answers
        .iter()
        .map(|a| a.ok()["submitProposal"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 1, "every try got the one proposal");
    let mine = app
        .graphql_as(Some(&token), "{ myProposals { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        mine.ok()["myProposals"]["nodes"].as_array().unwrap().len(),
        1
    );
}

async fn a_child_withdraws_before_approval_and_only_their_own(app: TestApp) {
    let (world, campaign, token) = ready(&app).await;
    let answer = app
        .graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(&campaign, &uuid::Uuid::new_v4().to_string(), "秋千"),
        )
        .await;
    let id = answer.ok()["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let withdraw =
        "mutation($p: ID!) { withdrawProposal(id: $p) { status statusLabel timeline { status } } }";

    let classmate = &world.class_a.children[2];
    let other = child_token(&app, &world.class_a.code, &classmate.pin).await;
    assert_eq!(
        app.graphql_as(Some(&other), withdraw, json!({ "p": id }))
            .await
            .error_code(),
        Some("NOT_FOUND")
    );

    let done = app
        .graphql_as(Some(&token), withdraw, json!({ "p": id }))
        .await;
    assert_eq!(done.ok()["withdrawProposal"]["status"], "WITHDRAWN");
    assert_eq!(
        done.data()["withdrawProposal"]["statusLabel"],
        "你已经把这个想法收回了"
    );
    assert_eq!(
        done.data()["withdrawProposal"]["timeline"],
        json!([{ "status": "SUBMITTED" }, { "status": "WITHDRAWN" }])
    );
    assert_eq!(
        app.graphql_as(Some(&token), withdraw, json!({ "p": id }))
            .await
            .error_code(),
        Some("INVALID_TRANSITION")
    );
}

async fn coordinators_create_update_open_and_close_campaigns_with_field_errors(app: TestApp) {
    let world = World::build(&app).await;
    let token = Some(world.coordinator.token.as_str());
    let bad = json!({ "i": { "title": "x", "bands": [], "topics": ["weather"], "opensAt": "2026-12-01T00:00:00Z", "closesAt": "2026-11-01T00:00:00Z", "answerDays": 0 } });
    let answer = app
        .graphql_as(
            token,
            "mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }",
            bad,
        )
        .await;
    let paths: Vec<Value> = answer.body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].clone())
        .collect();
    assert_eq!(
        paths,
        vec![
            json!(["input", "title"]),
            json!(["input", "bands"]),
            json!(["input", "topics"]),
            json!(["input", "closesAt"]),
            json!(["input", "answerDays"])
        ]
    );
    let id = open_campaign(&app, &world.coordinator, &["A"], None).await;
    let again = app
        .graphql_as(
            token,
            "mutation($c: ID!) { openCampaign(id: $c) { state } }",
            json!({ "c": id }),
        )
        .await;
    assert_eq!(again.error_code(), Some("INVALID_TRANSITION"));
    let update = json!({ "c": id, "i": { "title": "新的标题", "bands": ["A", "C"], "topics": ["safety"], "opensAt": "2026-11-01T00:00:00Z", "closesAt": "2026-12-31T00:00:00Z" } });
    let updated = app.graphql_as(token, "mutation($c: ID!, $i: CampaignInput!) { updateCampaign(id: $c, input: $i) { title bands forms { band } } }", update).await;
    assert_eq!(
        updated.ok()["updateCampaign"],
        json!({ "title": "新的标题", "bands": ["A", "C"], "forms": [{ "band": "A" }, { "band": "C" }] })
    );
    let listed = app
        .graphql_as(token, "{ campaigns { id state } }", json!({}))
        .await;
    assert_eq!(listed.ok()["campaigns"][0]["state"], "OPEN");
}

/// The `tongsheng_db_statements_total` counts on the app's `/metrics`, summed.
async fn statements_so_far(app: &TestApp) -> u64 {
    let (_, metrics) = app.get("/metrics").await;
    metrics
        .lines()
        .filter(|line| line.starts_with("tongsheng_db_statements_total"))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test]
async fn a_page_of_fifty_proposals_costs_as_many_statements_as_a_page_of_five() {
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .without_redis()
        .spawn()
        .await;
    let (world, campaign, _) = ready(&app).await;
    let pupil = &world.class_a.children[0];
    for batch in 0..6 {
        app.clock.advance(chrono::Duration::minutes(61));
        let token = child_token(&app, &world.class_a.code, &pupil.pin).await;
        for n in 0..10 {
            let variables = band_b_proposal(
                &campaign,
                &uuid::Uuid::new_v4().to_string(),
                &format!("想法{batch}-{n}"),
            );
            app.graphql_as(Some(&token), SUBMIT, variables).await.ok();
        }
    }
    let token = child_token(&app, &world.class_a.code, &pupil.pin).await;
    // The session, read once, is then held in memory.
    app.graphql_as(Some(&token), "{ viewer { kind } }", json!({}))
        .await
        .ok();
    let mut costs = Vec::new();
    for first in [5, 50] {
        let before = statements_so_far(&app).await;
        let page = app
            .graphql_as(Some(&token), "query($n: Int) { myProposals(first: $n) { nodes { id statusLabel timeline { label } } } }", json!({ "n": first }))
            .await;
        assert_eq!(
            page.ok()["myProposals"]["nodes"].as_array().unwrap().len(),
            first as usize
        );
        costs.push(statements_so_far(&app).await - before);
    }
    assert!(costs[0] > 0, "statements are counted");
    assert_eq!(
        costs[0], costs[1],
        "the cost of a page does not grow with its size: {costs:?}"
    );
}

#[tokio::test]
async fn a_child_submits_and_is_answered_while_redis_is_down() {
    // Nothing listens on port 1: every Redis call fails at once, as when Redis has died.
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .redis_url("redis://127.0.0.1:1")
        .spawn()
        .await;
    let (_world, campaign, token) = ready(&app).await;
    let answer = app
        .graphql_as(
            Some(&token),
            SUBMIT,
            band_b_proposal(&campaign, &uuid::Uuid::new_v4().to_string(), "秋千"),
        )
        .await;
    let id = answer.ok()["submitProposal"]["id"].clone();
    let mine = app
        .graphql_as(Some(&token), "{ myProposals { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        mine.ok()["myProposals"]["nodes"][0]["id"],
        id,
        "the proposal is in the database, the record"
    );
}

/// Many children submitting at the same moment, each sending twice (the app retried): every
/// idea is recorded once, with its own reference, and each retry answers its first try. On
/// SQLite the writer records them in groups.
async fn a_class_submits_at_once(app: TestApp) {
    let world = World::build(&app).await;
    let campaign =
        crate::helpers::world::open_campaign(&app, &world.coordinator, &["B"], None).await;
    let names: Vec<String> = (0..24).map(|n| format!("同学{n}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let class =
        crate::helpers::world::class_with_children(&app, &world.teacher_a, 4, "9班", &names, 2017)
            .await;
    let mut tokens = Vec::new();
    for pupil in &class.children {
        record_consent(&app, &world.teacher_a, &pupil.id).await;
        tokens.push(child_token(&app, &class.code, &pupil.pin).await);
    }
    let submissions: Vec<String> = tokens
        .iter()
        .map(|_| uuid::Uuid::new_v4().to_string())
        .collect();
    let sends = tokens.iter().zip(&submissions).enumerate().flat_map(|(n, (token, submission))| {
        let variables = band_b_proposal(&campaign, submission, &format!("第{n}个想法"));
        let app = &app;
        [0, 1].map(move |_| {
            let variables = variables.clone();
            async move {
                app.graphql_as(Some(token), "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id reference } }", variables)
                    .await
            }
        })
    });
    let answers = futures_util::future::join_all(sends).await;
    let mut ids = std::collections::HashSet::new();
    let mut references = std::collections::HashSet::new();
    for pair in answers.chunks(2) {
        let first = pair[0].ok()["submitProposal"].clone();
        let retry = pair[1].ok()["submitProposal"].clone();
        assert_eq!(first["id"], retry["id"], "a retry answers its first try");
        ids.insert(first["id"].as_str().unwrap().to_owned());
        references.insert(first["reference"].as_str().unwrap().to_owned());
    }
    assert_eq!((ids.len(), references.len()), (24, 24));
    // Each has its first event, its notification and its screening row, and is recorded once.
    assert_eq!(app.run_pending().await, 24);
    let queue = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "query($c: ID!) { moderationQueue(classId: $c, first: 50) { nodes { id } } }",
            json!({ "c": class.id }),
        )
        .await;
    assert_eq!(
        queue.ok()["moderationQueue"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        24
    );
    for token in &tokens {
        let mine = app
            .graphql_as(Some(token), "{ myProposals { nodes { status timeline { label } } } myNotifications { nodes { text } } }", json!({}))
            .await;
        let mine = mine.ok();
        assert_eq!(mine["myProposals"]["nodes"][0]["status"], "AWAITING_REVIEW");
        assert!(
            !mine["myNotifications"]["nodes"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
}
