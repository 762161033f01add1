//! Routing and the departments' queues: the routing table and its history, topic suggestions,
//! a task from approval to sign-for, extension, bounce and re-routing, deadlines in working days
//! around the holidays, reminders (催办) and escalations (督办), and the live feed.

use chrono::TimeZone;
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::live::Live;
use crate::helpers::world::{
    PASSWORD, World, approve, class_with_child, department_id, staff, submit,
};
use crate::helpers::{Answer, TestApp};

both_databases!(
    every_topic_routes_to_its_default_and_coordinators_change_it_on_the_record,
    topics_are_suggested_from_a_childs_words,
    a_task_goes_from_approval_through_sign_for_extension_bounce_and_reroute,
    an_overdue_task_is_reminded_then_escalated_as_the_clock_runs,
    deadlines_skip_spring_festival_and_national_day_and_count_their_worked_weekends,
    a_department_console_hears_of_new_tasks_live,
);

const TASKS: &str = "query($f: TaskFilterInput) { departmentTasks(filter: $f) { nodes { id proposalId state topic due signForDue answerDue overdue answers { key text } events { kind text } } } }";
const MINE: &str = "{ myProposals { nodes { id status expectedAnswerBy } } }";

/// The design's default routing: topic → lead department's code (none: triage).
const DEFAULTS: [(&str, Option<&str>); 13] = [
    ("places_to_play", Some("construction")),
    ("way_to_school", Some("transport")),
    ("school_life", Some("education_sports")),
    ("sport_and_events", Some("education_sports")),
    ("health", Some("health")),
    ("safety", Some("emergency_management")),
    ("life_online", Some("cyberspace")),
    ("family", Some("womens_federation")),
    ("help_for_children", Some("civil_affairs")),
    ("rights_and_law", Some("justice")),
    ("culture", Some("culture_tourism")),
    ("having_a_say", Some("womens_federation")),
    ("something_else", None),
];

/// A world with an open campaign and a signed-in class-A child with consent.
struct Setup {
    world: World,
    campaign: String,
    token: String,
}

async fn setup(app: &TestApp) -> Setup {
    let (world, campaign, token) = class_with_child(app).await;
    Setup {
        world,
        campaign,
        token,
    }
}

/// The child submits on `topic`, screening runs, the teacher approves: the proposal's id.
async fn approve_one(app: &TestApp, setup: &Setup, topic: &str) -> String {
    let answers = [("noticed", "公园里的秋千坏了"), ("idea", "修好秋千")];
    let id = submit(app, &setup.token, &setup.campaign, topic, &answers).await;
    app.run_pending().await;
    approve(app, &setup.world, &id).await;
    id
}

async fn queue(app: &TestApp, token: &str, filter: Value) -> Vec<Value> {
    let answer = app
        .graphql_as(Some(token), TASKS, json!({ "f": filter }))
        .await;
    answer.ok()["departmentTasks"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

async fn mine(app: &TestApp, token: &str) -> Value {
    app.graphql_as(Some(token), MINE, json!({})).await.ok()["myProposals"]["nodes"][0].clone()
}

async fn act(app: &TestApp, token: &str, mutation: &str, variables: Value) -> Answer {
    app.graphql_as(Some(token), mutation, variables).await
}

const SIGN: &str = "mutation($t: ID!) { signForTask(taskId: $t) { state due } }";
const NOTE: &str =
    "mutation($t: ID!, $n: String!) { addTaskNote(taskId: $t, note: $n) { events { kind text } } }";
const EXTEND: &str = "mutation($t: ID!, $d: Int!, $r: String!) { requestExtension(taskId: $t, workingDays: $d, reason: $r) { state } }";
const DECIDE: &str = "mutation($t: ID!, $a: Boolean!) { decideExtension(taskId: $t, approve: $a) { state answerDue due } }";
const BOUNCE: &str =
    "mutation($t: ID!, $r: String!) { bounceTask(taskId: $t, reason: $r) { state } }";
const REROUTE: &str = "mutation($t: ID!, $d: ID!) { rerouteTask(taskId: $t, departmentId: $d) { state departmentId signForDue answerDue } }";

/// Moves the test clock to 10:00 in Shangyu on `date`.
fn set_clock(app: &TestApp, date: &str) {
    use tongsheng::clock::Clock as _;
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    let target = chrono::Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).unwrap());
    app.clock.advance(target - app.clock.now());
}

