//! Departments' own systems (issue 19): a coordinator issues a key scoped to one department; with
//! it the department's system reads exactly its department's task events, in commit order, at
//! least once until it acknowledges, reads those tasks, signs for, notes on and answers them as
//! the department, and nothing else; every use is logged; a revoked key reads nothing, and its
//! WebSockets close.

use serde_json::{Value, json};
use std::time::Duration;

use crate::both_databases;
use crate::helpers::live::Live;
use crate::helpers::world::{
    World, approve, child_token, department_id, open_campaign, record_consent, submit,
};
use crate::helpers::{Answer, TestApp};

both_databases!(
    a_department_system_reads_its_feed_and_acts_with_a_key,
    a_revoked_or_forged_key_reads_nothing,
);

const ISSUE: &str = "mutation($d: ID!, $n: String!) { issueApiKey(departmentId: $d, name: $n) { secret key { id name prefix departmentId accountId revokedAt } } }";
const FEED: &str = "query($a: String, $f: Int) { taskEvents(after: $a, first: $f) { end hasMore entries { position eventId taskId proposalId kind lead } } }";
const ACK: &str = "mutation($u: String!) { acknowledgeTaskEvents(upTo: $u) }";
const TASK: &str = "query($t: ID!) { task(id: $t) { id proposalId state answers { key text } events { kind staffId } } }";
const CONSTRUCTION: &str = "0193e0a0-0000-7000-8001-000000000006";

/// A key issued for a department: (secret, key as listed).
async fn issue(app: &TestApp, world: &World, department: &str, name: &str) -> (String, Value) {
    let answer = app
        .graphql_as(
            Some(&world.coordinator.token),
            ISSUE,
            json!({ "d": department, "n": name }),
        )
        .await;
    let issued = answer.ok()["issueApiKey"].clone();
    (
        issued["secret"].as_str().unwrap().to_owned(),
        issued["key"].clone(),
    )
}

fn entries(answer: &Answer) -> Vec<Value> {
    answer.ok()["taskEvents"]["entries"]
        .as_array()
        .unwrap()
        .clone()
}

/// Two approved proposals: one the construction bureau leads (a swing), one the transport bureau
/// leads (a crossing). Their ids.
async fn two_tasks(app: &TestApp, world: &World) -> (String, String) {
    let campaign = open_campaign(app, &world.coordinator, &["B"], None).await;
    let pupil = &world.class_a.children[0];
    record_consent(app, &world.teacher_a, &pupil.id).await;
    let token = child_token(app, &world.class_a.code, &pupil.pin).await;
    let swing = submit(
        app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "公园的秋千坏了"), ("idea", "把秋千修好")],
    )
    .await;
    let crossing = submit(
        app,
        &token,
        &campaign,
        "way_to_school",
        &[("noticed", "路口没有红绿灯"), ("idea", "装一个")],
    )
    .await;
    app.run_pending().await;
    approve(app, world, &swing).await;
    approve(app, world, &crossing).await;
    // The feed job numbers the events.
    app.run_pending().await;
    (swing, crossing)
}

