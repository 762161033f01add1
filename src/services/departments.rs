//! Reading the departments that answer children's proposals.

use sea_orm::ConnectionTrait;

use crate::domain::departments::{Department, DepartmentCode};
use crate::domain::page::{Page, PageRequest};
use crate::error::AppError;
use crate::store;

/// Anyone, signed in or not: department names are public, as their answers will be.
pub async fn list(
    db: &impl ConnectionTrait,
    page: &PageRequest<DepartmentCode>,
) -> Result<Page<Department>, AppError> {
    Ok(store::departments::list(db, page).await?)
}

/// Anyone: every department by id (the wall's department filter).
pub async fn all(
    db: &impl ConnectionTrait,
) -> Result<std::collections::HashMap<crate::domain::departments::DepartmentId, Department>, AppError>
{
    Ok(store::departments::all(db).await?)
}

/// Anyone. An unknown or malformed code is NOT_FOUND.
pub async fn get(db: &impl ConnectionTrait, code: &str) -> Result<Department, AppError> {
    let code = DepartmentCode::parse(code).ok_or(AppError::NotFound)?;
    store::departments::find_by_code(db, &code)
        .await?
        .ok_or(AppError::NotFound)
}

/// Anyone: a department by id.
pub async fn by_id(
    db: &impl ConnectionTrait,
    id: crate::domain::departments::DepartmentId,
) -> Result<Option<Department>, AppError> {
    Ok(store::departments::find(db, id).await?)
}