async fn every_topic_routes_to_its_default_and_coordinators_change_it_on_the_record(app: TestApp) {
    let setup = setup(&app).await;
    let world = &setup.world;
    let coordinator = Some(world.coordinator.token.as_str());
    let rules = app
        .graphql_as(
            coordinator,
            "{ routingRules { topic areaCode leadDepartmentId changedBy } }",
            json!({}),
        )
        .await;
    let rules = rules.ok()["routingRules"].as_array().unwrap().clone();
    assert_eq!(rules.len(), DEFAULTS.len());
    for (topic, lead) in DEFAULTS {
        let rule = rules.iter().find(|r| r["topic"] == topic).unwrap();
        let expected = match lead {
            Some(code) => json!(department_id(&app, code).await),
            None => Value::Null,
        };
        assert_eq!(rule["leadDepartmentId"], expected, "{topic}");
        assert_eq!(rule["areaCode"], "");
        assert_eq!(rule["changedBy"], Value::Null, "seeded");
    }

    const SET: &str = "mutation($i: RoutingRuleInput!) { setRoutingRule(input: $i) { topic leadDepartmentId coDepartmentIds changedBy } }";
    let transport = department_id(&app, "transport").await;
    let police = department_id(&app, "public_security").await;
    let set = act(&app, &world.coordinator.token, SET, json!({ "i": { "topic": "places_to_play", "leadDepartmentId": transport, "coDepartmentIds": [police] } })).await;
    assert_eq!(set.ok()["setRoutingRule"]["leadDepartmentId"], transport);
    assert_eq!(
        set.ok()["setRoutingRule"]["changedBy"],
        world.coordinator.id
    );
    let history = app
        .graphql_as(
            coordinator,
            "{ routingRuleHistory(topic: \"places_to_play\") { leadDepartmentId changedBy } }",
            json!({}),
        )
        .await;
    let history = history.ok()["routingRuleHistory"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(history.len(), 2, "the seed and the change");
    assert_eq!(
        history[0]["changedBy"], world.coordinator.id,
        "newest first"
    );
    assert_eq!(
        history[1]["leadDepartmentId"],
        json!(department_id(&app, "construction").await)
    );

    let bad = act(&app, &world.coordinator.token, SET, json!({ "i": { "topic": "weather", "leadDepartmentId": uuid::Uuid::now_v7().to_string() } })).await;
    let paths: Vec<Value> = bad.body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].clone())
        .collect();
    assert_eq!(
        paths,
        [
            json!(["input", "topic"]),
            json!(["input", "leadDepartmentId"])
        ]
    );
    let teacher = act(
        &app,
        &world.teacher_a.token,
        SET,
        json!({ "i": { "topic": "health" } }),
    )
    .await;
    assert_eq!(teacher.error_code(), Some("FORBIDDEN"));

    // The change routes what is approved from now on.
    approve_one(&app, &setup, "places_to_play").await;
    let clerk_police = staff(
        &app,
        &world.coordinator,
        "clerk.transport",
        "DEPARTMENT_STAFF",
        None,
        Some(&transport),
    )
    .await;
    assert_eq!(queue(&app, &clerk_police.token, json!({})).await.len(), 1);
    assert!(queue(&app, &world.clerk.token, json!({})).await.is_empty());
    let police_clerk = staff(
        &app,
        &world.coordinator,
        "clerk.police",
        "DEPARTMENT_STAFF",
        None,
        Some(&police),
    )
    .await;
    assert!(
        queue(&app, &police_clerk.token, json!({})).await.is_empty(),
        "it leads none"
    );
    let helping = queue(&app, &police_clerk.token, json!({ "asCoDepartment": true })).await;
    assert_eq!(helping.len(), 1, "it helps with one");
}

async fn topics_are_suggested_from_a_childs_words(app: TestApp) {
    let world = World::build(&app).await;
    let suggest = "query($t: String!) { suggestTopics(text: $t) { topic label score } }";
    for (text, first) in [
        ("学校门口的马路没有红绿灯，过马路很危险", "way_to_school"),
        ("公园的秋千和滑滑梯都坏了", "places_to_play"),
        ("图书馆的书太少了，想多一点阅读的地方", "culture"),
        ("食堂的午饭太咸了，作业也太多", "school_life"),
    ] {
        let answer = act(&app, &world.teacher_a.token, suggest, json!({ "t": text })).await;
        let ranked = answer.ok()["suggestTopics"].as_array().unwrap().clone();
        assert_eq!(ranked[0]["topic"], first, "{text}: {ranked:?}");
        assert!(ranked[0]["score"].as_f64().unwrap() > 0.0);
    }
    let nothing = act(
        &app,
        &world.teacher_a.token,
        suggest,
        json!({ "t": "今天天气很好" }),
    )
    .await;
    assert_eq!(nothing.ok()["suggestTopics"], json!([]));
    let anonymous = app.graphql(suggest, json!({ "t": "秋千" })).await;
    assert_eq!(anonymous.error_code(), Some("UNAUTHENTICATED"));
}

