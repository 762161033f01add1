//! The append-only log of staff reads of children's personal data. Rows are only ever inserted;
//! the database refuses UPDATE and DELETE.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entities::access_log;
use crate::domain::ids::{ChildId, StaffId};
use crate::domain::page::{Page, PageRequest};
use crate::domain::privacy::AccessFilter;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub staff_id: StaffId,
    pub child_id: ChildId,
    pub operation: String,
    pub request_id: String,
}

/// Appends one row per child read.
pub async fn append(
    db: &impl ConnectionTrait,
    staff: StaffId,
    children: &[ChildId],
    operation: &str,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if children.is_empty() {
        return Ok(());
    }
    let rows = children.iter().map(|child| access_log::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        at: Set(now),
        staff_id: Set(staff.0),
        child_id: Set(child.0),
        operation: Set(operation.to_owned()),
        request_id: Set(request_id.to_owned()),
    });
    access_log::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Newest first, filtered.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &AccessFilter,
    page: &PageRequest<i64>,
) -> Result<Page<AccessEntry>, DbErr> {
    let mut query = access_log::Entity::find()
        .order_by_desc(access_log::Column::Id)
        .limit(page.fetch_limit());
    if let Some(child) = filter.child {
        query = query.filter(access_log::Column::ChildId.eq(child.0));
    }
    if let Some(staff) = filter.staff {
        query = query.filter(access_log::Column::StaffId.eq(staff.0));
    }
    if let Some(operation) = &filter.operation {
        query = query.filter(access_log::Column::Operation.eq(operation.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(access_log::Column::At.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(access_log::Column::At.lt(to));
    }
    if let Some(after) = page.after {
        query = query.filter(access_log::Column::Id.lt(after));
    }
    let rows = query.all(db).await?;
    let entries = rows
        .into_iter()
        .map(|row| AccessEntry {
            id: row.id,
            at: row.at,
            staff_id: StaffId(row.staff_id),
            child_id: ChildId(row.child_id),
            operation: row.operation,
            request_id: row.request_id,
        })
        .collect();
    Ok(Page::from_overfetched(entries, page))
}

/// Reads in a period, per member of staff.
pub async fn reads_by_staff(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(StaffId, u64)>, DbErr> {
    let rows: Vec<(uuid::Uuid, i64)> = access_log::Entity::find()
        .select_only()
        .column(access_log::Column::StaffId)
        .column_as(access_log::Column::Id.count(), "n")
        .filter(access_log::Column::At.gte(from))
        .filter(access_log::Column::At.lt(to))
        .group_by(access_log::Column::StaffId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(staff, n)| (StaffId(staff), u64::try_from(n).unwrap_or_default()))
        .collect())
}
