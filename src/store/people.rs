//! Staff rows and schools.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::entities::{schools, staff};
use crate::domain::departments::DepartmentId;
use crate::domain::ids::{DistrictId, SchoolId, StaffId};
use crate::domain::people::School;
use crate::domain::people::{Role, StaffMember, Username};

/// A staff row with its password hash, for sign-in only.
pub struct StaffCredentials {
    pub member: StaffMember,
    pub password_hash: String,
    pub disabled: bool,
}

pub async fn find_credentials(
    db: &impl ConnectionTrait,
    username: &Username,
) -> Result<Option<StaffCredentials>, DbErr> {
    let row = staff::Entity::find()
        .filter(staff::Column::Username.eq(username.as_str()))
        .one(db)
        .await?;
    row.map(|row| {
        let disabled = row.disabled_at.is_some();
        let password_hash = row.password_hash.clone();
        Ok(StaffCredentials {
            member: to_member(row)?,
            password_hash,
            disabled,
        })
    })
    .transpose()
}

pub async fn find(
    db: &impl ConnectionTrait,
    id: StaffId,
) -> Result<Option<(StaffMember, bool)>, DbErr> {
    let row = staff::Entity::find_by_id(id.0).one(db).await?;
    row.map(|row| {
        let disabled = row.disabled_at.is_some();
        Ok((to_member(row)?, disabled))
    })
    .transpose()
}

/// The roles of several members of staff, in one query.
pub async fn roles_of(
    db: &impl ConnectionTrait,
    ids: &[StaffId],
) -> Result<std::collections::HashMap<StaffId, Role>, DbErr> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids.iter().map(|id| id.0)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| to_member(row).map(|member| (member.id, member.role)))
        .collect()
}

/// The active members of staff of a role (and school, for a school's lead).
pub async fn active_with_role(
    db: &impl ConnectionTrait,
    role: Role,
    school: Option<SchoolId>,
) -> Result<Vec<StaffId>, DbErr> {
    let mut query = staff::Entity::find()
        .filter(staff::Column::Role.eq(role.as_str()))
        .filter(staff::Column::DisabledAt.is_null());
    if let Some(school) = school {
        query = query.filter(staff::Column::SchoolId.eq(school.0));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|row| StaffId(row.id))
        .collect())
}

pub async fn username_taken(db: &impl ConnectionTrait, username: &Username) -> Result<bool, DbErr> {
    Ok(staff::Entity::find()
        .filter(staff::Column::Username.eq(username.as_str()))
        .one(db)
        .await?
        .is_some())
}

pub async fn insert(
    db: &impl ConnectionTrait,
    member: &StaffMember,
    password_hash: String,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    staff::ActiveModel {
        id: Set(member.id.0),
        district_id: Set(member.district_id.0),
        username: Set(member.username.as_str().to_owned()),
        password_hash: Set(password_hash),
        display_name: Set(member.display_name.clone()),
        role: Set(member.role.as_str().to_owned()),
        school_id: Set(member.school_id.map(|id| id.0)),
        department_id: Set(member.department_id.map(|id| id.0)),
        created_at: Set(now),
        disabled_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn to_member(row: staff::Model) -> Result<StaffMember, DbErr> {
    let role = Role::parse(&row.role)
        .ok_or_else(|| DbErr::Type(format!("staff {} has an unknown role", row.id)))?;
    let username = Username::parse(&row.username, &[])
        .map_err(|_| DbErr::Type(format!("staff {} has an invalid username", row.id)))?;
    Ok(StaffMember {
        id: StaffId(row.id),
        district_id: DistrictId(row.district_id),
        username,
        display_name: row.display_name,
        role,
        school_id: row.school_id.map(SchoolId),
        department_id: row.department_id.map(DepartmentId),
    })
}

pub async fn find_school(db: &impl ConnectionTrait, id: SchoolId) -> Result<Option<School>, DbErr> {
    Ok(schools::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(to_school))
}

/// Every school, by name (the anonymous record of erased children is none).
pub async fn schools(db: &impl ConnectionTrait) -> Result<Vec<School>, DbErr> {
    Ok(schools::Entity::find()
        .filter(schools::Column::Code.ne("erased"))
        .order_by_asc(schools::Column::NameZh)
        .all(db)
        .await?
        .into_iter()
        .map(to_school)
        .collect())
}

pub async fn any_school(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    // The anonymous record of erased children is not a school anyone set up.
    Ok(schools::Entity::find()
        .filter(schools::Column::Code.ne("erased"))
        .one(db)
        .await?
        .is_some())
}

pub async fn school_code_taken(db: &impl ConnectionTrait, code: &str) -> Result<bool, DbErr> {
    Ok(schools::Entity::find()
        .filter(schools::Column::Code.eq(code))
        .one(db)
        .await?
        .is_some())
}

pub async fn insert_school(
    db: &impl ConnectionTrait,
    school: &School,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    schools::ActiveModel {
        id: Set(school.id.0),
        district_id: Set(school.district_id.0),
        code: Set(school.code.clone()),
        name_zh: Set(school.name_zh.clone()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn to_school(row: schools::Model) -> School {
    School {
        id: SchoolId(row.id),
        district_id: DistrictId(row.district_id),
        code: row.code,
        name_zh: row.name_zh,
    }
}

pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    id: StaffId,
    password_hash: String,
) -> Result<(), DbErr> {
    staff::Entity::update_many()
        .col_expr(
            staff::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(password_hash),
        )
        .filter(staff::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks the account disabled from `now` (it stays, for the records that name it).
pub async fn disable(
    db: &impl ConnectionTrait,
    id: StaffId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    staff::Entity::update_many()
        .col_expr(
            staff::Column::DisabledAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(staff::Column::Id.eq(id.0))
        .filter(staff::Column::DisabledAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
