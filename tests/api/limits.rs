//! The limits that always hold: body size, batches, depth, complexity, page size, directives,
//! recursion, suggestions, introspection in production. Each refusal is clear, and the server
//! goes on serving.

use serde_json::json;

use crate::both_databases;
use crate::helpers::{Backend, TestApp};

both_databases!(fifty_items_a_page_is_allowed_and_fifty_one_is_refused_on_first);

async fn fifty_items_a_page_is_allowed_and_fifty_one_is_refused_on_first(app: TestApp) {
    let query = "query($first: Int) { departments(first: $first) { nodes { code } } }";
    let answer = app.graphql(query, json!({ "first": 50 })).await;
    assert!(answer.body["errors"].is_null(), "{}", answer.body);
    assert_eq!(
        answer.data()["departments"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        50
    );

    let answer = app.graphql(query, json!({ "first": 51 })).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.error_code(), Some("VALIDATION"));
    assert_eq!(
        answer.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["first"])
    );
    assert_eq!(
        answer.body["errors"][0]["extensions"]["fields"][0]["code"],
        "TOO_LARGE"
    );

    let answer = app.graphql(query, json!({ "first": 0 })).await;
    assert_eq!(answer.error_code(), Some("VALIDATION"));
    app.assert_still_serving().await;
}

async fn sqlite_app() -> TestApp {
    TestApp::builder(Backend::Sqlite).spawn().await
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = sqlite_app().await;
    for body in [
        &b"{\"query\": "[..],
        b"not json at all",
        b"",
        b"{\"query\": 42}",
    ] {
        let answer = app.post_graphql(body.to_vec()).await;
        assert_eq!(answer.status, 400, "{:?}", String::from_utf8_lossy(body));
        assert_eq!(answer.error_code(), Some("BAD_REQUEST"));
    }
    app.assert_still_serving().await;
}

#[tokio::test]
async fn a_batch_is_refused_with_400_and_none_of_it_runs() {
    let app = sqlite_app().await;
    let batch = json!([
        { "query": "{ departments(first: 1) { nodes { code } } }" },
        { "query": "{ departments(first: 2) { nodes { code } } }" },
    ]);
    let answer = app.post_graphql(serde_json::to_vec(&batch).unwrap()).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), Some("BAD_REQUEST"));
    assert!(answer.body["data"].is_null());
    let leading_space = [b"  \n".to_vec(), serde_json::to_vec(&batch).unwrap()].concat();
    assert_eq!(app.post_graphql(leading_space).await.status, 400);
    app.assert_still_serving().await;
}

#[tokio::test]
async fn a_one_mebibyte_body_is_answered_with_413() {
    let app = sqlite_app().await;
    let padding = "x".repeat(1024 * 1024);
    let body = serde_json::to_vec(
        &json!({ "query": format!("{{ departments {{ nodes {{ code }} }} }} #{padding}") }),
    )
    .unwrap();
    let answer = app.post_graphql(body).await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.error_code(), Some("BAD_REQUEST"));
    app.assert_still_serving().await;
}

/// `{ __schema { types { fields { type { ofType … { name } } } } } }` with `depth` levels.
fn introspection_of_depth(depth: usize) -> String {
    let of_types = depth - 5;
    let mut query = String::from("{ __schema { types { fields { type { ");
    query.push_str(&"ofType { ".repeat(of_types));
    query.push_str("name ");
    query.push_str(&"} ".repeat(of_types));
    query.push_str("} } } } }");
    query
}

#[tokio::test]
async fn depth_ten_is_served_and_depth_eleven_is_refused() {
    let app = sqlite_app().await;
    let answer = app.graphql(&introspection_of_depth(10), json!({})).await;
    assert!(answer.body["errors"].is_null(), "depth 10: {}", answer.body);
    let answer = app.graphql(&introspection_of_depth(11), json!({})).await;
    assert_eq!(answer.status, 200);
    answer.assert_refused("INVALID_QUERY", "nested too deep");
    app.assert_still_serving().await;
}

