//! `proposalUpdated`: a child's proposals as they change, through whichever instance the change
//! went, over Redis when it is configured.

use serde_json::{Value, json};
use std::time::Duration;

use crate::both_databases;
use crate::helpers::TestApp;
use crate::helpers::live::Live;
use crate::helpers::redis_server::PrivateRedis;
use crate::helpers::world::{World, child_token, open_campaign, record_consent};

both_databases!(a_child_hears_of_their_own_proposals_changing_and_of_no_one_elses);

const UPDATES: &str = "subscription { proposalUpdated { id status statusLabel } }";

async fn setup(app: &TestApp, world: &World) -> (String, String, String) {
    let campaign = open_campaign(app, &world.coordinator, &["A", "B", "C", "D"], None).await;
    let mut tokens = Vec::new();
    for pupil in &world.class_a.children[..2] {
        record_consent(app, &world.teacher_a, &pupil.id).await;
        tokens.push(child_token(app, &world.class_a.code, &pupil.pin).await);
    }
    (campaign, tokens.remove(0), tokens.remove(0))
}

fn submission(campaign: &str) -> Value {
    json!({ "i": {
        "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(), "topic": "safety",
        "consentToPublish": false, "answers": [{ "key": "noticed", "text": "路口车多" }, { "key": "idea", "text": "装红绿灯" }],
    }})
}

const SUBMIT: &str = "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }";

/// Submits through `via` until `live` hears of one (the subscription starts asynchronously),
/// and returns the id it heard of.
async fn first_heard(live: &mut Live, via: &TestApp, token: &str, campaign: &str) -> String {
    let mut submitted = Vec::new();
    for _ in 0..20 {
        let answer = via
            .graphql_as(Some(token), SUBMIT, submission(campaign))
            .await;
        submitted.push(answer.ok()["submitProposal"]["id"].clone());
        if let Some(message) = live.next(Duration::from_millis(300)).await {
            let update = &message["payload"]["data"]["proposalUpdated"];
            assert_eq!(update["status"], "SUBMITTED", "{message}");
            assert!(
                submitted.contains(&update["id"]),
                "one of the child's own: {message}"
            );
            return update["id"].as_str().unwrap().to_owned();
        }
    }
    panic!("no live update arrived");
}

async fn a_child_hears_of_their_own_proposals_changing_and_of_no_one_elses(app: TestApp) {
    let world = World::build(&app).await;
    let (campaign, mine, classmate) = setup(&app, &world).await;
    let mut live = Live::start(&app, Some(&mine), UPDATES).await;
    let heard = first_heard(&mut live, &app, &mine, &campaign).await;

    app.graphql_as(Some(&classmate), SUBMIT, submission(&campaign))
        .await
        .ok();
    let withdraw = "mutation($p: ID!) { withdrawProposal(id: $p) { id } }";
    app.graphql_as(Some(&mine), withdraw, json!({ "p": heard }))
        .await
        .ok();
    let message = live
        .next(Duration::from_secs(5))
        .await
        .expect("the withdrawal is heard");
    assert_eq!(
        message["payload"]["data"]["proposalUpdated"]["id"],
        heard.as_str(),
        "not the classmate's proposal"
    );
    assert_eq!(
        message["payload"]["data"]["proposalUpdated"]["status"],
        "WITHDRAWN"
    );
    assert_eq!(
        message["payload"]["data"]["proposalUpdated"]["statusLabel"],
        "你已经把这个想法收回了"
    );
}

