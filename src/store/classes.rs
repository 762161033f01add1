//! Class rows and which teachers teach them.

use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::entities::{children, class_teachers, classes};
use crate::domain::classes::{Class, ClassCode, Grade};
use crate::domain::ids::{ChildId, ClassId, SchoolId, StaffId};

pub async fn find(db: &impl ConnectionTrait, id: ClassId) -> Result<Option<Class>, DbErr> {
    classes::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// Several classes in one query.
pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: &[ClassId],
) -> Result<std::collections::HashMap<ClassId, Class>, DbErr> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    classes::Entity::find()
        .filter(classes::Column::Id.is_in(ids.iter().map(|id| id.0)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| to_domain(row).map(|class| (class.id, class)))
        .collect()
}

/// The class a child is in, in one statement (a signed-in child's every request needs it).
pub async fn of_child(db: &impl ConnectionTrait, child: ChildId) -> Result<Option<Class>, DbErr> {
    let class_of_child = Query::select()
        .column(children::Column::ClassId)
        .from(children::Entity)
        .and_where(children::Column::Id.eq(child.0))
        .to_owned();
    classes::Entity::find()
        .filter(classes::Column::Id.in_subquery(class_of_child))
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

pub async fn find_by_code(
    db: &impl ConnectionTrait,
    code: &ClassCode,
) -> Result<Option<Class>, DbErr> {
    let row = classes::Entity::find()
        .filter(classes::Column::Code.eq(code.as_str()))
        .one(db)
        .await?;
    row.map(to_domain).transpose()
}

pub async fn insert(
    db: &impl ConnectionTrait,
    class: &Class,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    classes::ActiveModel {
        id: Set(class.id.0),
        school_id: Set(class.school_id.0),
        code: Set(class.code.as_str().to_owned()),
        grade: Set(i16::from(class.grade.get())),
        name: Set(class.name.clone()),
        school_year: Set(class.school_year),
        failed_sign_ins: Set(0),
        sign_in_locked: Set(false),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn add_teacher(
    db: &impl ConnectionTrait,
    class: ClassId,
    teacher: StaffId,
) -> Result<(), DbErr> {
    class_teachers::ActiveModel {
        class_id: Set(class.0),
        staff_id: Set(teacher.0),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn is_teacher_of(
    db: &impl ConnectionTrait,
    teacher: StaffId,
    class: ClassId,
) -> Result<bool, DbErr> {
    Ok(class_teachers::Entity::find_by_id((class.0, teacher.0))
        .one(db)
        .await?
        .is_some())
}

/// The classes a teacher teaches, newest school year first.
pub async fn taught_by(db: &impl ConnectionTrait, teacher: StaffId) -> Result<Vec<Class>, DbErr> {
    let ids: Vec<_> = class_teachers::Entity::find()
        .filter(class_teachers::Column::StaffId.eq(teacher.0))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.class_id)
        .collect();
    let rows = classes::Entity::find()
        .filter(classes::Column::Id.is_in(ids))
        .order_by_desc(classes::Column::SchoolYear)
        .order_by_asc(classes::Column::Grade)
        .order_by_asc(classes::Column::Name)
        .all(db)
        .await?;
    rows.into_iter().map(to_domain).collect()
}

/// Counts a failed PIN sign-in against the class; at `lock_at` failures in total the class's
/// PIN sign-in locks until its teacher resets a PIN. Returns whether the class is now locked.
pub async fn count_failed_sign_in(
    db: &impl ConnectionTrait,
    class: ClassId,
    lock_at: i32,
) -> Result<bool, DbErr> {
    classes::Entity::update_many()
        .col_expr(
            classes::Column::FailedSignIns,
            Expr::col(classes::Column::FailedSignIns).add(1),
        )
        .filter(classes::Column::Id.eq(class.0))
        .exec(db)
        .await?;
    classes::Entity::update_many()
        .col_expr(classes::Column::SignInLocked, Expr::value(true))
        .filter(classes::Column::Id.eq(class.0))
        .filter(classes::Column::FailedSignIns.gte(lock_at))
        .exec(db)
        .await?;
    Ok(find(db, class)
        .await?
        .is_some_and(|class| class.sign_in_locked))
}

pub async fn unlock_sign_in(db: &impl ConnectionTrait, class: ClassId) -> Result<(), DbErr> {
    classes::Entity::update_many()
        .col_expr(classes::Column::SignInLocked, Expr::value(false))
        .col_expr(classes::Column::FailedSignIns, Expr::value(0))
        .filter(classes::Column::Id.eq(class.0))
        .exec(db)
        .await?;
    Ok(())
}

fn to_domain(row: classes::Model) -> Result<Class, DbErr> {
    let invalid = |what: &str| DbErr::Type(format!("class {} has an invalid {what}", row.id));
    Ok(Class {
        id: ClassId(row.id),
        school_id: SchoolId(row.school_id),
        code: ClassCode::parse(&row.code).ok_or_else(|| invalid("code"))?,
        grade: Grade::parse(i32::from(row.grade), &[]).map_err(|_| invalid("grade"))?,
        name: row.name,
        school_year: row.school_year,
        sign_in_locked: row.sign_in_locked,
    })
}
