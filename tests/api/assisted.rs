//! A teacher submits for a child who dictates, and enters a class's paper proposals, each
//! credited to its child, all or none.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::TestApp;
use crate::helpers::world::{World, open_campaign, record_consent};

both_databases!(
    a_teacher_types_a_dictated_proposal_that_the_child_then_follows,
    paper_proposals_go_in_all_or_none_each_problem_named
);

fn proposal(campaign: &str, idea: &str) -> Value {
    json!({
        "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(), "topic": "school_life",
        "consentToPublish": true, "answers": [{ "key": "noticed", "text": "午饭时间太短" }, { "key": "idea", "text": idea }],
    })
}

async fn a_teacher_types_a_dictated_proposal_that_the_child_then_follows(app: TestApp) {
    let world = World::build(&app).await;
    let campaign = open_campaign(&app, &world.coordinator, &["A", "B", "C", "D"], None).await;
    let pupil = &world.class_a.children[0];
    record_consent(&app, &world.teacher_a, &pupil.id).await;
    let dictate = "mutation($k: ID!, $i: SubmitProposalInput!) { submitProposalForChild(childId: $k, input: $i) { id childId assisted status } }";
    let input = proposal(&campaign, "午饭时间长一点");
    let answer = app
        .graphql_as(
            Some(&world.teacher_a.token),
            dictate,
            json!({ "k": pupil.id, "i": input }),
        )
        .await;
    let typed = answer.ok()["submitProposalForChild"].clone();
    assert_eq!(typed["assisted"], true);
    assert_eq!(typed["childId"], pupil.id.as_str());
    let retry = app
        .graphql_as(
            Some(&world.teacher_a.token),
            dictate,
            json!({ "k": pupil.id, "i": input }),
        )
        .await;
    assert_eq!(
        retry.ok()["submitProposalForChild"]["id"],
        typed["id"],
        "a retry is the same proposal"
    );

    let other = app
        .graphql_as(
            Some(&world.teacher_b.token),
            dictate,
            json!({ "k": pupil.id, "i": proposal(&campaign, "x") }),
        )
        .await;
    assert_eq!(other.error_code(), Some("NOT_FOUND"));
    let no_consent = &world.class_a.children[1];
    let refused = app
        .graphql_as(
            Some(&world.teacher_a.token),
            dictate,
            json!({ "k": no_consent.id, "i": proposal(&campaign, "x") }),
        )
        .await;
    assert_eq!(refused.error_code(), Some("CONSENT_REQUIRED"));

    let child = app.sign_in_child(&world.class_a.code, &pupil.pin).await;
    let token = child.ok()["signInChild"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mine = app
        .graphql_as(
            Some(&token),
            "{ myProposals { nodes { id statusLabel } } }",
            json!({}),
        )
        .await;
    assert_eq!(mine.ok()["myProposals"]["nodes"][0]["id"], typed["id"]);
}

async fn paper_proposals_go_in_all_or_none_each_problem_named(app: TestApp) {
    let world = World::build(&app).await;
    let campaign = open_campaign(&app, &world.coordinator, &["A", "B", "C", "D"], None).await;
    let children = &world.class_a.children;
    record_consent(&app, &world.teacher_a, &children[0].id).await;
    record_consent(&app, &world.teacher_a, &children[1].id).await;
    let batch = "mutation($c: ID!, $p: [PaperProposalInput!]!) { submitPaperProposals(classId: $c, proposals: $p) { id childId assisted } }";
    let entries = json!([
        { "childId": children[0].id, "proposal": proposal(&campaign, "操场大一点") },
        { "childId": children[1].id, "proposal": proposal(&campaign, &"长".repeat(201)) },
        { "childId": children[2].id, "proposal": proposal(&campaign, "多一些图书") },
        { "childId": world.class_b.children[0].id, "proposal": proposal(&campaign, "别的班") },
    ]);
    let refused = app
        .graphql_as(
            Some(&world.teacher_a.token),
            batch,
            json!({ "c": world.class_a.id, "p": entries }),
        )
        .await;
    assert_eq!(refused.error_code(), Some("VALIDATION"), "{}", refused.body);
    let problems: Vec<(Value, String)> = refused.body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].clone(), f["code"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (
                json!(["proposals", "1", "answers", "idea"]),
                "TOO_LONG".to_owned()
            ),
            (json!(["proposals", "2"]), "CONSENT_REQUIRED".to_owned()),
            (json!(["proposals", "3"]), "NOT_FOUND".to_owned()),
        ]
    );

    record_consent(&app, &world.teacher_a, &children[2].id).await;
    let good = json!([
        { "childId": children[0].id, "proposal": proposal(&campaign, "操场大一点") },
        { "childId": children[1].id, "proposal": proposal(&campaign, "午休长一点") },
        { "childId": children[2].id, "proposal": proposal(&campaign, "多一些图书") },
    ]);
    let recorded = app
        .graphql_as(
            Some(&world.teacher_a.token),
            batch,
            json!({ "c": world.class_a.id, "p": good }),
        )
        .await;
    let ids: Vec<Value> = recorded.ok()["submitPaperProposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(
        recorded.data()["submitPaperProposals"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["assisted"] == true)
    );
    let again = app
        .graphql_as(
            Some(&world.teacher_a.token),
            batch,
            json!({ "c": world.class_a.id, "p": good }),
        )
        .await;
    let again_ids: Vec<Value> = again.ok()["submitPaperProposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(again_ids, ids, "a retried batch records nothing twice");
}
