//! The departments list: public, paginated, seeded from the plan.

use serde_json::json;

use crate::both_databases;
use crate::helpers::TestApp;

both_databases!(
    anyone_can_page_through_every_department_of_the_plan,
    a_department_is_found_by_its_code_and_an_unknown_code_is_null,
    a_cursor_the_server_did_not_issue_is_a_validation_error,
);

const PAGE: &str = "query Departments($first: Int, $after: String) {
  departments(first: $first, after: $after) {
    edges { cursor node { code nameZh nameEn } }
    pageInfo { hasNextPage endCursor }
  }
}";

async fn anyone_can_page_through_every_department_of_the_plan(app: TestApp) {
    let mut codes = Vec::new();
    let mut after = serde_json::Value::Null;
    loop {
        let answer = app
            .graphql(PAGE, json!({ "first": 10, "after": after }))
            .await;
        assert!(answer.body["errors"].is_null(), "{}", answer.body);
        let connection = &answer.data()["departments"];
        for edge in connection["edges"].as_array().unwrap() {
            codes.push(edge["node"]["code"].as_str().unwrap().to_owned());
        }
        if !connection["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        codes.len(),
        53,
        "every responsible unit in the plan (33 bureaus and the 20 townships and subdistricts): {codes:?}"
    );
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, codes, "ordered by code, no repeats across pages");
    for lead in [
        "construction",
        "transport",
        "education_sports",
        "health",
        "emergency_management",
        "cyberspace",
        "womens_federation",
        "civil_affairs",
        "justice",
        "culture_tourism",
        "youth_league",
    ] {
        assert!(
            codes.iter().any(|code| code == lead),
            "DESIGN §5 lead {lead} is seeded"
        );
    }
}

async fn a_department_is_found_by_its_code_and_an_unknown_code_is_null(app: TestApp) {
    let query = "query One($code: String!) { department(code: $code) { code nameZh nameEn } }";
    let answer = app
        .graphql(query, json!({ "code": "education_sports" }))
        .await;
    assert_eq!(answer.data()["department"]["nameZh"], "教体局");
    assert_eq!(
        answer.data()["department"]["nameEn"],
        "Education and Sports Bureau"
    );
    for unknown in ["no_such_department", "DROP TABLE", ""] {
        let answer = app.graphql(query, json!({ "code": unknown })).await;
        assert!(answer.body["errors"].is_null(), "{}", answer.body);
        assert!(answer.data()["department"].is_null());
    }
}

async fn a_cursor_the_server_did_not_issue_is_a_validation_error(app: TestApp) {
    for after in ["garbage", "IkRST1AgVEFCTEUi", "NDI"] {
        let answer = app
            .graphql(PAGE, json!({ "first": 5, "after": after }))
            .await;
        assert_eq!(
            answer.error_code(),
            Some("VALIDATION"),
            "{after}: {}",
            answer.body
        );
        assert_eq!(
            answer.body["errors"][0]["extensions"]["fields"][0]["path"],
            json!(["after"])
        );
    }
}
