//! Reading ids that clients send.

use async_graphql::ID;

use crate::error::AppError;
use crate::error::FieldCode;

/// Parses an id argument. An id that is not one of ours is a missing object, except where the
/// caller names a path (an input field), where it is a validation error on that field.
pub fn parse_id<T>(
    id: &ID,
    parse: impl Fn(&str) -> Option<T>,
    path: &[&str],
) -> Result<T, AppError> {
    parse(id.as_str()).ok_or_else(|| {
        if path.is_empty() {
            AppError::NotFound
        } else {
            AppError::validation(path, FieldCode::InvalidId, "编号无效。")
        }
    })
}
