//! Children, their PIN digests, guardian consents and badges.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, IntoCondition as _};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationDef, Set,
};
use std::collections::HashMap;

use super::entities::{badges, children, guardian_consents};
use crate::domain::children::{
    BirthMonth, Child, ConsentMethod, GuardianConsent, GuardianRelation, Pseudonym,
};
use crate::domain::ids::{BadgeId, ChildId, ClassId, ConsentId, StaffId};
use crate::domain::page::{Page, PageRequest};

/// A child to insert, with the digest of their first PIN.
pub struct NewChild<'a> {
    pub id: ChildId,
    pub class_id: ClassId,
    pub pseudonym: &'a Pseudonym,
    pub birth: BirthMonth,
    pub pin_digest: String,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    child: NewChild<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    children::ActiveModel {
        id: Set(child.id.0),
        class_id: Set(child.class_id.0),
        pseudonym: Set(child.pseudonym.as_str().to_owned()),
        birth_year: Set(child.birth.year()),
        birth_month: Set(child.birth.month() as i16),
        pin_digest: Set(child.pin_digest),
        created_at: Set(now),
        left_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// One child with the guardian's consent in force, in one query.
pub async fn find(db: &impl ConnectionTrait, id: ChildId) -> Result<Option<Child>, DbErr> {
    let rows = children::Entity::find_by_id(id.0)
        .select_also(guardian_consents::Entity)
        .join(JoinType::LeftJoin, consents_in_force_of_child())
        .order_by_asc(guardian_consents::Column::RecordedAt)
        .all(db)
        .await?;
    let mut found = None;
    let mut consents = HashMap::new();
    for (row, consent) in rows {
        if let Some(consent) = consent {
            consents.insert(row.id, consent_of(&consent)?);
        }
        found = Some(row);
    }
    Ok(found.map(|row| to_domain(row, &consents)))
}

/// Several children, each with the guardian's consent in force, in one query.
pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: &[ChildId],
) -> Result<HashMap<ChildId, Child>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = children::Entity::find()
        .filter(children::Column::Id.is_in(ids.iter().map(|id| id.0)))
        .select_also(guardian_consents::Entity)
        .join(JoinType::LeftJoin, consents_in_force_of_child())
        .order_by_asc(guardian_consents::Column::RecordedAt)
        .all(db)
        .await?;
    let mut found = HashMap::new();
    let mut consents = HashMap::new();
    for (row, consent) in rows {
        if let Some(consent) = consent {
            consents.insert(row.id, consent_of(&consent)?);
        }
        found.insert(row.id, row);
    }
    Ok(found
        .into_values()
        .map(|row| (ChildId(row.id), to_domain(row, &consents)))
        .collect())
}

/// Joins a child to their guardians' consents that are not withdrawn.
fn consents_in_force_of_child() -> RelationDef {
    let consent_to_child: RelationDef = guardian_consents::Entity::belongs_to(children::Entity)
        .from(guardian_consents::Column::ChildId)
        .to(children::Column::Id)
        .on_condition(|_, _| {
            Expr::col((
                guardian_consents::Entity,
                guardian_consents::Column::WithdrawnAt,
            ))
            .is_null()
            .into_condition()
        })
        .into();
    consent_to_child.rev()
}

pub async fn find_by_pin(
    db: &impl ConnectionTrait,
    class: ClassId,
    pin_digest: &str,
) -> Result<Option<ChildId>, DbErr> {
    let row = children::Entity::find()
        .filter(children::Column::ClassId.eq(class.0))
        .filter(children::Column::PinDigest.eq(pin_digest))
        .one(db)
        .await?;
    Ok(row.map(|row| ChildId(row.id)))
}

/// Every PIN digest and pseudonym in a class, to keep new ones distinct.
pub async fn pins_and_names(
    db: &impl ConnectionTrait,
    class: ClassId,
) -> Result<Vec<(String, String)>, DbErr> {
    let rows = children::Entity::find()
        .filter(children::Column::ClassId.eq(class.0))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.pin_digest, row.pseudonym))
        .collect())
}

pub async fn set_pin_digest(
    db: &impl ConnectionTrait,
    child: ChildId,
    pin_digest: String,
) -> Result<(), DbErr> {
    children::Entity::update_many()
        .col_expr(children::Column::PinDigest, Expr::value(pin_digest))
        .filter(children::Column::Id.eq(child.0))
        .exec(db)
        .await?;
    Ok(())
}

/// A class's children in enrolment order, a page at a time (the cursor is the child id, which orders
/// by enrolment time).
pub async fn in_class(
    db: &impl ConnectionTrait,
    class: ClassId,
    page: &PageRequest<ChildId>,
) -> Result<Page<Child>, DbErr> {
    let mut query = children::Entity::find()
        .filter(children::Column::ClassId.eq(class.0))
        .order_by_asc(children::Column::Id)
        .limit(page.fetch_limit());
    if let Some(after) = page.after {
        query = query.filter(children::Column::Id.gt(after.0));
    }
    let rows = query.all(db).await?;
    let ids: Vec<_> = rows.iter().map(|row| row.id).collect();
    let consents = consents_in_force(db, &ids).await?;
    let children = rows
        .into_iter()
        .map(|row| to_domain(row, &consents))
        .collect();
    Ok(Page::from_overfetched(children, page))
}