#[tokio::test]
async fn a_query_too_costly_for_the_complexity_limit_is_refused() {
    let app = sqlite_app().await;
    let aliases: String = (0..15)
        .map(|n| format!("a{n}: departments(first: 50) {{ nodes {{ id code nameZh nameEn }} }} "))
        .collect();
    let answer = app.graphql(&format!("{{ {aliases} }}"), json!({})).await;
    answer.assert_refused("INVALID_QUERY", "complex");
    // The same shape, small enough, is served.
    let answer = app
        .graphql(
            "{ a: departments(first: 50) { nodes { id code nameZh nameEn } } }",
            json!({}),
        )
        .await;
    assert!(answer.body["errors"].is_null(), "{}", answer.body);
}

#[tokio::test]
async fn more_than_four_directives_on_a_field_are_refused() {
    let app = sqlite_app().await;
    let two = "{ departments(first: 1) @include(if: true) @skip(if: false) { nodes { code } } }";
    assert!(app.graphql(two, json!({})).await.body["errors"].is_null());
    let five = "{ departments(first: 1) @include(if: true) @include(if: true) @skip(if: false) @skip(if: false) @skip(if: false) { nodes { code } } }";
    assert_eq!(
        app.graphql(five, json!({})).await.error_code(),
        Some("INVALID_QUERY")
    );
}

#[tokio::test]
async fn deeply_nested_input_is_refused_without_harm() {
    let app = sqlite_app().await;
    let nested = format!(
        "{{ department(code: {}\"x\"{}) {{ code }} }}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let answer = app.graphql(&nested, json!({})).await;
    assert_eq!(
        answer.error_code(),
        Some("INVALID_QUERY"),
        "{}",
        answer.body
    );
    let selections = format!(
        "{{ {} code {} }}",
        "departments { nodes { ".repeat(40),
        "} } ".repeat(40)
    );
    assert_eq!(
        app.graphql(&selections, json!({})).await.error_code(),
        Some("INVALID_QUERY")
    );
    app.assert_still_serving().await;
}

#[tokio::test]
async fn a_misspelt_field_or_argument_gets_no_suggestion() {
    let app = sqlite_app().await;
    for query in [
        "{ departmnts { nodes { code } } }",
        "{ departments(frist: 1) { nodes { code } } }",
        "{ departments { nodes { cod } } }",
    ] {
        let answer = app.graphql(query, json!({})).await;
        assert_eq!(answer.error_code(), Some("INVALID_QUERY"), "{query}");
        let text = answer.body.to_string();
        assert!(!text.contains("Did you mean"), "{text}");
    }
}

#[tokio::test]
async fn production_refuses_introspection_and_serves_no_graphiql() {
    let app = TestApp::builder(Backend::Sqlite).production().spawn().await;
    for query in [
        "{ __schema { types { name } } }",
        "{ __type(name: \"Department\") { fields { name } } }",
        "query { ...Sneaky } fragment Sneaky on Query { __schema { queryType { name } } }",
        "{ ... on Query { __type(name: \"Query\") { name } } }",
    ] {
        let answer = app.graphql(query, json!({})).await;
        assert_eq!(
            answer.error_code(),
            Some("INVALID_QUERY"),
            "{query}: {}",
            answer.body
        );
        assert!(answer.data().is_null(), "{}", answer.body);
    }
    // `__typename` is not introspection of the schema, and stays available.
    let answer = app.graphql("{ __typename }", json!({})).await;
    assert_eq!(answer.data()["__typename"], "Query");
    let (status, _) = app.get("/graphql").await;
    assert_eq!(status, 405);
    app.assert_still_serving().await;
}

#[tokio::test]
async fn development_serves_graphiql_and_introspection() {
    let app = sqlite_app().await;
    let (status, page) = app.get("/graphql").await;
    assert_eq!(status, 200);
    assert!(page.contains("graphiql"), "{page}");
    let answer = app
        .graphql(
            "{ __type(name: \"Department\") { fields { name } } }",
            json!({}),
        )
        .await;
    assert!(
        answer.data()["__type"]["fields"].is_array(),
        "{}",
        answer.body
    );
}
