//! HTTP transport: the routes, the request-id and logging middleware, and the limits that hold
//! before any GraphQL is parsed.

pub mod cards;
mod client;
mod documents;
pub use client::client_address;
mod graphql;
mod health;
mod media;
mod privacy;
mod public;
pub mod reports;
mod request_context;
mod topics;
mod websocket;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::error::FieldCode;
use crate::graphql::AppSchema;
use crate::state::AppState;

/// An error from a handler outside GraphQL (files, exports), with its HTTP status and the same
/// JSON error body GraphQL answers with.
pub(crate) fn refusal(
    state: &HttpState,
    error: crate::error::AppError,
) -> axum::response::Response {
    use crate::error::{AppError, ErrorCode};
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse as _;
    let too_large = matches!(&error, AppError::Validation(fields)
        if fields.iter().any(|field| field.code == FieldCode::TooLarge));
    let retry_after = match &error {
        AppError::RateLimited { retry_after } => Some(retry_after.as_secs().max(1)),
        _ => None,
    };
    let status = match error.code() {
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Validation if too_large => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::Validation => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    state.app.metrics.record_error(error.code().as_str());
    let body = axum::Json(async_graphql::Response::from_errors(vec![
        graphql::app_error(error),
    ]));
    match retry_after {
        Some(seconds) => {
            (status, [(header::RETRY_AFTER, seconds.to_string())], body).into_response()
        }
        None => (status, body).into_response(),
    }
}

/// Request bodies larger than this are answered with 413 before they are parsed.
pub const MAX_GRAPHQL_BODY: usize = 64 * 1024;

/// What the handlers share.
#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: AppSchema,
    /// The operations this instance has parsed, by hash.
    pub documents: documents::Documents,
}

pub fn router(app: AppState, schema: AppSchema) -> Router {
    let graphiql_enabled = !app.config.is_production();
    let console = crate::console::router(app.clone(), schema.clone());
    let state = HttpState {
        app,
        schema,
        documents: documents::Documents::default(),
    };
    let mut graphql_route = post(graphql::execute);
    if graphiql_enabled {
        graphql_route = graphql_route.get(graphql::graphiql);
    }
    Router::new()
        .route(
            "/graphql",
            graphql_route.layer(DefaultBodyLimit::max(MAX_GRAPHQL_BODY)),
        )
        .route("/graphql/ws", get(websocket::websocket))
        .route("/classes/{class}/cards.pdf", post(cards::print))
        .route(
            "/media",
            post(media::upload).layer(DefaultBodyLimit::max(media::MAX_UPLOAD_BODY)),
        )
        .route("/media/{id}/{rendition}", get(media::rendition))
        .route("/reports/campaigns/{file}", get(reports::campaign))
        .route("/reports/evaluation/{file}", get(reports::evaluation))
        .route("/reports/compliance/{file}", get(privacy::compliance))
        .route("/privacy/requests/{id}/export.zip", get(privacy::export))
        .route("/", get(public::wall))
        .route("/feed.atom", get(public::feed))
        .route("/topics/{file}", get(topics::picture))
        .route("/published.csv", get(public::csv))
        .route("/healthz", get(health::alive))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(health::metrics))
        .with_state(state)
        .nest("/console", console)
        .merge(crate::app::router())
        // Text answers (GraphQL, the wall, the feeds, the app's files) are gzipped for clients
        // that ask, which a school's shared connection feels; images are already compressed.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn(request_context::request_context))
}