async fn a_task_goes_from_approval_through_sign_for_extension_bounce_and_reroute(app: TestApp) {
    let setup = setup(&app).await;
    let (world, token) = (&setup.world, setup.token.clone());
    let proposal = approve_one(&app, &setup, "places_to_play").await;
    let clerk = world.clerk.token.clone();
    let tasks = queue(&app, &clerk, json!({})).await;
    assert_eq!(tasks.len(), 1);
    let task = &tasks[0];
    let id = task["id"].as_str().unwrap().to_owned();
    assert_eq!(task["proposalId"], proposal);
    assert_eq!(task["state"], "ROUTED");
    // Approved on Monday 30 November: 2 working days to sign for, 15 to answer.
    assert_eq!(task["signForDue"], "2026-12-02");
    assert_eq!(task["answerDue"], "2026-12-21");
    assert_eq!(task["due"], "2026-12-02");
    assert_eq!(task["answers"][1]["text"], "修好秋千", "the approved text");
    assert_eq!(task["events"][0]["kind"], "CREATED");
    let child = mine(&app, &token).await;
    assert_eq!(child["status"], "ROUTED");
    assert_eq!(child["expectedAnswerBy"], "2026-12-21");

    // Others may not touch it.
    let transport = department_id(&app, "transport").await;
    let other_clerk = staff(
        &app,
        &world.coordinator,
        "clerk.transport",
        "DEPARTMENT_STAFF",
        None,
        Some(&transport),
    )
    .await;
    assert_eq!(
        act(&app, &other_clerk.token, SIGN, json!({ "t": id }))
            .await
            .error_code(),
        Some("NOT_FOUND")
    );
    assert_eq!(
        act(&app, &world.teacher_a.token, SIGN, json!({ "t": id }))
            .await
            .error_code(),
        Some("FORBIDDEN")
    );

    let signed = act(&app, &clerk, SIGN, json!({ "t": id })).await;
    assert_eq!(signed.ok()["signForTask"]["state"], "SIGNED_FOR");
    assert_eq!(signed.ok()["signForTask"]["due"], "2026-12-21");
    assert_eq!(mine(&app, &token).await["status"], "SIGNED_FOR");
    let again = act(&app, &clerk, SIGN, json!({ "t": id })).await;
    assert_eq!(again.error_code(), Some("INVALID_TRANSITION"));

    let noted = act(
        &app,
        &clerk,
        NOTE,
        json!({ "t": id, "n": "已安排现场查看" }),
    )
    .await;
    let events = noted.ok()["addTaskNote"]["events"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(events.last().unwrap()["text"], "已安排现场查看");

    let too_long = act(
        &app,
        &clerk,
        EXTEND,
        json!({ "t": id, "d": 31, "r": "需要采购" }),
    )
    .await;
    assert_eq!(
        too_long.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["workingDays"])
    );
    let asked = act(
        &app,
        &clerk,
        EXTEND,
        json!({ "t": id, "d": 5, "r": "需要采购新秋千" }),
    )
    .await;
    assert_eq!(
        asked.ok()["requestExtension"]["state"],
        "EXTENSION_REQUESTED"
    );
    let by_clerk = act(&app, &clerk, DECIDE, json!({ "t": id, "a": true })).await;
    assert_eq!(by_clerk.error_code(), Some("FORBIDDEN"));
    let decided = act(
        &app,
        &world.coordinator.token,
        DECIDE,
        json!({ "t": id, "a": true }),
    )
    .await;
    let decided = decided.ok()["decideExtension"].clone();
    assert_eq!(decided["state"], "SIGNED_FOR");
    assert_eq!(decided["answerDue"], "2026-12-28", "five more working days");
    assert_eq!(mine(&app, &token).await["expectedAnswerBy"], "2026-12-28");

    // A second proposal, on something else the clerk's department does not do: bounced, then
    // re-routed by a coordinator.
    let second = approve_one(&app, &setup, "places_to_play").await;
    let second_task = queue(&app, &clerk, json!({ "states": ["ROUTED"] })).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bounced = act(
        &app,
        &clerk,
        BOUNCE,
        json!({ "t": second_task, "r": "这是交通局的事" }),
    )
    .await;
    assert_eq!(bounced.ok()["bounceTask"]["state"], "BOUNCED");
    assert!(
        queue(&app, &clerk, json!({}))
            .await
            .iter()
            .all(|t| t["id"] != second_task.as_str())
    );
    let triage = app
        .graphql_as(
            Some(&world.coordinator.token),
            "{ triageTasks { nodes { id state } } }",
            json!({}),
        )
        .await;
    assert_eq!(triage.ok()["triageTasks"]["nodes"][0]["id"], second_task);
    let rerouted = act(
        &app,
        &world.coordinator.token,
        REROUTE,
        json!({ "t": second_task, "d": transport }),
    )
    .await;
    let rerouted = rerouted.ok()["rerouteTask"].clone();
    assert_eq!(rerouted["state"], "ROUTED");
    assert_eq!(rerouted["departmentId"], transport);
    assert_eq!(
        queue(&app, &other_clerk.token, json!({})).await[0]["proposalId"],
        second
    );
    let twice = act(
        &app,
        &world.coordinator.token,
        REROUTE,
        json!({ "t": id, "d": transport }),
    )
    .await;
    assert_eq!(
        twice.error_code(),
        Some("INVALID_TRANSITION"),
        "signed for: no longer re-routed"
    );

    let workload = app
        .graphql_as(
            Some(&world.coordinator.token),
            "{ departmentWorkload { department { code } open bounces } }",
            json!({}),
        )
        .await;
    let rows = workload.ok()["departmentWorkload"]
        .as_array()
        .unwrap()
        .clone();
    let construction = rows
        .iter()
        .find(|r| r["department"]["code"] == "construction")
        .unwrap();
    assert_eq!(construction["bounces"], 1);
    assert_eq!(construction["open"], 1);
}

