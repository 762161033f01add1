//! Department rows.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::departments::{Column, Entity, Model};
use crate::domain::departments::{Department, DepartmentCode, DepartmentId};
use crate::domain::page::{Page, PageRequest};

/// Departments ordered by code, after the given code.
pub async fn list(
    db: &impl ConnectionTrait,
    page: &PageRequest<DepartmentCode>,
) -> Result<Page<Department>, DbErr> {
    let mut query = Entity::find()
        .order_by_asc(Column::Code)
        .limit(page.fetch_limit());
    if let Some(after) = &page.after {
        query = query.filter(Column::Code.gt(after.as_str()));
    }
    let rows = query.all(db).await?;
    let departments = rows
        .into_iter()
        .map(to_domain)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetched(departments, page))
}

pub async fn find_by_code(
    db: &impl ConnectionTrait,
    code: &DepartmentCode,
) -> Result<Option<Department>, DbErr> {
    let row = Entity::find()
        .filter(Column::Code.eq(code.as_str()))
        .one(db)
        .await?;
    row.map(to_domain).transpose()
}

pub async fn find(
    db: &impl ConnectionTrait,
    id: DepartmentId,
) -> Result<Option<Department>, DbErr> {
    Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

fn to_domain(row: Model) -> Result<Department, DbErr> {
    let code = DepartmentCode::parse(&row.code)
        .ok_or_else(|| DbErr::Type(format!("department {} has an invalid code", row.id)))?;
    Ok(Department {
        id: DepartmentId(row.id),
        code,
        name_zh: row.name_zh,
        name_en: row.name_en,
    })
}

/// Every department (a few dozen), by id.
pub async fn all(
    db: &impl ConnectionTrait,
) -> Result<std::collections::HashMap<DepartmentId, Department>, DbErr> {
    let rows = Entity::find().all(db).await?;
    rows.into_iter()
        .map(|row| to_domain(row).map(|d| (d.id, d)))
        .collect()
}
