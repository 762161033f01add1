//! `/healthz` (the process is alive), `/readyz` (it can serve: database reachable, Redis when
//! configured, not shutting down) and `/metrics` (Prometheus text).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::json;

use super::HttpState;
use crate::store;

pub async fn alive() -> &'static str {
    "ok"
}

/// 200 when every dependency answers; 503 otherwise, the body naming what is down.
pub async fn ready(State(state): State<HttpState>) -> impl IntoResponse {
    let app = &state.app;
    let (database_up, redis_up) = tokio::join!(store::ping(&app.db), app.backplane.is_ready());
    let shutting_down = app.shutdown.is_cancelled();
    let redis = match (app.backplane.kind(), redis_up) {
        ("local", _) => "not_configured",
        (_, true) => "up",
        (_, false) => "down",
    };
    let ready = database_up && redis_up && !shutting_down;
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "checks": {
            "database": if database_up { "up" } else { "down" },
            "redis": redis,
            "shutdown": if shutting_down { "in_progress" } else { "no" },
        },
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

/// Prometheus text, for the scraper that bears `METRICS_TOKEN` (anyone, in development, when no
/// token is set; nobody, in production, when none is set). Others get 404, as for no such page.
pub async fn metrics(
    State(state): State<HttpState>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    let config = &state.app.config;
    let allowed = match &config.metrics_token {
        Some(token) => super::client::bearer_token(&headers)
            .is_some_and(|given| crate::secrets::same_secret(given.as_bytes(), token.as_bytes())),
        None => !config.is_production(),
    };
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    let text = state.app.metrics.render(store::pool_usage(&state.app.db));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
