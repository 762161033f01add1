//! `/healthz` and `/readyz`: alive, and able to serve, naming what is down.

use serde_json::Value;

use crate::both_databases;
use crate::helpers::{Backend, TestApp};

both_databases!(
    ready_when_the_database_and_redis_answer,
    not_ready_when_the_database_is_gone
);

async fn ready_when_the_database_and_redis_answer(app: TestApp) {
    let (status, alive) = app.get("/healthz").await;
    assert_eq!((status.as_u16(), alive.as_str()), (200, "ok"));
    let (status, body) = app.get("/readyz").await;
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"]["database"], "up");
    let expected_redis = if std::env::var("TEST_REDIS_URL").is_ok_and(|v| !v.is_empty()) {
        "up"
    } else {
        "not_configured"
    };
    assert_eq!(body["checks"]["redis"], expected_redis);
}

async fn not_ready_when_the_database_is_gone(app: TestApp) {
    app.db.close_by_ref().await.unwrap();
    let (status, body) = app.get("/readyz").await;
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status, 503);
    assert_eq!(body["checks"]["database"], "down");
    let (status, _) = app.get("/healthz").await;
    assert_eq!(status, 200, "alive even when not ready");
}

#[tokio::test]
async fn not_ready_when_redis_is_configured_but_down_and_the_body_says_so() {
    // Nothing listens on port 1; the app still starts, and says what is down.
    let app = TestApp::builder(Backend::Sqlite)
        .redis_url("redis://127.0.0.1:1")
        .spawn()
        .await;
    let (status, body) = app.get("/readyz").await;
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["checks"]["redis"], "down");
    assert_eq!(body["checks"]["database"], "up");
    app.assert_still_serving().await;
}
