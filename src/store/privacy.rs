//! Privacy: the record of privacy events, teachers' data requests, who is due for erasure, and
//! the erasure itself, one child at a time in the caller's transaction.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entities::{
    badges, children, classes, guardian_consents, media, moderation_log, notifications,
    privacy_events, privacy_requests, proposals, publications, ratings, safeguarding_cases,
    sessions,
};
use crate::domain::ids::{ChildId, ProposalId, StaffId};
use crate::domain::privacy::Request;
use crate::domain::privacy::{RequestKind, RequestState};

/// The anonymous district record an erased child's proposals are kept under.
pub fn erased_child() -> ChildId {
    ChildId(uuid::Uuid::parse_str(migrations::ERASED_CHILD).unwrap_or_default())
}

pub async fn record(
    db: &impl ConnectionTrait,
    child: Option<ChildId>,
    kind: &str,
    detail: Option<&str>,
    staff: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    privacy_events::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        child_id: Set(child.map(|c| c.0)),
        kind: Set(kind.to_owned()),
        detail: Set(detail.map(str::to_owned)),
        staff_id: Set(staff.map(|s| s.0)),
        at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// How many privacy events of a kind happened in a period.
pub async fn count_events(
    db: &impl ConnectionTrait,
    kind: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    privacy_events::Entity::find()
        .filter(privacy_events::Column::Kind.eq(kind))
        .filter(privacy_events::Column::At.gte(from))
        .filter(privacy_events::Column::At.lt(to))
        .count(db)
        .await
}

/// Withdraws every publication of the child's proposals; returns the proposals withdrawn.
pub async fn unpublish_child(
    db: &impl ConnectionTrait,
    child: ChildId,
    now: DateTime<Utc>,
) -> Result<Vec<ProposalId>, DbErr> {
    let ids: Vec<uuid::Uuid> = proposals::Entity::find()
        .select_only()
        .column(proposals::Column::Id)
        .filter(proposals::Column::ChildId.eq(child.0))
        .into_tuple()
        .all(db)
        .await?;
    unpublish(
        db,
        &ids.into_iter().map(ProposalId).collect::<Vec<_>>(),
        now,
    )
    .await
}

/// Withdraws the publications of these proposals; returns those that were public.
pub async fn unpublish(
    db: &impl ConnectionTrait,
    proposals: &[ProposalId],
    now: DateTime<Utc>,
) -> Result<Vec<ProposalId>, DbErr> {
    if proposals.is_empty() {
        return Ok(Vec::new());
    }
    let public: Vec<uuid::Uuid> = publications::Entity::find()
        .select_only()
        .column(publications::Column::ProposalId)
        .filter(publications::Column::ProposalId.is_in(proposals.iter().map(|p| p.0)))
        .filter(publications::Column::WithdrawnAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    if !public.is_empty() {
        publications::Entity::update_many()
            .col_expr(publications::Column::WithdrawnAt, Expr::value(now))
            .filter(publications::Column::ProposalId.is_in(public.clone()))
            .exec(db)
            .await?;
    }
    Ok(public.into_iter().map(ProposalId).collect())
}

/// Children due for erasure at `now`: marked as having left the school before `left_before`, or
/// in a class whose school year (September to August) ended before `left_before`.
pub async fn due_for_erasure(
    db: &impl ConnectionTrait,
    left_before: DateTime<Utc>,
) -> Result<Vec<ChildId>, DbErr> {
    use chrono::Datelike;
    // A school year `y` ends on 31 August of `y + 1`.
    let ended = left_before.year() - 1 - i32::from(left_before.month() < 9);
    let old_classes: Vec<uuid::Uuid> = classes::Entity::find()
        .select_only()
        .column(classes::Column::Id)
        .filter(classes::Column::SchoolYear.lte(ended))
        .filter(classes::Column::Id.ne(super::privacy::erased_class()))
        .into_tuple()
        .all(db)
        .await?;
    let mut due: Vec<uuid::Uuid> = children::Entity::find()
        .select_only()
        .column(children::Column::Id)
        .filter(children::Column::LeftAt.lt(left_before))
        .into_tuple()
        .all(db)
        .await?;
    if !old_classes.is_empty() {
        let in_old: Vec<uuid::Uuid> = children::Entity::find()
            .select_only()
            .column(children::Column::Id)
            .filter(children::Column::ClassId.is_in(old_classes))
            .into_tuple()
            .all(db)
            .await?;
        due.extend(in_old);
    }
    due.sort();
    due.dedup();
    let erased = erased_child();
    Ok(due
        .into_iter()
        .map(ChildId)
        .filter(|c| *c != erased)
        .collect())
}

fn erased_class() -> uuid::Uuid {
    uuid::Uuid::parse_str(migrations::ERASED_CLASS).unwrap_or_default()
}

pub async fn mark_left(
    db: &impl ConnectionTrait,
    child: ChildId,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    children::Entity::update_many()
        .col_expr(children::Column::LeftAt, Expr::value(now))
        .filter(children::Column::Id.eq(child.0))
        .exec(db)
        .await?;
    Ok(())
}

/// The child's proposals, for the erasure to anonymise.
pub async fn proposals_of(
    db: &impl ConnectionTrait,
    child: ChildId,
) -> Result<Vec<proposals::Model>, DbErr> {
    proposals::Entity::find()
        .filter(proposals::Column::ChildId.eq(child.0))
        .all(db)
        .await
}

/// Rewrites a proposal as an anonymous district record: its text as given, under the
/// anonymous child.
pub async fn anonymise_proposal(
    db: &impl ConnectionTrait,
    id: ProposalId,
    answers: serde_json::Value,
    place: Option<String>,
) -> Result<(), DbErr> {
    let erased = erased_child();
    proposals::Entity::update_many()
        .col_expr(proposals::Column::ChildId, Expr::value(erased.0))
        .col_expr(proposals::Column::Answers, Expr::value(answers.clone()))
        .col_expr(proposals::Column::Place, Expr::value(place))
        .col_expr(
            proposals::Column::Screening,
            Expr::value(Option::<serde_json::Value>::None),
        )
        .filter(proposals::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    // The log keeps what the teacher decided, not the child's words as first written.
    moderation_log::Entity::update_many()
        .col_expr(
            moderation_log::Column::TextBefore,
            Expr::value(serde_json::json!({ "answers": answers, "erased": true })),
        )
        .filter(moderation_log::Column::ProposalId.eq(id.0))
        .exec(db)
        .await?;
    ratings::Entity::update_many()
        .col_expr(
            ratings::Column::Comment,
            Expr::value(Option::<String>::None),
        )
        .filter(ratings::Column::ProposalId.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes the child's own rows (backings, sessions, badges, consents, notifications, images) and unlinks
/// safeguarding cases, then the child; returns the stored renditions no other image uses.
pub async fn remove_child(db: &impl ConnectionTrait, child: ChildId) -> Result<Vec<String>, DbErr> {
    super::backings::remove_child(db, child).await?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::ChildId.eq(child.0))
        .exec(db)
        .await?;
    badges::Entity::delete_many()
        .filter(badges::Column::ChildId.eq(child.0))
        .exec(db)
        .await?;
    guardian_consents::Entity::delete_many()
        .filter(guardian_consents::Column::ChildId.eq(child.0))
        .exec(db)
        .await?;
    notifications::Entity::delete_many()
        .filter(notifications::Column::ChildId.eq(child.0))
        .exec(db)
        .await?;
    safeguarding_cases::Entity::update_many()
        .col_expr(
            safeguarding_cases::Column::ChildId,
            Expr::value(Option::<uuid::Uuid>::None),
        )
        .col_expr(
            safeguarding_cases::Column::ClassId,
            Expr::value(Option::<uuid::Uuid>::None),
        )
        .filter(safeguarding_cases::Column::ChildId.eq(child.0))
        .exec(db)
        .await?;
    let images = media::Entity::find()
        .filter(media::Column::ChildId.eq(child.0))
        .all(db)
        .await?;
    let image_ids: Vec<uuid::Uuid> = images.iter().map(|m| m.id).collect();
    let mut keys: Vec<String> = images
        .iter()
        .flat_map(|m| [&m.display_key, &m.thumbnail_key, &m.covered_key])
        .flatten()
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    if !image_ids.is_empty() {
        media::Entity::delete_many()
            .filter(media::Column::Id.is_in(image_ids))
            .exec(db)
            .await?;
    }
    // Content-addressed renditions may be shared with another child's identical upload.
    let mut unused = Vec::new();
    for key in keys {
        let used = media::Entity::find()
            .filter(
                sea_orm::Condition::any()
                    .add(media::Column::DisplayKey.eq(key.as_str()))
                    .add(media::Column::ThumbnailKey.eq(key.as_str()))
                    .add(media::Column::CoveredKey.eq(key.as_str())),
            )
            .one(db)
            .await?
            .is_some();
        if !used {
            unused.push(key);
        }
    }
    children::Entity::delete_by_id(child.0).exec(db).await?;
    Ok(unused)
}

pub async fn file_request(db: &impl ConnectionTrait, request: &Request) -> Result<(), DbErr> {
    privacy_requests::ActiveModel {
        id: Set(request.id),
        child_id: Set(request.child_id.0),
        kind: Set(request.kind.as_str().to_owned()),
        reason: Set(request.reason.clone()),
        filed_by: Set(request.filed_by.0),
        filed_at: Set(request.filed_at),
        state: Set(request.state.as_str().to_owned()),
        decided_by: Set(None),
        decided_at: Set(None),
        done_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn find_request(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<Option<Request>, DbErr> {
    privacy_requests::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_request)
        .transpose()
}

/// Requests, oldest first, optionally in one state.
pub async fn requests(
    db: &impl ConnectionTrait,
    state: Option<RequestState>,
) -> Result<Vec<Request>, DbErr> {
    let mut query = privacy_requests::Entity::find().order_by_asc(privacy_requests::Column::Id);
    if let Some(state) = state {
        query = query.filter(privacy_requests::Column::State.eq(state.as_str()));
    }
    query.all(db).await?.into_iter().map(to_request).collect()
}

/// Moves a pending request to `state`; false when it was not pending.
pub async fn decide_request(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
    state: RequestState,
    by: StaffId,
    now: DateTime<Utc>,
    done: bool,
) -> Result<bool, DbErr> {
    let result = privacy_requests::Entity::update_many()
        .col_expr(privacy_requests::Column::State, Expr::value(state.as_str()))
        .col_expr(privacy_requests::Column::DecidedBy, Expr::value(by.0))
        .col_expr(privacy_requests::Column::DecidedAt, Expr::value(now))
        .col_expr(
            privacy_requests::Column::DoneAt,
            Expr::value(done.then_some(now)),
        )
        .filter(privacy_requests::Column::Id.eq(id))
        .filter(privacy_requests::Column::State.eq(RequestState::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

fn to_request(row: privacy_requests::Model) -> Result<Request, DbErr> {
    let invalid =
        |what: &str| DbErr::Type(format!("data request {} has an invalid {what}", row.id));
    Ok(Request {
        id: row.id,
        child_id: ChildId(row.child_id),
        kind: RequestKind::parse(&row.kind).ok_or_else(|| invalid("kind"))?,
        reason: row.reason,
        filed_by: StaffId(row.filed_by),
        filed_at: row.filed_at,
        state: RequestState::parse(&row.state).ok_or_else(|| invalid("state"))?,
        decided_at: row.decided_at,
        done_at: row.done_at,
    })
}

pub async fn set_consent_to_publish(
    db: &impl ConnectionTrait,
    id: ProposalId,
    consent: bool,
) -> Result<(), DbErr> {
    proposals::Entity::update_many()
        .col_expr(proposals::Column::ConsentToPublish, Expr::value(consent))
        .filter(proposals::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Takes the images off a publication (its child's images are deleted at erasure).
pub async fn drop_published_media(db: &impl ConnectionTrait, id: ProposalId) -> Result<(), DbErr> {
    publications::Entity::update_many()
        .col_expr(
            publications::Column::Media,
            Expr::value(serde_json::json!([])),
        )
        .filter(publications::Column::ProposalId.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// The child's images.
pub async fn media_of(
    db: &impl ConnectionTrait,
    child: ChildId,
) -> Result<Vec<media::Model>, DbErr> {
    media::Entity::find()
        .filter(media::Column::ChildId.eq(child.0))
        .all(db)
        .await
}
