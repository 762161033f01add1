//! Session rows: a token digest, whose session it is, and the times that end it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QuerySelect, Set,
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

#[derive(Clone)]
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

/// Which sessions end.
#[derive(Clone, Copy, Debug)]
pub enum Ending<'a> {
    /// One session (signing out).
    One(SessionId),
    /// Every session of these children (new cards, leaving school, erasure).
    Children(&'a [ChildId]),
    /// The sessions these children opened with their PIN (a PIN reset); badge sessions stay.
    PinSessionsOf(ChildId),
    /// Every session opened with one of these badges.
    Badges(&'a [BadgeId]),
    /// Every session of a member of staff (deactivation).
    Staff(StaffId),
    /// Every other session of a member of staff (they changed their password in this one).
    OtherStaffSessions(StaffId, SessionId),
}

/// Ends the sessions named, in the caller's transaction; returns those that were live, for
/// [`crate::services::sessions::announce_ended`] to close their connections on every instance.
pub async fn end(
    db: &impl ConnectionTrait,
    ending: Ending<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<SessionId>, DbErr> {
    use sessions::Column as S;
    let which = sea_orm::Condition::all();
    let which = match ending {
        Ending::One(id) => which.add(S::Id.eq(id.0)),
        Ending::Children(children) => which.add(S::ChildId.is_in(children.iter().map(|c| c.0))),
        Ending::PinSessionsOf(child) => which.add(S::ChildId.eq(child.0)).add(S::BadgeId.is_null()),
        Ending::Badges(badges) => which.add(S::BadgeId.is_in(badges.iter().map(|b| b.0))),
        Ending::Staff(staff) => which.add(S::StaffId.eq(staff.0)),
        Ending::OtherStaffSessions(staff, kept) => {
            which.add(S::StaffId.eq(staff.0)).add(S::Id.ne(kept.0))
        }
    };
    let ids: Vec<Uuid> = sessions::Entity::find()
        .select_only()
        .column(S::Id)
        .filter(which)
        .filter(S::RevokedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    sessions::Entity::update_many()
        .col_expr(S::RevokedAt, Expr::value(now))
        .filter(S::Id.is_in(ids.clone()))
        .exec(db)
        .await?;
    Ok(ids.into_iter().map(SessionId).collect())
}
