//! Where an `AppError` becomes a GraphQL error: `extensions.code` always, `extensions.fields` for
//! validation, `extensions.retryAfterSeconds` for rate limits. The cause of an internal error is
//! logged here and never sent.

use async_graphql::{ErrorExtensions, Value};

use crate::error::{AppError, ErrorCode};

pub type GqlResult<T> = Result<T, async_graphql::Error>;

impl From<AppError> for async_graphql::Error {
    fn from(error: AppError) -> Self {
        if let AppError::Internal(cause) = &error {
            tracing::error!(error = format!("{cause:#}"), "internal error");
        }
        let code = error.code();
        async_graphql::Error::new(error.public_message()).extend_with(|_, extensions| {
            extensions.set("code", code.as_str());
            match &error {
                AppError::Validation(fields) => {
                    let fields = fields
                        .iter()
                        .map(|field| {
                            let mut object = async_graphql::indexmap::IndexMap::new();
                            object.insert(
                                async_graphql::Name::new("path"),
                                Value::List(
                                    field
                                        .path
                                        .iter()
                                        .map(|part| Value::from(part.as_str()))
                                        .collect(),
                                ),
                            );
                            object.insert(
                                async_graphql::Name::new("code"),
                                Value::from(field.code.as_str()),
                            );
                            object.insert(
                                async_graphql::Name::new("message"),
                                Value::from(field.message.as_str()),
                            );
                            Value::Object(object)
                        })
                        .collect();
                    extensions.set("fields", Value::List(fields));
                }
                AppError::RateLimited { retry_after } => {
                    extensions.set("retryAfterSeconds", retry_after.as_secs().max(1));
                }
                _ => {}
            }
        })
    }
}

/// Sets `code` on an error produced by async-graphql itself (a syntax error, an unknown field, a
/// limit exceeded), keeping its message, which names only parts of the query.
pub fn with_code(
    mut error: async_graphql::ServerError,
    code: ErrorCode,
) -> async_graphql::ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code.as_str());
    }
    error
}
