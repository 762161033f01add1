//! `POST /graphql` (one operation per request) and `GET /graphql` (GraphiQL, not in production).
//!
//! The POST handler is written on the raw body rather than async-graphql-axum's extractor:
//! batches are refused (the stock extractor runs them unbounded), malformed bodies get a clear
//! JSON error, and a panic or a timeout inside execution is answered, not propagated. The acting
//! user is resolved here, once per request, from the bearer token.

use async_graphql::http::GraphiQLSource;
use async_graphql::{Response as GqlResponse, ServerError};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use futures_util::FutureExt as _;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;

use super::HttpState;
use super::client::{bearer_token, client_address};
use super::documents::Refusal;
use crate::error::{AppError, ErrorCode, GENERIC_INTERNAL_MESSAGE};
use crate::graphql::ClientAddress;
use crate::services;
use crate::telemetry::RequestId;

pub async fn execute(
    State(state): State<HttpState>,
    Extension(request_id): Extension<RequestId>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, "请求太大了。");
        }
        Err(_) => return refuse(StatusCode::BAD_REQUEST, "无法读取请求内容。"),
    };
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return refuse(
            StatusCode::BAD_REQUEST,
            "一次只能发送一个操作，不支持批量请求。",
        );
    }
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(_) => return refuse(StatusCode::BAD_REQUEST, "请求不是有效的 GraphQL JSON。"),
    };
    let request = match state.documents.prepare(request) {
        Ok(request) => request,
        Err(Refusal::NotFound) => return persisted_query_not_found(),
        Err(Refusal::HashMismatch) => {
            return refuse(StatusCode::BAD_REQUEST, "操作的摘要与内容不符。");
        }
    };
    let token = bearer_token(&headers);
    let actor = match services::sessions::authenticate(&state.app, token.as_deref()).await {
        Ok(actor) => actor,
        Err(error) => {
            state.app.metrics.record_error(error.code().as_str());
            let status = match error.code() {
                ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            return (
                status,
                Json(GqlResponse::from_errors(vec![app_error(error)])),
            )
                .into_response();
        }
    };
    let client = ClientAddress(client_address(
        peer,
        &headers,
        &state.app.config.trusted_proxies,
    ));
    let request = request.data(request_id.clone()).data(actor).data(client);
    let execution = AssertUnwindSafe(state.schema.execute(request)).catch_unwind();
    let response = match tokio::time::timeout(state.app.config.request_timeout, execution).await {
        Ok(Ok(response)) => response,
        Ok(Err(_panic)) => {
            tracing::error!("a resolver panicked; answered with INTERNAL");
            state.app.metrics.record_error(ErrorCode::Internal.as_str());
            internal_error(&request_id)
        }
        Err(_elapsed) => {
            tracing::warn!("request timed out");
            state.app.metrics.record_error(ErrorCode::Timeout.as_str());
            GqlResponse::from_errors(vec![app_error(AppError::Timeout)])
        }
    };
    Json(response).into_response()
}

pub async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .finish(),
    )
}

/// A refusal before any GraphQL ran: the usual `errors` shape, code BAD_REQUEST.
fn refuse(status: StatusCode, message: &str) -> Response {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", ErrorCode::BadRequest.as_str());
    (status, Json(GqlResponse::from_errors(vec![error]))).into_response()
}

/// Only a hash was sent and this instance does not know it: the client sends the text with it
/// (Apollo's persisted-query protocol, whose clients look for this message and code).
fn persisted_query_not_found() -> Response {
    let mut error = ServerError::new("PersistedQueryNotFound", None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", "PERSISTED_QUERY_NOT_FOUND");
    Json(GqlResponse::from_errors(vec![error])).into_response()
}

fn internal_error(request_id: &RequestId) -> GqlResponse {
    let mut error = ServerError::new(GENERIC_INTERNAL_MESSAGE, None);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", ErrorCode::Internal.as_str());
    extensions.set("requestId", request_id.0.as_str());
    GqlResponse::from_errors(vec![error])
}

pub(super) fn app_error(error: AppError) -> ServerError {
    async_graphql::Error::from(error).into_server_error(Default::default())
}