/// All of a class's children (for badges and cards).
pub async fn all_in_class(db: &impl ConnectionTrait, class: ClassId) -> Result<Vec<Child>, DbErr> {
    let rows = children::Entity::find()
        .filter(children::Column::ClassId.eq(class.0))
        .order_by_asc(children::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<_> = rows.iter().map(|row| row.id).collect();
    let consents = consents_in_force(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| to_domain(row, &consents))
        .collect())
}

async fn consents_in_force(
    db: &impl ConnectionTrait,
    children: &[uuid::Uuid],
) -> Result<HashMap<uuid::Uuid, GuardianConsent>, DbErr> {
    if children.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = guardian_consents::Entity::find()
        .filter(guardian_consents::Column::ChildId.is_in(children.iter().copied()))
        .filter(guardian_consents::Column::WithdrawnAt.is_null())
        .order_by_asc(guardian_consents::Column::RecordedAt)
        .all(db)
        .await?;
    let mut in_force = HashMap::new();
    for row in rows {
        in_force.insert(row.child_id, consent_of(&row)?);
    }
    Ok(in_force)
}

fn consent_of(row: &guardian_consents::Model) -> Result<GuardianConsent, DbErr> {
    let (Some(method), Some(relation)) = (
        ConsentMethod::parse(&row.method),
        GuardianRelation::parse(&row.relation),
    ) else {
        return Err(DbErr::Type(format!(
            "consent {} has an unknown method or relation",
            row.id
        )));
    };
    Ok(GuardianConsent {
        method,
        given_on: row.given_on,
        relation,
    })
}

pub async fn insert_consent(
    db: &impl ConnectionTrait,
    child: ChildId,
    consent: &GuardianConsent,
    recorded_by: StaffId,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    guardian_consents::ActiveModel {
        id: Set(ConsentId::new().0),
        child_id: Set(child.0),
        method: Set(consent.method.as_str().to_owned()),
        given_on: Set(consent.given_on),
        relation: Set(consent.relation.as_str().to_owned()),
        recorded_by: Set(recorded_by.0),
        recorded_at: Set(now),
        withdrawn_at: Set(None),
        withdrawn_by: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Withdraws every consent in force for the child. Returns how many there were.
pub async fn withdraw_consents(
    db: &impl ConnectionTrait,
    child: ChildId,
    by: StaffId,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = guardian_consents::Entity::update_many()
        .col_expr(guardian_consents::Column::WithdrawnAt, Expr::value(now))
        .col_expr(guardian_consents::Column::WithdrawnBy, Expr::value(by.0))
        .filter(guardian_consents::Column::ChildId.eq(child.0))
        .filter(guardian_consents::Column::WithdrawnAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

pub async fn insert_badge(
    db: &impl ConnectionTrait,
    child: ChildId,
    token_digest: String,
    issued_by: StaffId,
    now: DateTime<Utc>,
) -> Result<BadgeId, DbErr> {
    let id = BadgeId::new();
    badges::ActiveModel {
        id: Set(id.0),
        child_id: Set(child.0),
        token_digest: Set(token_digest),
        issued_by: Set(issued_by.0),
        issued_at: Set(now),
        voided_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// The live badge with this token digest: its id and its child.
pub async fn find_badge(
    db: &impl ConnectionTrait,
    token_digest: &str,
) -> Result<Option<(BadgeId, ChildId)>, DbErr> {
    let row = badges::Entity::find()
        .filter(badges::Column::TokenDigest.eq(token_digest))
        .filter(badges::Column::VoidedAt.is_null())
        .one(db)
        .await?;
    Ok(row.map(|row| (BadgeId(row.id), ChildId(row.child_id))))
}

/// Voids the live badges of these children; returns the voided badges' ids.
pub async fn void_badges(
    db: &impl ConnectionTrait,
    children: &[ChildId],
    now: DateTime<Utc>,
) -> Result<Vec<BadgeId>, DbErr> {
    let ids: Vec<_> = children.iter().map(|child| child.0).collect();
    let live = badges::Entity::find()
        .filter(badges::Column::ChildId.is_in(ids))
        .filter(badges::Column::VoidedAt.is_null())
        .all(db)
        .await?;
    let voided: Vec<_> = live.iter().map(|row| row.id).collect();
    if !voided.is_empty() {
        badges::Entity::update_many()
            .col_expr(badges::Column::VoidedAt, Expr::value(now))
            .filter(badges::Column::Id.is_in(voided.clone()))
            .exec(db)
            .await?;
    }
    Ok(voided.into_iter().map(BadgeId).collect())
}

fn to_domain(row: children::Model, consents: &HashMap<uuid::Uuid, GuardianConsent>) -> Child {
    Child {
        id: ChildId(row.id),
        class_id: ClassId(row.class_id),
        // Stored pseudonyms were validated on the way in; re-parsing would refuse rules that
        // tighten later, and a child must stay readable.
        pseudonym: Pseudonym::stored(row.pseudonym),
        birth: BirthMonth::from_stored(row.birth_year, u32::try_from(row.birth_month).unwrap_or(1)),
        consent: consents.get(&row.id).cloned(),
    }
}
