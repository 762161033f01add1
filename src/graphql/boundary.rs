//! The extension every operation passes through: it gives every error a code, hides what must
//! not leave the server, adds the request id to internal errors, and records metrics.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
    NextSubscribe, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Value, Variables};
use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::context::RequestId;
use super::errors::with_code;
use crate::error::{ErrorCode, GENERIC_INTERNAL_MESSAGE};
use crate::state::AppState;

pub struct Boundary;

impl ExtensionFactory for Boundary {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(BoundaryExtension {
            operation: Mutex::new(None),
            request_id: Mutex::new(None),
        })
    }
}

struct BoundaryExtension {
    /// The executed operation's name, known once execution starts.
    operation: Mutex<Option<String>>,
    /// The request id, read when execution starts: the context the `request` hook gets is made
    /// before the request's data is attached.
    request_id: Mutex<Option<RequestId>>,
}

#[async_trait::async_trait]
impl Extension for BoundaryExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        let mut response = next.run(ctx).await;
        let request_id = self.request_id.lock().ok().and_then(|id| id.clone());
        let state = ctx.data_opt::<AppState>();
        for error in &mut response.errors {
            seal(error, request_id.as_ref());
            if let (Some(state), Some(Value::String(code))) =
                (state, error.extensions.as_ref().and_then(|e| e.get("code")))
            {
                state.metrics.record_error(code);
            }
        }
        if let Some(state) = state {
            let operation = self.operation.lock().ok().and_then(|name| name.clone());
            state
                .metrics
                .record_request(operation.as_deref(), started.elapsed());
        }
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables)
            .await
            .map_err(|error| with_code(error, ErrorCode::InvalidQuery))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| with_code(error, ErrorCode::InvalidQuery))
                .collect()
        })
    }

    /// Each result of a subscription is sealed like a response.
    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let request_id = ctx.data_opt::<RequestId>().cloned();
        next.run(ctx, stream)
            .map(move |mut response| {
                for error in &mut response.errors {
                    seal(error, request_id.as_ref());
                }
                response
            })
            .boxed()
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Ok(mut operation) = self.operation.lock() {
            *operation = operation_name.map(str::to_owned);
        }
        if let Ok(mut request_id) = self.request_id.lock() {
            *request_id = ctx.data_opt::<RequestId>().cloned();
        }
        next.run(ctx, operation_name).await
    }
}

/// Makes one error safe to send. An error with a code came through `AppError` or a stage above
/// and is already safe. One without a code that carries a Rust error as its source came from a
/// `?` on something that is not an `AppError`: its text may hold SQL or a path, so it is logged
/// and replaced. One without a code or a source is async-graphql's own word about the query (an
/// argument of the wrong type, say) and is kept.
fn seal(error: &mut ServerError, request_id: Option<&RequestId>) {
    let code = error
        .extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .cloned();
    let internal = match code {
        Some(Value::String(code)) => code == ErrorCode::Internal.as_str(),
        Some(_) => false,
        None if error.source.is_some() => {
            tracing::error!(error = %error.message, "unmapped error from a resolver");
            error.message = GENERIC_INTERNAL_MESSAGE.to_owned();
            error.source = None;
            error.extensions = None;
            true
        }
        None => {
            *error = with_code(error.clone(), ErrorCode::InvalidQuery);
            false
        }
    };
    if internal {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        extensions.set("code", ErrorCode::Internal.as_str());
        if let Some(RequestId(id)) = request_id {
            extensions.set("requestId", id.as_str());
        }
    }
}
