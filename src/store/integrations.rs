//! API keys, their uses, and the departments' feed of task events.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait as _, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entities::{api_key_uses, api_keys, department_feed};
use crate::domain::departments::DepartmentId;
use crate::domain::ids::{ApiKeyId, ProposalId, StaffId, TaskEventId, TaskId};
use crate::domain::integrations::{ApiKey, FeedEntry, KeyUse};
use crate::domain::page::{Page, PageRequest};
use crate::domain::tasks::TaskEventKind;

/// A key to be stored: its row, and the digest that proves it.
pub struct NewKey<'a> {
    pub key: &'a ApiKey,
    pub digest: String,
}

pub async fn insert(db: &impl ConnectionTrait, new: NewKey<'_>) -> Result<(), DbErr> {
    let key = new.key;
    api_keys::ActiveModel {
        id: Set(key.id.0),
        department_id: Set(key.department_id.0),
        account_id: Set(key.account_id.0),
        name: Set(key.name.clone()),
        prefix: Set(key.prefix.clone()),
        digest: Set(new.digest),
        created_by: Set(key.created_by.0),
        created_at: Set(key.created_at),
        revoked_by: Set(None),
        revoked_at: Set(None),
        last_used_at: Set(None),
        acknowledged_seq: Set(0),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn to_domain(row: api_keys::Model) -> ApiKey {
    ApiKey {
        id: ApiKeyId(row.id),
        department_id: DepartmentId(row.department_id),
        account_id: StaffId(row.account_id),
        name: row.name,
        prefix: row.prefix,
        created_by: StaffId(row.created_by),
        created_at: row.created_at,
        revoked_at: row.revoked_at,
        last_used_at: row.last_used_at,
        acknowledged: row.acknowledged_seq,
    }
}

/// The key with this prefix, and its digest.
pub async fn find_by_prefix(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Option<(ApiKey, String)>, DbErr> {
    Ok(api_keys::Entity::find()
        .filter(api_keys::Column::Prefix.eq(prefix))
        .one(db)
        .await?
        .map(|row| {
            let digest = row.digest.clone();
            (to_domain(row), digest)
        }))
}

pub async fn find(db: &impl ConnectionTrait, id: ApiKeyId) -> Result<Option<ApiKey>, DbErr> {
    Ok(api_keys::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(to_domain))
}

/// Whether this prefix is taken (a new key draws another).
pub async fn prefix_taken(db: &impl ConnectionTrait, prefix: &str) -> Result<bool, DbErr> {
    Ok(find_by_prefix(db, prefix).await?.is_some())
}

/// Keys, newest first: all, or one department's.
pub async fn list(
    db: &impl ConnectionTrait,
    department: Option<DepartmentId>,
) -> Result<Vec<ApiKey>, DbErr> {
    let mut query = api_keys::Entity::find().order_by_desc(api_keys::Column::Id);
    if let Some(department) = department {
        query = query.filter(api_keys::Column::DepartmentId.eq(department.0));
    }
    Ok(query.all(db).await?.into_iter().map(to_domain).collect())
}

/// Revokes a key that is not yet revoked; whether this call did.
pub async fn revoke(
    db: &impl ConnectionTrait,
    id: ApiKeyId,
    by: StaffId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = api_keys::Entity::update_many()
        .col_expr(api_keys::Column::RevokedAt, Expr::value(now))
        .col_expr(api_keys::Column::RevokedBy, Expr::value(by.0))
        .filter(api_keys::Column::Id.eq(id.0))
        .filter(api_keys::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records a use: the row of the log, and the key's last use.
pub async fn log_use(
    db: &impl ConnectionTrait,
    key: ApiKeyId,
    operation: &str,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    api_key_uses::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        key_id: Set(key.0),
        operation: Set(operation.chars().take(200).collect()),
        request_id: Set(request_id.chars().take(64).collect()),
        at: Set(now),
    }
    .insert(db)
    .await?;
    api_keys::Entity::update_many()
        .col_expr(api_keys::Column::LastUsedAt, Expr::value(now))
        .filter(api_keys::Column::Id.eq(key.0))
        .exec(db)
        .await?;
    Ok(())
}

/// A key's uses, newest first.
pub async fn uses(
    db: &impl ConnectionTrait,
    key: ApiKeyId,
    page: &PageRequest<uuid::Uuid>,
) -> Result<Page<(uuid::Uuid, KeyUse)>, DbErr> {
    let mut query = api_key_uses::Entity::find()
        .filter(api_key_uses::Column::KeyId.eq(key.0))
        .order_by_desc(api_key_uses::Column::Id)
        .limit(page.fetch_limit());
    if let Some(after) = page.after {
        query = query.filter(api_key_uses::Column::Id.lt(after));
    }
    let rows = query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            (
                row.id,
                KeyUse {
                    operation: row.operation,
                    request_id: row.request_id,
                    at: row.at,
                },
            )
        })
        .collect();
    Ok(Page::from_overfetched(rows, page))
}

/// Moves a key's acknowledged position forward (never back).
pub async fn acknowledge(db: &impl ConnectionTrait, key: ApiKeyId, seq: i64) -> Result<(), DbErr> {
    api_keys::Entity::update_many()
        .col_expr(api_keys::Column::AcknowledgedSeq, Expr::value(seq))
        .filter(api_keys::Column::Id.eq(key.0))
        .filter(api_keys::Column::AcknowledgedSeq.lt(seq))
        .exec(db)
        .await?;
    Ok(())
}

/// The next number of a department's feed. The department's head row stays locked until the
/// caller's transaction ends, so numbers are committed in the order they are drawn.
async fn next_seq(db: &impl ConnectionTrait, department: DepartmentId) -> Result<i64, DbErr> {
    let heads = Alias::new("department_feed_heads");
    let last = Alias::new("last_seq");
    let query = Query::insert()
        .into_table(heads.clone())
        .columns([Alias::new("department_id"), last.clone()])
        .values_panic([department.0.into(), 1i64.into()])
        .on_conflict(
            OnConflict::column(Alias::new("department_id"))
                .value(last.clone(), Expr::col((heads, last.clone())).add(1))
                .to_owned(),
        )
        .returning_col(last)
        .to_owned();
    let row = db
        .query_one(&query)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("department_feed_heads".into()))?;
    row.try_get("", "last_seq")
}

/// One feed entry to write.
pub struct NewEntry {
    pub department: DepartmentId,
    pub event_id: TaskEventId,
    pub task_id: TaskId,
    pub proposal_id: ProposalId,
    pub kind: TaskEventKind,
    pub lead: bool,
    pub at: DateTime<Utc>,
}

/// Appends entries, taking the departments' heads in one order (no two writers wait on each
/// other in a circle).
pub async fn append_to_feed(
    db: &impl ConnectionTrait,
    mut entries: Vec<NewEntry>,
) -> Result<(), DbErr> {
    entries.sort_by_key(|entry| entry.department);
    for entry in entries {
        let seq = next_seq(db, entry.department).await?;
        department_feed::ActiveModel {
            department_id: Set(entry.department.0),
            seq: Set(seq),
            event_id: Set(entry.event_id.0),
            task_id: Set(entry.task_id.0),
            proposal_id: Set(entry.proposal_id.0),
            kind: Set(entry.kind.as_str().to_owned()),
            lead: Set(entry.lead),
            at: Set(entry.at),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A department's feed after `after`, oldest first.
pub async fn feed(
    db: &impl ConnectionTrait,
    department: DepartmentId,
    after: i64,
    page: &PageRequest<i64>,
) -> Result<Page<FeedEntry>, DbErr> {
    let rows = department_feed::Entity::find()
        .filter(department_feed::Column::DepartmentId.eq(department.0))
        .filter(department_feed::Column::Seq.gt(after))
        .order_by_asc(department_feed::Column::Seq)
        .limit(page.fetch_limit())
        .all(db)
        .await?;
    let entries = rows
        .into_iter()
        .map(|row| {
            let kind = TaskEventKind::parse(&row.kind).ok_or_else(|| {
                DbErr::Type(format!("feed entry {} has an unknown kind", row.seq))
            })?;
            Ok(FeedEntry {
                seq: row.seq,
                event_id: TaskEventId(row.event_id),
                task_id: TaskId(row.task_id),
                proposal_id: ProposalId(row.proposal_id),
                kind,
                lead: row.lead,
                at: row.at,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok(Page::from_overfetched(entries, page))
}

/// The last number a department's feed has given.
pub async fn feed_head(db: &impl ConnectionTrait, department: DepartmentId) -> Result<i64, DbErr> {
    Ok(department_feed::Entity::find()
        .filter(department_feed::Column::DepartmentId.eq(department.0))
        .order_by_desc(department_feed::Column::Seq)
        .one(db)
        .await?
        .map_or(0, |row| row.seq))
}
