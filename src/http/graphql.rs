//! `POST /graphql` (one operation per request), `GET /graphql` (GraphiQL, not in production) and
//! `/graphql/ws` (subscriptions over graphql-transport-ws).
//!
//! The POST handler is written on the raw body rather than async-graphql-axum's extractor:
//! batches are refused (the stock extractor runs them unbounded), malformed bodies get a clear
//! JSON error, and a panic or a timeout inside execution is answered, not propagated.

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, GraphiQLSource};
use async_graphql::{Data, Response as GqlResponse, ServerError};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Extension, State, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use futures_util::FutureExt as _;
use std::panic::AssertUnwindSafe;

use super::HttpState;
use crate::error::{AppError, ErrorCode, GENERIC_INTERNAL_MESSAGE};
use crate::telemetry::RequestId;

pub async fn execute(
    State(state): State<HttpState>,
    Extension(request_id): Extension<RequestId>,
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
    let request = request.data(request_id.clone());
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

pub async fn websocket(
    State(state): State<HttpState>,
    Extension(request_id): Extension<RequestId>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let schema = state.schema.clone();
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            let mut data = Data::default();
            data.insert(request_id);
            GraphQLWebSocket::new(stream, schema, protocol)
                .with_data(data)
                .serve()
        })
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

fn internal_error(request_id: &RequestId) -> GqlResponse {
    let mut error = ServerError::new(GENERIC_INTERNAL_MESSAGE, None);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", ErrorCode::Internal.as_str());
    extensions.set("requestId", request_id.0.as_str());
    GqlResponse::from_errors(vec![error])
}

fn app_error(error: AppError) -> ServerError {
    async_graphql::Error::from(error).into_server_error(Default::default())
}