async fn an_overdue_task_is_reminded_then_escalated_as_the_clock_runs(app: TestApp) {
    let setup = setup(&app).await;
    approve_one(&app, &setup, "places_to_play").await;
    let clerk = setup.world.clerk.token.clone();
    assert_eq!(
        queue(&app, &clerk, json!({ "overdue": true })).await.len(),
        0
    );
    // Wednesday 2 December, the sign-for deadline: reminded (催办), not yet overdue.
    set_clock(&app, "2026-12-02");
    // Days have passed: staff sign in again.
    let clerk = app.sign_in_staff("clerk.construction", PASSWORD).await;
    app.run_pending().await;
    let tasks = queue(&app, &clerk, json!({})).await;
    let kinds: Vec<&str> = tasks[0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["CREATED", "REMINDER"]);
    assert_eq!(tasks[0]["overdue"], false);
    // Thursday: overdue. Two working days past the deadline: still not escalated.
    set_clock(&app, "2026-12-04");
    let clerk = app.sign_in_staff("clerk.construction", PASSWORD).await;
    app.run_pending().await;
    let overdue = queue(&app, &clerk, json!({ "overdue": true })).await;
    assert_eq!(overdue.len(), 1);
    assert_eq!(
        overdue[0]["events"].as_array().unwrap().len(),
        2,
        "reminded once only"
    );
    // Monday 7 December: three working days past it, escalated to the coordinators (督办).
    set_clock(&app, "2026-12-07");
    let clerk = app.sign_in_staff("clerk.construction", PASSWORD).await;
    let coordinator = app.sign_in_staff("coordinator", PASSWORD).await;
    app.run_pending().await;
    app.run_pending().await;
    let tasks = queue(&app, &clerk, json!({})).await;
    let kinds: Vec<&str> = tasks[0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["CREATED", "REMINDER", "ESCALATION"]);
    let workload = app
        .graphql_as(
            Some(&coordinator),
            "{ departmentWorkload { department { code } overdue reminders escalations } }",
            json!({}),
        )
        .await;
    let row = workload.ok()["departmentWorkload"][0].clone();
    assert_eq!(
        row,
        json!({ "department": { "code": "construction" }, "overdue": 1, "reminders": 1, "escalations": 1 })
    );
    let (_, metrics) = app.get("/metrics").await;
    assert!(
        metrics.contains("tongsheng_task_deadline_events_total{kind=\"reminder\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("tongsheng_task_deadline_events_total{kind=\"escalation\"} 1"));
    // The coordinators' 督办 list: three working days overdue; the clerk may not read it.
    let escalated = "{ escalatedTasks { workingDaysOverdue task { id } } }";
    let listed = app
        .graphql_as(Some(&coordinator), escalated, json!({}))
        .await;
    assert_eq!(
        listed.ok()["escalatedTasks"],
        json!([{ "workingDaysOverdue": 3, "task": { "id": tasks[0]["id"] } }])
    );
    let refused = app.graphql_as(Some(&clerk), escalated, json!({})).await;
    assert_eq!(refused.error_code(), Some("FORBIDDEN"));
    // Signing for starts the answer clock afresh: no longer overdue.
    let id = tasks[0]["id"].clone();
    act(&app, &clerk, SIGN, json!({ "t": id })).await.ok();
    assert!(
        queue(&app, &clerk, json!({ "overdue": true }))
            .await
            .is_empty()
    );
    let listed = app
        .graphql_as(Some(&coordinator), escalated, json!({}))
        .await;
    assert_eq!(
        listed.ok()["escalatedTasks"],
        json!([]),
        "a new deadline runs"
    );
}

async fn deadlines_skip_spring_festival_and_national_day_and_count_their_worked_weekends(
    app: TestApp,
) {
    let Setup {
        world,
        campaign,
        token,
    } = setup(&app).await;
    let before_festival = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修")],
    )
    .await;
    let before_national_day = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "滑梯坏了"), ("idea", "修")],
    )
    .await;
    app.run_pending().await;
    let cases = [
        // Friday 13 February 2026: the worked Saturday 14th, then nine days off to the 23rd.
        (before_festival, "2026-02-13", "2026-02-24", "2026-03-12"),
        // Wednesday 30 September 2026: seven days off, then the worked Saturday 10 October.
        (
            before_national_day,
            "2026-09-30",
            "2026-10-09",
            "2026-10-27",
        ),
    ];
    for (proposal, day, sign_for, answer) in cases {
        set_clock(&app, day);
        approve(&app, &world, &proposal).await;
        let tasks = queue(&app, &world.clerk.token, json!({})).await;
        let task = tasks
            .iter()
            .find(|t| t["proposalId"] == proposal.as_str())
            .unwrap();
        assert_eq!(task["signForDue"], sign_for, "approved {day}");
        assert_eq!(task["answerDue"], answer, "approved {day}");
    }
}

