//! The one error type of the app, with stable machine codes.
//!
//! Services return `Result<T, AppError>`. The GraphQL boundary (`graphql::errors`) turns an
//! `AppError` into `extensions.code` (and `extensions.fields` for validation) and replaces the
//! message of anything internal with a generic one, logging the cause with the request id.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql turns any `Display` error
//! into a client message, and a `DbErr` passed up with `?` would leak SQL. Without `Display` the
//! only way out is the mapping in `graphql::errors`.

use std::time::Duration;

mod field_codes;

pub use field_codes::FieldCode;

/// One problem with one input field: `path` is the GraphQL input path, for example
/// `["input", "answers", "idea"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: Vec<String>,
    /// A stable code for the problem, for example `TOO_LONG` or `REQUIRED`.
    pub code: FieldCode,
    /// A short message in simplified Chinese that an app may show as it is.
    pub message: String,
}

impl FieldError {
    pub fn new(path: &[&str], code: FieldCode, message: impl Into<String>) -> Self {
        FieldError {
            path: path.iter().map(|part| (*part).to_owned()).collect(),
            code,
            message: message.into(),
        }
    }
}

#[derive(Debug)]
pub enum AppError {
    /// The thing does not exist, or the actor may not know that it does.
    NotFound,
    Forbidden,
    Unauthenticated,
    Validation(Vec<FieldError>),
    /// A state change that the lifecycle does not allow from the current state.
    InvalidTransition,
    CampaignClosed,
    /// The campaign does not ask this child (another school, another age band).
    NotInAudience,
    /// Under 14 and no guardian's consent recorded yet.
    ConsentRequired,
    RateLimited {
        retry_after: Duration,
    },
    /// Clashes with what exists (a reused `clientSubmissionId` with other content, a code taken).
    Conflict,
    /// A dependency (the database, Redis) is down; the client may retry.
    Unavailable,
    /// The request took longer than the configured limit.
    Timeout,
    /// Anything else. The cause is logged, never shown.
    Internal(anyhow::Error),
}

/// The stable codes, as clients see them in `extensions.code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorCode {
    NotFound,
    Forbidden,
    Unauthenticated,
    Validation,
    InvalidTransition,
    CampaignClosed,
    NotInAudience,
    ConsentRequired,
    RateLimited,
    Conflict,
    Unavailable,
    Timeout,
    Internal,
    /// The HTTP request itself was malformed (not JSON, a batch, too large).
    BadRequest,
    /// The GraphQL document does not parse or validate against the schema, or exceeds a limit
    /// (depth, complexity, directives).
    InvalidQuery,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 15] = [
        ErrorCode::NotFound,
        ErrorCode::Forbidden,
        ErrorCode::Unauthenticated,
        ErrorCode::Validation,
        ErrorCode::InvalidTransition,
        ErrorCode::CampaignClosed,
        ErrorCode::NotInAudience,
        ErrorCode::ConsentRequired,
        ErrorCode::RateLimited,
        ErrorCode::Conflict,
        ErrorCode::Unavailable,
        ErrorCode::Timeout,
        ErrorCode::Internal,
        ErrorCode::BadRequest,
        ErrorCode::InvalidQuery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Validation => "VALIDATION",
            ErrorCode::InvalidTransition => "INVALID_TRANSITION",
            ErrorCode::CampaignClosed => "CAMPAIGN_CLOSED",
            ErrorCode::NotInAudience => "NOT_IN_AUDIENCE",
            ErrorCode::ConsentRequired => "CONSENT_REQUIRED",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::Unavailable => "UNAVAILABLE",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::InvalidQuery => "INVALID_QUERY",
        }
    }
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::NotFound => ErrorCode::NotFound,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::Unauthenticated => ErrorCode::Unauthenticated,
            AppError::Validation(_) => ErrorCode::Validation,
            AppError::InvalidTransition => ErrorCode::InvalidTransition,
            AppError::CampaignClosed => ErrorCode::CampaignClosed,
            AppError::NotInAudience => ErrorCode::NotInAudience,
            AppError::ConsentRequired => ErrorCode::ConsentRequired,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::Conflict => ErrorCode::Conflict,
            AppError::Unavailable => ErrorCode::Unavailable,
            AppError::Timeout => ErrorCode::Timeout,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// What the client is told. Never includes the cause of an internal error.
    pub fn public_message(&self) -> String {
        match self {
            AppError::NotFound => "没有找到。".into(),
            AppError::Forbidden => "没有权限做这件事。".into(),
            AppError::Unauthenticated => "请先登录。".into(),
            AppError::Validation(fields) => match fields.as_slice() {
                [only] => only.message.clone(),
                _ => "有些内容需要修改。".into(),
            },
            AppError::InvalidTransition => "现在不能做这一步。".into(),
            AppError::CampaignClosed => "这个活动现在不收想法了。".into(),
            AppError::NotInAudience => "这个活动不是给你这个年级的。".into(),
            AppError::ConsentRequired => "要先请爸爸妈妈同意，老师登记后才能提交。".into(),
            AppError::RateLimited { .. } => "操作太频繁了，请稍后再试。".into(),
            AppError::Conflict => "和已有的内容冲突。".into(),
            AppError::Unavailable => "服务暂时不可用，请稍后再试。".into(),
            AppError::Timeout => "请求时间太长，请稍后再试。".into(),
            AppError::Internal(_) => GENERIC_INTERNAL_MESSAGE.into(),
        }
    }

    pub fn validation(path: &[&str], code: FieldCode, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(path, code, message)])
    }

    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(cause.into())
    }
}

pub const GENERIC_INTERNAL_MESSAGE: &str = "服务器出了点问题，请稍后再试。";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_distinct_and_upper_snake_case() {
        let names: std::collections::BTreeSet<_> =
            ErrorCode::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        for name in names {
            assert!(
                name.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{name}"
            );
        }
    }

    #[test]
    fn an_internal_error_never_shows_its_cause() {
        let error = AppError::internal(anyhow::anyhow!("relation \"departments\" does not exist"));
        assert_eq!(error.public_message(), GENERIC_INTERNAL_MESSAGE);
        assert_eq!(error.code(), ErrorCode::Internal);
    }
}
