//! Session rows: a token digest, whose session it is, and the times that end it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, Set,
};
use uuid::Uuid;

use super::entities::{children, classes, sessions};
use crate::domain::ids::{BadgeId, ChildId, ClassId, SchoolId, SessionId, StaffId};
use crate::domain::sessions::{SessionPolicy, SessionTimes};

/// Whose session it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Child { id: ChildId, badge: Option<BadgeId> },
    Staff(StaffId),
}

pub struct StoredSession {
    pub id: SessionId,
    pub subject: Subject,
    pub times: SessionTimes,
    /// A child's class and school now; `None` for staff, or a child who is in no class.
    pub child_place: Option<(ClassId, SchoolId)>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    token_digest: String,
    subject: Subject,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<(SessionId, DateTime<Utc>), DbErr> {
    let id = SessionId::new();
    let expires_at = now + policy.absolute;
    let (child_id, badge_id, staff_id) = match subject {
        Subject::Child { id, badge } => (Some(id.0), badge.map(|b| b.0), None),
        Subject::Staff(id) => (None, None, Some(id.0)),
    };
    sessions::ActiveModel {
        id: Set(id.0),
        token_digest: Set(token_digest),
        child_id: Set(child_id),
        staff_id: Set(staff_id),
        badge_id: Set(badge_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        idle_timeout_seconds: Set(policy.idle.map(|idle| idle.num_seconds() as i32)),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok((id, expires_at))
}

/// A session row, with the class and school its child is in now (none for staff, or a child
/// no longer in a class).
#[derive(FromQueryResult)]
struct SessionRow {
    id: Uuid,
    child_id: Option<Uuid>,
    staff_id: Option<Uuid>,
    badge_id: Option<Uuid>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    idle_timeout_seconds: Option<i32>,
    revoked_at: Option<DateTime<Utc>>,
    class_id: Option<Uuid>,
    school_id: Option<Uuid>,
}

/// The session with this token digest, in one query that also finds a child's class and school,
/// which every child's request needs.
pub async fn find_by_digest(
    db: &impl ConnectionTrait,
    token_digest: &str,
) -> Result<Option<StoredSession>, DbErr> {
    use sessions::Column as S;
    let query = Query::select()
        .columns(
            [
                S::Id,
                S::ChildId,
                S::StaffId,
                S::BadgeId,
                S::LastSeenAt,
                S::ExpiresAt,
                S::IdleTimeoutSeconds,
                S::RevokedAt,
            ]
            .map(|column| (sessions::Entity, column)),
        )
        .column((children::Entity, children::Column::ClassId))
        .column((classes::Entity, classes::Column::SchoolId))
        .from(sessions::Entity)
        .left_join(
            children::Entity,
            Expr::col((children::Entity, children::Column::Id))
                .equals((sessions::Entity, S::ChildId)),
        )
        .left_join(
            classes::Entity,
            Expr::col((classes::Entity, classes::Column::Id))
                .equals((children::Entity, children::Column::ClassId)),
        )
        .and_where(Expr::col((sessions::Entity, S::TokenDigest)).eq(token_digest))
        .to_owned();
    let Some(row) = SessionRow::find_by_statement(db.get_database_backend().build(&query))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let subject = match (row.child_id, row.staff_id) {
        (Some(child), None) => Subject::Child {
            id: ChildId(child),
            badge: row.badge_id.map(BadgeId),
        },
        (None, Some(staff)) => Subject::Staff(StaffId(staff)),
        _ => {
            return Err(DbErr::Type(format!(
                "session {} has no single subject",
                row.id
            )));
        }
    };
    Ok(Some(StoredSession {
        id: SessionId(row.id),
        subject,
        times: SessionTimes {
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
            idle_timeout: row
                .idle_timeout_seconds
                .map(|s| chrono::Duration::seconds(i64::from(s))),
            revoked: row.revoked_at.is_some(),
        },
        child_place: row
            .class_id
            .zip(row.school_id)
            .map(|(class, school)| (ClassId(class), SchoolId(school))),
    }))
}

pub async fn touch(
    db: &impl ConnectionTrait,
    id: SessionId,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastSeenAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn revoke(
    db: &impl ConnectionTrait,
    id: SessionId,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(id.0))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session opened with one of these badges.
pub async fn revoke_for_badges(
    db: &impl ConnectionTrait,
    badges: &[BadgeId],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if badges.is_empty() {
        return Ok(());
    }
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .filter(sessions::Column::BadgeId.is_in(badges.iter().map(|b| b.0)))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