async fn a_department_console_hears_of_new_tasks_live(app: TestApp) {
    let setup = setup(&app).await;
    let world = &setup.world;
    let mut live = Live::start(
        &app,
        Some(&world.clerk.token),
        "subscription { departmentTaskEvents { event { kind } task { proposalId state } } }",
    )
    .await;
    let mut heard = None;
    for _ in 0..10 {
        approve_one(&app, &setup, "places_to_play").await;
        if let Some(message) = live.next(std::time::Duration::from_millis(500)).await {
            heard = Some(message["payload"]["data"]["departmentTaskEvents"].clone());
            break;
        }
    }
    let heard = heard.expect("the console hears of a new task");
    assert_eq!(heard["event"]["kind"], "CREATED");
    assert_eq!(heard["task"]["state"], "ROUTED");
    let mut teacher = Live::start(
        &app,
        Some(&world.teacher_a.token),
        "subscription { departmentTaskEvents { event { kind } } }",
    )
    .await;
    let refused = teacher
        .next(std::time::Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
}

#[tokio::test]
async fn the_departments_workload_costs_the_same_sql_however_many_departments_have_work() {
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .spawn()
        .await;
    let setup = setup(&app).await;
    let coordinator = Some(setup.world.coordinator.token.as_str());
    let workload = "{ departmentWorkload { department { code } open } }";
    app.graphql_as(coordinator, "{ viewer { kind } }", json!({}))
        .await
        .ok();
    let mut costs = Vec::new();
    let mut rows = Vec::new();
    for topic in ["places_to_play", "way_to_school", "safety"] {
        approve_one(&app, &setup, topic).await;
        let before = app.statements().await;
        let answer = app.graphql_as(coordinator, workload, json!({})).await;
        costs.push(app.statements().await - before);
        rows.push(answer.ok()["departmentWorkload"].as_array().unwrap().len());
    }
    assert_eq!(rows, [1, 2, 3], "one department more each time");
    assert!(costs.iter().all(|cost| *cost == costs[0]), "{costs:?}");
}
