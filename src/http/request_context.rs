//! Every request gets a request id, a tracing span carrying it, and one log line when it ends.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;

use crate::telemetry::RequestId;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

pub async fn request_context(mut request: Request, next: Next) -> Response {
    let incoming = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok());
    let request_id = RequestId::from_header(incoming);
    let span = tracing::info_span!(
        "request",
        request_id = %request_id.0,
        method = %request.method(),
        path = %request.uri().path(),
    );
    request.extensions_mut().insert(request_id.clone());
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "request finished"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&request_id.0) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}
