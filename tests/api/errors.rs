//! Internal failures reach the client as a generic INTERNAL error with a request id: no SQL, no
//! driver text, no panic message. The server goes on serving.

use serde_json::json;
use std::time::Duration;

use crate::both_databases;
use crate::helpers::{Backend, Fault, TestApp};

both_databases!(a_database_failure_is_a_generic_internal_error_with_the_request_id);

async fn a_database_failure_is_a_generic_internal_error_with_the_request_id(app: TestApp) {
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("ALTER TABLE departments RENAME TO departments_gone")
        .await
        .unwrap();
    let answer = app
        .graphql(
            "query Departments { departments(first: 5) { nodes { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.error_code(), Some("INTERNAL"), "{}", answer.body);
    let error = &answer.body["errors"][0];
    assert_eq!(error["message"], "服务器出了点问题，请稍后再试。");
    let request_id = error["extensions"]["requestId"]
        .as_str()
        .expect("a request id in the error");
    assert_eq!(
        Some(request_id),
        answer.request_id.as_deref(),
        "the same id as the response header"
    );
    let mut keys: Vec<_> = error["extensions"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    keys.sort();
    assert_eq!(keys, ["code", "requestId"], "nothing else rides along");
    let text = format!("{}{}", error["message"], error["extensions"]).to_lowercase();
    for leak in [
        "departments",
        "relation",
        "no such table",
        "sql",
        "select",
        "error returned from database",
    ] {
        assert!(!text.contains(leak), "leaked {leak:?}: {text}");
    }
    let (_, health) = app.get("/healthz").await;
    assert_eq!(health, "ok");
}

#[tokio::test]
async fn a_panic_in_a_resolver_is_a_generic_internal_error_and_the_server_keeps_serving() {
    let app = TestApp::builder(Backend::Sqlite)
        .fault(Fault::PanicInDepartment)
        .spawn()
        .await;
    let answer = app
        .graphql("{ department(code: \"health\") { code } }", json!({}))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.error_code(), Some("INTERNAL"), "{}", answer.body);
    assert!(
        !answer.body.to_string().contains("injected panic"),
        "{}",
        answer.body
    );
    assert!(answer.body["errors"][0]["extensions"]["requestId"].is_string());
    app.assert_still_serving().await;
    let again = app
        .graphql("{ department(code: \"health\") { code } }", json!({}))
        .await;
    assert_eq!(again.error_code(), Some("INTERNAL"));
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_answered_with_timeout() {
    let app = TestApp::builder(Backend::Sqlite)
        .fault(Fault::SlowDepartment(Duration::from_secs(30)))
        .request_timeout(Duration::from_millis(300))
        .spawn()
        .await;
    let answer = app
        .graphql("{ department(code: \"health\") { code } }", json!({}))
        .await;
    assert_eq!(answer.error_code(), Some("TIMEOUT"), "{}", answer.body);
    app.assert_still_serving().await;
}

#[tokio::test]
async fn errors_are_counted_by_code_and_requests_by_operation_name() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    app.graphql(
        "query ListDepartments { departments(first: 2) { nodes { code } } }",
        json!({}),
    )
    .await;
    app.graphql(
        "query ListDepartments { departments(first: 2) { nodes { code } } }",
        json!({}),
    )
    .await;
    app.graphql(
        "query TooMany { departments(first: 99) { nodes { code } } }",
        json!({}),
    )
    .await;
    let (status, metrics) = app.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains("tongsheng_graphql_requests_total{operation=\"ListDepartments\"} 2"),
        "{metrics}"
    );
    assert!(metrics.contains(
        "tongsheng_graphql_request_duration_seconds_count{operation=\"ListDepartments\"} 2"
    ));
    assert!(
        metrics.contains("tongsheng_graphql_errors_total{code=\"VALIDATION\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("tongsheng_db_pool_connections{state=\"idle\"}"),
        "{metrics}"
    );
}