async fn a_department_system_reads_its_feed_and_acts_with_a_key(app: TestApp) {
    let world = World::build(&app).await;
    let (key, listed) = issue(&app, &world, CONSTRUCTION, "建设局工单系统").await;
    assert!(key.starts_with("tsk_"), "{key}");
    assert_eq!(listed["departmentId"], CONSTRUCTION);
    assert_eq!(listed["name"], "建设局工单系统");
    let transport = department_id(&app, "transport").await;
    let (transport_key, _) = issue(&app, &world, &transport, "交通局系统").await;
    // Only the digest is kept.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM api_keys WHERE digest = '{key}' OR prefix = '{key}'"
        ))
        .await,
        0
    );
    let (swing, crossing) = two_tasks(&app, &world).await;

    let viewer = app
        .graphql_as(
            Some(&key),
            "{ viewer { kind staff { displayName role } } }",
            json!({}),
        )
        .await;
    assert_eq!(viewer.ok()["viewer"]["kind"], "INTEGRATION");
    assert_eq!(viewer.ok()["viewer"]["staff"]["role"], "DEPARTMENT_STAFF");

    // Each key reads its own department's events and nothing else.
    let feed = app.graphql_as(Some(&key), FEED, json!({})).await;
    let seen = entries(&feed);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["proposalId"], swing.as_str());
    assert_eq!(seen[0]["kind"], "CREATED");
    assert_eq!(seen[0]["lead"], true);
    assert_eq!(seen[0]["position"], "1");
    let theirs = app.graphql_as(Some(&transport_key), FEED, json!({})).await;
    let theirs = entries(&theirs);
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["proposalId"], crossing.as_str());
    let task = seen[0]["taskId"].as_str().unwrap().to_owned();
    let other_task = theirs[0]["taskId"].as_str().unwrap().to_owned();

    // It reads its task's public text, not the other department's task.
    let read = app.graphql_as(Some(&key), TASK, json!({ "t": task })).await;
    assert_eq!(read.ok()["task"]["proposalId"], swing.as_str());
    assert!(!read.ok()["task"]["answers"].as_array().unwrap().is_empty());
    let refused = app
        .graphql_as(Some(&key), TASK, json!({ "t": other_task }))
        .await;
    assert_eq!(refused.error_code(), Some("NOT_FOUND"));

    // It signs for, notes on and answers as the department, under its own account.
    let t = json!({ "t": task });
    let signed = app
        .graphql_as(
            Some(&key),
            "mutation($t: ID!) { signForTask(taskId: $t) { state } }",
            t.clone(),
        )
        .await;
    assert_eq!(signed.ok()["signForTask"]["state"], "SIGNED_FOR");
    app.graphql_as(
        Some(&key),
        "mutation($t: ID!) { addTaskNote(taskId: $t, note: \"已派人查看\") { state } }",
        t.clone(),
    )
    .await
    .ok();
    let answered = app
        .graphql_as(
            Some(&key),
            "mutation($t: ID!) { answerTask(taskId: $t, input: { outcome: ADOPTED, officialText: \"采纳，三月前修好。\", childText: \"我们会在三月前把秋千修好！\" }) { task { state } } }",
            t.clone(),
        )
        .await;
    assert_eq!(answered.ok()["answerTask"]["task"]["state"], "ANSWERED");
    let history = app.graphql_as(Some(&key), TASK, t.clone()).await;
    let events = history.ok()["task"]["events"].as_array().unwrap().clone();
    let by_key: Vec<&Value> = events
        .iter()
        .filter(|event| event["staffId"] == listed["accountId"])
        .collect();
    assert_eq!(by_key.len(), 3, "{events:?}");

    // At least once: unacknowledged entries come again; acknowledged ones do not.
    app.run_pending().await;
    let again = app.graphql_as(Some(&key), FEED, json!({ "f": 2 })).await;
    assert_eq!(entries(&again).len(), 2);
    assert_eq!(again.ok()["taskEvents"]["hasMore"], true);
    let end = again.ok()["taskEvents"]["end"].as_str().unwrap().to_owned();
    let acknowledged = app.graphql_as(Some(&key), ACK, json!({ "u": end })).await;
    assert_eq!(acknowledged.ok()["acknowledgeTaskEvents"], "2");
    let rest = app.graphql_as(Some(&key), FEED, json!({})).await;
    let kinds: Vec<String> = entries(&rest)
        .iter()
        .map(|entry| entry["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["NOTE", "ANSWERED"], "{:?}", rest.data());
    let positions: Vec<i64> = entries(&rest)
        .iter()
        .map(|entry| entry["position"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(positions, [3, 4]);
    // Acknowledging past the end, or backwards, moves nothing.
    let past = app.graphql_as(Some(&key), ACK, json!({ "u": "99" })).await;
    past.assert_refused("VALIDATION", "");
    let back = app.graphql_as(Some(&key), ACK, json!({ "u": "1" })).await;
    assert_eq!(back.ok()["acknowledgeTaskEvents"], "2");
    let bad = app.graphql_as(Some(&key), FEED, json!({ "a": "x" })).await;
    assert_eq!(bad.error_code(), Some("VALIDATION"));

    // The clerk reads the same feed from the start; only keys acknowledge.
    let clerk = app
        .graphql_as(Some(&world.clerk.token), FEED, json!({}))
        .await;
    assert_eq!(entries(&clerk).len(), 4);
    let clerk_ack = app
        .graphql_as(Some(&world.clerk.token), ACK, json!({ "u": "1" }))
        .await;
    assert_eq!(clerk_ack.error_code(), Some("FORBIDDEN"));

    // A key does the department's task work and nothing else.
    for (query, code) in [
        ("{ myClasses { id } }", "FORBIDDEN"),
        ("{ apiKeys { id } }", "FORBIDDEN"),
        ("mutation { signOut }", "FORBIDDEN"),
        ("{ triageTasks { nodes { id } } }", "FORBIDDEN"),
    ] {
        let answer = app.graphql_as(Some(&key), query, json!({})).await;
        assert_eq!(
            answer.error_code(),
            Some(code),
            "{query}: {:?}",
            answer.data()
        );
    }

    // Every use is logged, with the operation and the request.
    let uses = app
        .graphql_as(
            Some(&world.coordinator.token),
            "query($k: ID!) { apiKeyUses(keyId: $k, first: 50) { nodes { operation requestId at } } }",
            json!({ "k": listed["id"] }),
        )
        .await;
    let uses = uses.ok()["apiKeyUses"]["nodes"].as_array().unwrap().clone();
    assert_eq!(uses.len(), 18, "{uses:?}");
    assert!(
        uses.iter()
            .any(|u| u["operation"] == "mutation signForTask")
    );
    assert!(uses.iter().any(|u| u["operation"] == "query taskEvents"));
    assert!(
        uses.iter()
            .all(|u| !u["requestId"].as_str().unwrap().is_empty())
    );
    let listed_all = app
        .graphql_as(
            Some(&world.coordinator.token),
            "{ apiKeys { name lastUsedAt acknowledged } }",
            json!({}),
        )
        .await;
    let listed_all = listed_all.ok()["apiKeys"].as_array().unwrap().clone();
    assert_eq!(listed_all.len(), 2);
    let mine = listed_all
        .iter()
        .find(|k| k["name"] == "建设局工单系统")
        .unwrap();
    assert_eq!(mine["acknowledged"], "2");
    assert!(mine["lastUsedAt"].is_string());
}

async fn a_revoked_or_forged_key_reads_nothing(app: TestApp) {
    let world = World::build(&app).await;
    let (key, listed) = issue(&app, &world, CONSTRUCTION, "建设局工单系统").await;
    two_tasks(&app, &world).await;
    let mut live = Live::start(
        &app,
        Some(&key),
        "subscription { departmentTaskEvents { event { kind } } }",
    )
    .await;

    // A key with the right prefix and another secret is nobody.
    let forged = format!("{}{}", &key[..13], "A".repeat(43));
    let answer = app.graphql_as(Some(&forged), FEED, json!({})).await;
    assert_eq!(answer.error_code(), Some("UNAUTHENTICATED"));

    // Only coordinators revoke.
    let by_clerk = app
        .graphql_as(
            Some(&world.clerk.token),
            "mutation($k: ID!) { revokeApiKey(id: $k) { revokedAt } }",
            json!({ "k": listed["id"] }),
        )
        .await;
    assert_eq!(by_clerk.error_code(), Some("FORBIDDEN"));
    assert_eq!(
        entries(&app.graphql_as(Some(&key), FEED, json!({})).await).len(),
        1
    );
    let revoked = app
        .graphql_as(
            Some(&world.coordinator.token),
            "mutation($k: ID!) { revokeApiKey(id: $k) { revokedAt } }",
            json!({ "k": listed["id"] }),
        )
        .await;
    assert!(revoked.ok()["revokeApiKey"]["revokedAt"].is_string());
    let answer = app.graphql_as(Some(&key), FEED, json!({})).await;
    assert_eq!(answer.error_code(), Some("UNAUTHENTICATED"));
    let viewer = app
        .graphql_as(Some(&key), "{ viewer { kind } }", json!({}))
        .await;
    assert_eq!(viewer.ok()["viewer"]["kind"], "ANONYMOUS");
    // Its WebSocket closes as a signed-out session's does.
    assert_eq!(live.closed_with(Duration::from_secs(10)).await, Some(4401));
}
