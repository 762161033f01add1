//! The permission matrix: every role × every operation so far × own / other class / other
//! school / other department, against one table. Each later issue adds its rows. Escalated
//! proposals and safeguarding cases are for the school's lead alone: departments see none.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::TestApp;
use crate::helpers::world::{World, open_campaign, record_consent, submit};

both_databases!(every_role_can_do_exactly_what_the_matrix_says);

/// The actors, in the order of each row's expectations.
const ACTORS: [&str; 9] = [
    "anonymous",
    "child_a",
    "teacher_a",
    "teacher_a2",
    "teacher_b",
    "lead_a",
    "lead_b",
    "clerk",
    "coordinator",
];

const OK: &str = "ok";
const UNAUTH: &str = "UNAUTHENTICATED";
const FORBID: &str = "FORBIDDEN";
const NOPE: &str = "NOT_FOUND";

/// (operation, query, expected outcome per actor). Variables: `$class` is class A, `$child` a
/// child of class A, `$school` school A, `$n` a name unique to the call.
const MATRIX: &[(&str, &str, [&str; 9])] = &[
    (
        "viewer",
        "{ viewer { kind } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "departments",
        "{ departments(first: 1) { nodes { code } } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "createSchool",
        "mutation($n: String!) { createSchool(input: { code: $n, nameZh: \"新的学校\" }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "createStaff",
        "mutation($n: String!, $school: ID) { createStaff(input: { username: $n, password: \"long enough pw\", displayName: \"X\", role: TEACHER, schoolId: $school }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "createClass",
        "mutation($n: String!) { createClass(input: { grade: 3, name: $n, schoolYear: 2026 }) { id } }",
        [UNAUTH, FORBID, OK, OK, OK, FORBID, FORBID, FORBID, FORBID],
    ),
    (
        "myClasses",
        "{ myClasses { id } }",
        [UNAUTH, FORBID, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "class",
        "query($class: ID!) { class(id: $class) { code } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "class.children",
        "query($class: ID!) { class(id: $class) { children { nodes { pseudonym } } } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "child",
        "query($child: ID!) { child(id: $child) { pseudonym } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, OK, NOPE, NOPE, OK],
    ),
    (
        "enrolChildren",
        "mutation($class: ID!, $n: String!) { enrolChildren(classId: $class, children: [{ pseudonym: $n, birthYear: 2017, birthMonth: 5 }]) { pin } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "resetPin",
        "mutation($child: ID!) { resetPin(childId: $child) { pin } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "issueBadges",
        "mutation($class: ID!) { issueBadges(classId: $class) { badgeToken } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "voidBadges",
        "mutation($class: ID!) { voidBadges(classId: $class) }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "recordGuardianConsent",
        "mutation($child: ID!) { recordGuardianConsent(childId: $child, input: { method: WRITTEN, givenOn: \"2026-11-01\", relation: MOTHER }) { pseudonym } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "withdrawGuardianConsent",
        "mutation($child: ID!) { withdrawGuardianConsent(childId: $child) { pseudonym } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "areas",
        "{ areas { code } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "campaigns",
        "{ campaigns { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "createCampaign",
        "mutation($n: String!) { createCampaign(input: { title: $n, bands: [B], topics: [\"safety\"], opensAt: \"2026-11-01T00:00:00Z\", closesAt: \"2026-12-31T00:00:00Z\" }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "openCampaigns",
        "{ openCampaigns { id } }",
        [
            UNAUTH, OK, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "myProposals",
        "{ myProposals { nodes { id } } }",
        [
            UNAUTH, OK, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "createArea",
        "mutation($n: String!) { createArea(input: { code: $n, nameZh: \"某某街道\", kind: SUBDISTRICT }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "accessLog",
        "{ accessLog { nodes { operation } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "moderationQueue",
        "query($class: ID!) { moderationQueue(classId: $class) { nodes { id } } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "moderationLog",
        "query($proposal: ID!) { moderationLog(proposalId: $proposal) { decision } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, OK],
    ),
    (
        "moderateProposal",
        "mutation($proposal: ID!) { moderateProposal(id: $proposal, input: { decision: RETURN_FOR_CHANGES, reason: UNCLEAR }) { status } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "allowListSuggestions",
        "{ allowListSuggestions { nodes { id } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "safeguardingCases",
        "{ safeguardingCases { nodes { id } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, OK, FORBID, FORBID,
        ],
    ),
    (
        "recordSafeguardingAction",
        "mutation($case: ID!) { recordSafeguardingAction(caseId: $case, input: { kind: TALKED_WITH_CHILD, occurredOn: \"2026-11-30\" }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, NOPE, FORBID, FORBID,
        ],
    ),
    (
        "routingRules",
        "{ routingRules { topic } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "suggestTopics",
        "{ suggestTopics(text: \"秋千\") { topic } }",
        [UNAUTH, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "departmentTasks",
        "{ departmentTasks { nodes { id } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "task",
        "query($task: ID!) { task(id: $task) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, OK,
        ],
    ),
    (
        "addTaskNote",
        "mutation($task: ID!) { addTaskNote(taskId: $task, note: \"已查看\") { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "triageTasks",
        "{ triageTasks { nodes { id } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "departmentWorkload",
        "{ departmentWorkload { open } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "answerTemplates",
        "{ answerTemplates(topic: \"safety\", outcome: ADOPTED) { childText } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "myNotifications",
        "{ myNotifications { nodes { kind } } }",
        [
            UNAUTH, OK, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "publishedProposals",
        "{ publishedProposals { nodes { id } } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "publicStats",
        "{ publicStats { proposals } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "campaignReport",
        "query($campaign: ID!) { campaignReport(campaignId: $campaign) { title } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "dataRequests",
        "{ dataRequests { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "complianceReport",
        "{ complianceReport(year: 2026) { erasures } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "fileDataRequest",
        "mutation($child: ID!) { fileDataRequest(childId: $child, kind: EXPORT) { id } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
];

/// A proposal of class A awaiting review, an open safeguarding case of school A, and an approved
/// proposal's task in the clerk's department.
struct Fixtures {
    campaign: String,
    proposal: String,
    case: String,
    task: String,
}

async fn fixtures(app: &TestApp, world: &World, child_token: &str) -> Fixtures {
    let campaign = open_campaign(app, &world.coordinator, &["B"], None).await;
    record_consent(app, &world.teacher_a, &world.class_a.children[0].id).await;
    // The matrix withdraws the first child's consent, which withdraws what they submitted: the
    // proposal to moderate is a classmate's.
    let classmate = &world.class_a.children[1];
    record_consent(app, &world.teacher_a, &classmate.id).await;
    let classmate_token = app.sign_in_child(&world.class_a.code, &classmate.pin).await;
    let classmate_token = classmate_token.ok()["signInChild"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let answers = [("noticed", "路口没有红绿灯"), ("idea", "装一个")];
    let proposal = submit(app, &classmate_token, &campaign, "safety", &answers).await;
    let disclosure = [("noticed", "我不想活了"), ("idea", "想有人陪我")];
    submit(app, child_token, &campaign, "safety", &disclosure).await;
    let swings = [("noticed", "秋千坏了"), ("idea", "修好")];
    let approved = submit(app, child_token, &campaign, "places_to_play", &swings).await;
    app.run_pending().await;
    app.graphql_as(
        Some(&world.teacher_a.token),
        "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: APPROVE }) { id } }",
        json!({ "p": approved }),
    )
    .await
    .ok();
    let tasks = app
        .graphql_as(
            Some(&world.clerk.token),
            "{ departmentTasks { nodes { id } } }",
            json!({}),
        )
        .await;
    let task = tasks.ok()["departmentTasks"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cases = app
        .graphql_as(
            Some(&world.lead_a.token),
            "{ safeguardingCases { nodes { id } } }",
            json!({}),
        )
        .await;
    let case = cases.ok()["safeguardingCases"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Fixtures {
        campaign,
        proposal,
        case,
        task,
    }
}

async fn every_role_can_do_exactly_what_the_matrix_says(app: TestApp) {
    let world = World::build(&app).await;
    let child_a = &world.class_a.children[0];
    let child_session = app.sign_in_child(&world.class_a.code, &child_a.pin).await;
    let child_token = child_session.ok()["signInChild"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let tokens: [Option<&str>; 9] = [
        None,
        Some(&child_token),
        Some(&world.teacher_a.token),
        Some(&world.teacher_a2.token),
        Some(&world.teacher_b.token),
        Some(&world.lead_a.token),
        Some(&world.lead_b.token),
        Some(&world.clerk.token),
        Some(&world.coordinator.token),
    ];
    let fixtures = fixtures(&app, &world, &child_token).await;
    let mut mismatches = Vec::new();
    for (operation, query, expected) in MATRIX {
        for (index, actor) in ACTORS.iter().enumerate() {
            let variables = variables(
                query,
                &world,
                &fixtures,
                &child_a.id,
                &format!("n{}{}", operation.len(), index),
            );
            let answer = app.graphql_as(tokens[index], query, variables).await;
            let outcome = match answer.error_code() {
                None if answer.status == 200 => OK.to_owned(),
                None => format!("HTTP {}", answer.status),
                Some(code) => code.to_owned(),
            };
            if outcome != expected[index] {
                mismatches.push(format!(
                    "{operation} as {actor}: expected {}, got {outcome}",
                    expected[index]
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "permission matrix mismatches:\n{}",
        mismatches.join("\n")
    );
}

/// Only the variables a query declares, so none is unused.
fn variables(query: &str, world: &World, fixtures: &Fixtures, child: &str, unique: &str) -> Value {
    let mut variables = serde_json::Map::new();
    let all = [
        ("$class", json!(world.class_a.id)),
        ("$child", json!(child)),
        ("$school", json!(world.school_a)),
        ("$n", json!(format!("user_{unique}"))),
        ("$proposal", json!(fixtures.proposal)),
        ("$case", json!(fixtures.case)),
        ("$task", json!(fixtures.task)),
        ("$campaign", json!(fixtures.campaign)),
    ];
    for (name, value) in all {
        if query.contains(&format!("{name}:")) {
            variables.insert(name.trim_start_matches('$').to_owned(), value);
        }
    }
    Value::Object(variables)
}
