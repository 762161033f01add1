//! Area rows.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::entities::areas;
use crate::domain::areas::{Area, AreaKind};
use crate::domain::ids::DistrictId;

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Area>, DbErr> {
    let rows = areas::Entity::find()
        .order_by_asc(areas::Column::Code)
        .all(db)
        .await?;
    rows.into_iter().map(to_domain).collect()
}

pub async fn code_taken(db: &impl ConnectionTrait, code: &str) -> Result<bool, DbErr> {
    Ok(areas::Entity::find()
        .filter(areas::Column::Code.eq(code))
        .one(db)
        .await?
        .is_some())
}

pub async fn insert(
    db: &impl ConnectionTrait,
    district: DistrictId,
    area: &Area,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    areas::ActiveModel {
        id: Set(area.id),
        district_id: Set(district.0),
        code: Set(area.code.clone()),
        name_zh: Set(area.name_zh.clone()),
        kind: Set(area.kind.as_str().to_owned()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn to_domain(row: areas::Model) -> Result<Area, DbErr> {
    let kind = AreaKind::parse(&row.kind)
        .ok_or_else(|| DbErr::Type(format!("area {} has an unknown kind", row.id)))?;
    Ok(Area {
        id: row.id,
        code: row.code,
        name_zh: row.name_zh,
        kind,
    })
}