#[tokio::test]
async fn a_change_made_through_one_instance_reaches_a_subscriber_on_another() {
    let Some(first) = TestApp::on_postgres().await else {
        return;
    };
    if std::env::var("TEST_REDIS_URL").is_err() {
        crate::helpers::databases::skip_or_fail("TEST_REDIS_URL");
        return;
    }
    let second = first.another_instance().spawn().await;
    let world = World::build(&first).await;
    let (campaign, mine, _) = setup(&first, &world).await;
    let mut live = Live::start(&first, Some(&mine), UPDATES).await;
    let heard = first_heard(&mut live, &second, &mine, &campaign).await;
    second
        .graphql_as(
            Some(&mine),
            "mutation($p: ID!) { withdrawProposal(id: $p) { id } }",
            json!({ "p": heard }),
        )
        .await
        .ok();
    let message = live
        .next(Duration::from_secs(5))
        .await
        .expect("the other instance's change arrives");
    assert_eq!(
        message["payload"]["data"]["proposalUpdated"]["status"],
        "WITHDRAWN"
    );
}

#[tokio::test]
async fn only_a_signed_in_child_may_subscribe() {
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .spawn()
        .await;
    let mut anonymous = Live::start(&app, None, UPDATES).await;
    let refused = anonymous
        .next(Duration::from_secs(5))
        .await
        .expect("an answer");
    let code = &refused["payload"]["errors"][0]["extensions"]["code"];
    assert_eq!(code, "UNAUTHENTICATED", "{refused}");
    assert!(refused["payload"]["data"].is_null());
}

/// Redis's own count of this app's pub/sub connections (clients subscribed to a channel).
async fn pubsub_connections(redis_url: &str) -> usize {
    let mut redis = redis::Client::open(redis_url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let clients: String = redis::cmd("CLIENT")
        .arg("LIST")
        .query_async(&mut redis)
        .await
        .unwrap();
    clients
        .lines()
        .filter(|line| {
            line.split(' ')
                .any(|f| f.starts_with("sub=") && f != "sub=0")
        })
        .count()
}

#[tokio::test]
async fn subscribers_share_one_redis_connection_and_hear_again_after_redis_restarts() {
    let Some(mut redis_server) = PrivateRedis::start().await else {
        return crate::helpers::databases::skip_or_fail("redis-server");
    };
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .redis_url(&redis_server.url())
        .spawn()
        .await;
    let world = World::build(&app).await;
    let (campaign, mine, classmate) = setup(&app, &world).await;
    let mut live = Live::start(&app, Some(&mine), UPDATES).await;
    first_heard(&mut live, &app, &mine, &campaign).await;
    // Twenty more subscriptions, the classmate's and the child's own: still one connection.
    let mut others = Vec::new();
    for n in 0..20 {
        let token = if n % 2 == 0 { &classmate } else { &mine };
        others.push(Live::start(&app, Some(token), UPDATES).await);
    }
    // Every one of them hears its child's next change: all are live, on one connection.
    let mut deaf: Vec<usize> = (0..others.len()).collect();
    for _ in 0..20 {
        for token in [&mine, &classmate] {
            app.graphql_as(Some(token), SUBMIT, submission(&campaign))
                .await
                .ok();
        }
        let mut still = Vec::new();
        for n in deaf {
            if others[n].next(Duration::from_millis(200)).await.is_none() {
                still.push(n);
            }
        }
        deaf = still;
        if deaf.is_empty() {
            break;
        }
    }
    assert!(deaf.is_empty(), "subscriptions that never heard: {deaf:?}");
    assert_eq!(pubsub_connections(&redis_server.url()).await, 1);
    // The first subscriber heard those changes too; what follows listens afresh.
    while live.next(Duration::from_millis(100)).await.is_some() {}

    // Redis dies and comes back: the subscription stays open and hears the next change.
    redis_server.kill();
    app.graphql_as(Some(&mine), SUBMIT, submission(&campaign))
        .await
        .ok();
    redis_server.restart().await;
    let mut heard = None;
    for _ in 0..30 {
        app.graphql_as(Some(&mine), SUBMIT, submission(&campaign))
            .await
            .ok();
        heard = live.next(Duration::from_millis(500)).await;
        if heard.is_some() {
            break;
        }
    }
    let heard = heard.expect("updates resume once Redis is back");
    assert_eq!(
        heard["payload"]["data"]["proposalUpdated"]["status"],
        "SUBMITTED"
    );
    assert_eq!(pubsub_connections(&redis_server.url()).await, 1);
}
