//! No safeguarding case left unseen: a lead is told at once and finds a stored notice; a case not
//! acknowledged within 4 working hours goes up to the district's safeguarding lead and shows as
//! overdue; a school without a lead sends its cases to the district at once.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::TestApp;
use crate::helpers::world::{PASSWORD, Person, World, class_with_child, staff, submit};

both_databases!(
    a_case_nobody_acknowledges_in_time_goes_up_to_the_district_and_shows_overdue,
    an_acknowledged_case_stays_with_the_school,
    a_school_without_a_lead_sends_its_cases_to_the_district_at_once,
);

const CASES: &str =
    "{ safeguardingCases { nodes { id overdue acknowledgeBy acknowledgedAt withDistrictSince } } }";
const NOTICES: &str = "{ staffNotifications { nodes { kind caseId } } }";

async fn district_lead(app: &TestApp, world: &World) -> Person {
    staff(
        app,
        &world.coordinator,
        "lead.district",
        "DISTRICT_SAFEGUARDING_LEAD",
        None,
        None,
    )
    .await
}

async fn disclose(app: &TestApp, token: &str, campaign: &str) {
    let answers = [("noticed", "妈妈拿棍子打我"), ("idea", "想有人帮我")];
    submit(app, token, campaign, "safety", &answers).await;
    app.run_pending().await;
}

async fn nodes(app: &TestApp, token: &str, query: &str, field: &str) -> Vec<Value> {
    let answer = app.graphql_as(Some(token), query, json!({})).await;
    answer.ok()[field]["nodes"].as_array().unwrap().clone()
}

/// Time moves in these tests further than a staff session's 30 idle minutes: sign in again.
async fn later(app: &TestApp, by: chrono::Duration) -> (String, String, String) {
    app.clock.advance(by);
    app.run_pending().await;
    (
        app.sign_in_staff("lead.a", PASSWORD).await,
        app.sign_in_staff("lead.b", PASSWORD).await,
        app.sign_in_staff("lead.district", PASSWORD).await,
    )
}

fn kinds(notices: &[Value]) -> Vec<&str> {
    notices
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect()
}

async fn a_case_nobody_acknowledges_in_time_goes_up_to_the_district_and_shows_overdue(
    app: TestApp,
) {
    let (world, campaign, token) = class_with_child(&app).await;
    let district = district_lead(&app, &world).await;
    disclose(&app, &token, &campaign).await;

    let cases = nodes(&app, &world.lead_a.token, CASES, "safeguardingCases").await;
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["overdue"], false);
    // Monday 10:00 in Shangyu + 4 working hours.
    assert_eq!(cases[0]["acknowledgeBy"], "2026-11-30T06:00:00+00:00");
    assert!(cases[0]["withDistrictSince"].is_null());
    let notices = nodes(&app, &world.lead_a.token, NOTICES, "staffNotifications").await;
    assert_eq!(
        kinds(&notices),
        ["CASE_OPENED"],
        "a stored notice for the lead"
    );
    assert_eq!(notices[0]["caseId"], cases[0]["id"]);
    assert!(
        nodes(&app, &district.token, CASES, "safeguardingCases")
            .await
            .is_empty()
    );

    let (lead_a, _, _) = later(&app, chrono::Duration::hours(3)).await;
    let cases = nodes(&app, &lead_a, CASES, "safeguardingCases").await;
    assert_eq!(cases[0]["overdue"], false, "not yet");

    let (lead_a, lead_b, district) = later(&app, chrono::Duration::hours(2)).await;
    let cases = nodes(&app, &lead_a, CASES, "safeguardingCases").await;
    assert_eq!(cases[0]["overdue"], true);
    assert!(cases[0]["withDistrictSince"].is_string());
    let theirs = nodes(&app, &district, CASES, "safeguardingCases").await;
    assert_eq!(theirs.len(), 1, "the district lead has it now");
    assert_eq!(theirs[0]["overdue"], true);
    let notices = nodes(&app, &district, NOTICES, "staffNotifications").await;
    assert_eq!(kinds(&notices), ["CASE_OVERDUE"]);
    let notices = nodes(&app, &lead_a, NOTICES, "staffNotifications").await;
    assert_eq!(kinds(&notices), ["CASE_OVERDUE", "CASE_OPENED"]);

    // The district lead may act on it; another school's lead still may not.
    let acknowledge =
        "mutation($c: ID!) { acknowledgeSafeguardingCase(caseId: $c) { overdue acknowledgedAt } }";
    let c = json!({ "c": theirs[0]["id"] });
    let refused = app.graphql_as(Some(&lead_b), acknowledge, c.clone()).await;
    assert_eq!(refused.error_code(), Some("NOT_FOUND"));
    let done = app.graphql_as(Some(&district), acknowledge, c).await;
    assert_eq!(done.ok()["acknowledgeSafeguardingCase"]["overdue"], false);
    // Running the sweep again escalates nothing twice.
    app.run_pending().await;
    let notices = nodes(&app, &district, NOTICES, "staffNotifications").await;
    assert_eq!(kinds(&notices), ["CASE_OVERDUE"]);
}

async fn an_acknowledged_case_stays_with_the_school(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    district_lead(&app, &world).await;
    disclose(&app, &token, &campaign).await;
    let cases = nodes(&app, &world.lead_a.token, CASES, "safeguardingCases").await;
    app.graphql_as(
        Some(&world.lead_a.token),
        "mutation($c: ID!) { acknowledgeSafeguardingCase(caseId: $c) { id } }",
        json!({ "c": cases[0]["id"] }),
    )
    .await
    .ok();
    let (lead_a, _, district) = later(&app, chrono::Duration::days(3)).await;
    let cases = nodes(&app, &lead_a, CASES, "safeguardingCases").await;
    assert_eq!(cases[0]["overdue"], false);
    assert!(cases[0]["acknowledgedAt"].is_string());
    assert!(cases[0]["withDistrictSince"].is_null());
    assert!(
        nodes(&app, &district, CASES, "safeguardingCases")
            .await
            .is_empty()
    );
}

async fn a_school_without_a_lead_sends_its_cases_to_the_district_at_once(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let district = district_lead(&app, &world).await;
    // School A's only lead leaves.
    app.graphql_as(
        Some(&world.coordinator.token),
        "mutation($s: ID!) { deactivateStaff(staffId: $s) { id } }",
        json!({ "s": world.lead_a.id }),
    )
    .await
    .ok();
    disclose(&app, &token, &campaign).await;
    let theirs = nodes(&app, &district.token, CASES, "safeguardingCases").await;
    assert_eq!(theirs.len(), 1, "nobody at the school could see it");
    assert!(theirs[0]["withDistrictSince"].is_string());
    assert_eq!(theirs[0]["overdue"], false);
    let notices = nodes(&app, &district.token, NOTICES, "staffNotifications").await;
    assert_eq!(kinds(&notices), ["CASE_OPENED"]);
}
