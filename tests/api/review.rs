//! After submission: screening puts a proposal before its teacher, who may return it with a note;
//! the child revises it and it goes round again.

use serde_json::{Value, json};
use std::time::Duration;

use crate::both_databases;
use crate::helpers::world::{World, child_token, open_campaign, record_consent};
use crate::helpers::{Backend, TestApp};

both_databases!(
    screening_puts_a_proposal_before_its_teacher,
    a_returned_proposal_is_revised_by_its_child_and_screened_again,
    a_proposal_withdrawn_before_screening_stays_withdrawn,
    a_proposal_that_fails_to_screen_does_not_hold_up_the_others,
);

const MINE: &str = "{ myProposals { nodes { id status statusLabel answers { key text } timeline { status label note } } } }";
const SUBMIT: &str =
    "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id status } }";
const RETURN: &str =
    "mutation($p: ID!, $n: String!) { returnProposalForChanges(id: $p, note: $n) { status } }";
const REVISE: &str = "mutation($p: ID!, $i: ReviseProposalInput!) { reviseProposal(id: $p, input: $i) { status answers { key text } } }";

/// A class-A child with consent, signed in, with one submitted proposal: (world, child token, proposal id).
async fn submitted(app: &TestApp) -> (World, String, String) {
    let world = World::build(app).await;
    let campaign = open_campaign(app, &world.coordinator, &["B"], None).await;
    let pupil = &world.class_a.children[0];
    record_consent(app, &world.teacher_a, &pupil.id).await;
    let token = child_token(app, &world.class_a.code, &pupil.pin).await;
    let proposal = json!({ "i": {
        "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(), "topic": "school_life",
        "consentToPublish": true, "answers": [{ "key": "noticed", "text": "课间太短" }, { "key": "idea", "text": "多玩一会" }],
    }});
    let answer = app.graphql_as(Some(&token), SUBMIT, proposal).await;
    let id = answer.ok()["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (world, token, id)
}

async fn first_of_mine(app: &TestApp, token: &str) -> Value {
    app.graphql_as(Some(token), MINE, json!({})).await.ok()["myProposals"]["nodes"][0].clone()
}

async fn screening_puts_a_proposal_before_its_teacher(app: TestApp) {
    let (_world, token, _) = submitted(&app).await;
    assert_eq!(first_of_mine(&app, &token).await["status"], "SUBMITTED");
    assert_eq!(app.run_pending().await, 1);
    let proposal = first_of_mine(&app, &token).await;
    assert_eq!(proposal["status"], "AWAITING_REVIEW");
    assert_eq!(proposal["statusLabel"], "老师正在看你的想法");
    let steps: Vec<&str> = proposal["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["SUBMITTED", "AWAITING_REVIEW"],
        "screening is not a step a child sees"
    );
    assert_eq!(app.run_pending().await, 0, "each row is handled once");
}

async fn a_returned_proposal_is_revised_by_its_child_and_screened_again(app: TestApp) {
    let (world, token, id) = submitted(&app).await;
    let early = app
        .graphql_as(
            Some(&world.teacher_a.token),
            RETURN,
            json!({ "p": id, "n": "写清楚一点" }),
        )
        .await;
    assert_eq!(
        early.error_code(),
        Some("INVALID_TRANSITION"),
        "not before screening"
    );
    app.run_pending().await;
    let other = app
        .graphql_as(
            Some(&world.teacher_b.token),
            RETURN,
            json!({ "p": id, "n": "x" }),
        )
        .await;
    assert_eq!(other.error_code(), Some("NOT_FOUND"));
    let empty = app
        .graphql_as(
            Some(&world.teacher_a.token),
            RETURN,
            json!({ "p": id, "n": "  " }),
        )
        .await;
    assert_eq!(empty.error_code(), Some("VALIDATION"));
    let returned = app
        .graphql_as(
            Some(&world.teacher_a.token),
            RETURN,
            json!({ "p": id, "n": "说说课间想玩什么" }),
        )
        .await;
    assert_eq!(
        returned.ok()["returnProposalForChanges"]["status"],
        "RETURNED_FOR_CHANGES"
    );

    let proposal = first_of_mine(&app, &token).await;
    assert_eq!(proposal["statusLabel"], "老师请你再改一改");
    let last = proposal["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        last["note"], "说说课间想玩什么",
        "the child reads what to change"
    );

    let revision = json!({ "topic": "school_life", "consentToPublish": true,
        "answers": [{ "key": "noticed", "text": "课间太短" }, { "key": "idea", "text": "课间跳绳十五分钟" }] });
    let revised = app
        .graphql_as(Some(&token), REVISE, json!({ "p": id, "i": revision }))
        .await;
    assert_eq!(revised.ok()["reviseProposal"]["status"], "SUBMITTED");
    assert_eq!(
        revised.data()["reviseProposal"]["answers"][1]["text"],
        "课间跳绳十五分钟"
    );
    let again = app
        .graphql_as(Some(&token), REVISE, json!({ "p": id, "i": revision }))
        .await;
    assert_eq!(
        again.error_code(),
        Some("INVALID_TRANSITION"),
        "only a returned proposal is revised"
    );
    app.run_pending().await;
    let steps: Vec<String> = first_of_mine(&app, &token).await["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        steps,
        [
            "SUBMITTED",
            "AWAITING_REVIEW",
            "RETURNED_FOR_CHANGES",
            "SUBMITTED",
            "AWAITING_REVIEW"
        ]
    );
}

async fn a_proposal_withdrawn_before_screening_stays_withdrawn(app: TestApp) {
    let (_world, token, id) = submitted(&app).await;
    app.graphql_as(
        Some(&token),
        "mutation($p: ID!) { withdrawProposal(id: $p) { id } }",
        json!({ "p": id }),
    )
    .await
    .ok();
    let handled = app.run_pending().await;
    assert_eq!(handled, 1, "the submission's row, handled with no step");
    assert_eq!(first_of_mine(&app, &token).await["status"], "WITHDRAWN");
}

#[tokio::test]
async fn the_server_screens_by_itself_and_stops_its_jobs_on_shutdown() {
    let mut app = TestApp::builder(Backend::Sqlite)
        .jobs_every(Duration::from_millis(20))
        .spawn()
        .await;
    let (_world, token, _) = submitted(&app).await;
    let mut status = Value::Null;
    for _ in 0..250 {
        status = first_of_mine(&app, &token).await["status"].clone();
        if status == "AWAITING_REVIEW" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, "AWAITING_REVIEW", "the background job screened it");
    tokio::time::timeout(Duration::from_secs(10), app.shut_down())
        .await
        .expect("jobs stop with the server")
        .unwrap();
}

async fn a_proposal_that_fails_to_screen_does_not_hold_up_the_others(app: TestApp) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    use tongsheng::store::entities::proposals;
    let (world, token, broken) = submitted(&app).await;
    let mine = app
        .graphql_as(
            Some(&token),
            "{ myProposals { nodes { campaignId } } }",
            json!({}),
        )
        .await;
    let campaign = mine.ok()["myProposals"]["nodes"][0]["campaignId"].clone();
    let second = json!({ "i": {
        "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(), "topic": "school_life",
        "consentToPublish": false, "answers": [{ "key": "noticed", "text": "操场小" }, { "key": "idea", "text": "扩大操场" }],
    }});
    let fine = app.graphql_as(Some(&token), SUBMIT, second).await.ok()["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The first proposal's row is older, and its proposal can no longer be read: screening it
    // fails every time.
    proposals::Entity::update_many()
        .col_expr(proposals::Column::SchoolState, Expr::value("bogus"))
        .filter(proposals::Column::Id.eq(uuid::Uuid::parse_str(&broken).unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.run_pending().await,
        1,
        "the readable proposal is screened; the broken one waits"
    );
    let returned = app
        .graphql_as(
            Some(&world.teacher_a.token),
            RETURN,
            json!({ "p": fine, "n": "再想想" }),
        )
        .await;
    assert_eq!(
        returned.ok()["returnProposalForChanges"]["status"],
        "RETURNED_FOR_CHANGES",
        "it reached its teacher"
    );
}
