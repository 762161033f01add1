//! The demo district is alive on first start: consent on file for most children (and the sheet
//! says who cannot submit and why), a campaign open to every band, and a dozen ideas through the
//! loop, so the wall, the app and the console all show something real.

use serde_json::json;

use crate::helpers::{Backend, TestApp};

#[tokio::test]
async fn the_demo_district_has_a_past_and_says_who_can_submit() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let sheet = tongsheng::demo::load_if_new(&app.state)
        .await
        .unwrap()
        .unwrap();
    assert!(
        sheet.contains("cannot submit yet: no guardian consent"),
        "{sheet}"
    );
    assert!(
        sheet.contains("/console") && sheet.contains("/app"),
        "where each surface is"
    );

    let wall = app
        .graphql(
            "{ publishedProposals(first: 50) { nodes { answer { childText } } } }",
            json!({}),
        )
        .await;
    let published = wall.ok()["publishedProposals"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(published.len(), 10, "ten answered and published");
    assert!(
        published
            .iter()
            .all(|p| p["answer"]["childText"].is_string())
    );

    // 建设局's clerk has one task waiting; teacher.li has a child asked to change an idea.
    let clerk = app
        .sign_in_staff("clerk.jianshe", tongsheng::demo::DEMO_PASSWORD)
        .await;
    let queue = app
        .graphql_as(
            Some(&clerk),
            "{ departmentTasks(filter: { states: [ROUTED] }) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        queue.ok()["departmentTasks"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A child the sheet says can submit signs in and submits to the open campaign; one it says
    // cannot is refused for the reason given.
    let line = |name: &str, class: &str| -> (String, String) {
        let block = sheet.split(class).nth(1).unwrap();
        let code = block.split("class code ").nth(1).unwrap()[..6].to_owned();
        let pin = block
            .lines()
            .find(|l| l.contains(name))
            .unwrap()
            .split("PIN ")
            .nth(1)
            .unwrap()[..6]
            .to_owned();
        (code, pin)
    };
    for (name, allowed) in [("豆豆", true), ("Leo", false)] {
        let (code, pin) = line(name, "二年级2班");
        let token = crate::helpers::world::child_token(&app, &code, &pin).await;
        let open = app
            .graphql_as(Some(&token), "{ openCampaigns { id standing } }", json!({}))
            .await;
        let campaign = open.ok()["openCampaigns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["standing"] == false)
            .unwrap()["id"]
            .clone();
        let sent = app
            .graphql_as(
                Some(&token),
                "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
                json!({ "i": { "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
                    "topic": "places_to_play", "consentToPublish": true, "answers": [{ "key": "idea", "text": "多种几棵树" }] } }),
            )
            .await;
        if allowed {
            assert!(sent.error_code().is_none(), "{:?}", sent.body);
        } else {
            assert_eq!(sent.error_code(), Some("CONSENT_REQUIRED"));
        }
    }
}
