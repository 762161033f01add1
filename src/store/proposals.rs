//! Proposal rows, their event history and the outbox. A state change writes all three in the
//! caller's transaction.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

use super::entities::{outbox, proposal_events, proposals};
use crate::domain::forms::{Answer, band_from_letter, band_letter};
use crate::domain::ids::{CampaignId, ChildId, ClassId, ProposalId, SchoolId, StaffId};
use crate::domain::lifecycle::{GovernmentState, SchoolState};
use crate::domain::page::{Page, PageRequest};
use crate::domain::proposals::Event;
use crate::domain::proposals::Proposal;
use crate::domain::topics::Topic;

/// Who made a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventActor {
    Child(ChildId),
    Staff(StaffId),
    System,
}

/// The row for a new proposal.
pub(super) fn active_model(proposal: &Proposal) -> proposals::ActiveModel {
    proposals::ActiveModel {
        id: Set(proposal.id.0),
        campaign_id: Set(proposal.campaign_id.0),
        child_id: Set(proposal.child_id.0),
        class_id: Set(proposal.class_id.0),
        school_id: Set(proposal.school_id.0),
        band: Set(band_letter(proposal.band).to_owned()),
        topic: Set(proposal.topic.key().to_owned()),
        answers: Set(serde_json::to_value(&proposal.answers).unwrap_or_default()),
        place: Set(proposal.place.clone()),
        consent_to_publish: Set(proposal.consent_to_publish),
        client_submission_id: Set(proposal.client_submission_id),
        content_hash: Set(proposal.content_hash.clone()),
        assisted_by: Set(proposal.assisted_by.map(|id| id.0)),
        school_state: Set(proposal.school_state.as_str().to_owned()),
        government_state: Set(proposal.government_state.map(|s| s.as_str().to_owned())),
        reopened: Set(false),
        created_at: Set(proposal.created_at),
        updated_at: Set(proposal.created_at),
        screening: Set(None),
        public_answers: Set(None),
        public_place: Set(None),
        area_code: Set(proposal.area_code.clone()),
        reference: Set(proposal.reference.clone()),
    }
}

pub async fn find(db: &impl ConnectionTrait, id: ProposalId) -> Result<Option<Proposal>, DbErr> {
    proposals::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// Several proposals in one query.
pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: &[ProposalId],
) -> Result<HashMap<ProposalId, Proposal>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    proposals::Entity::find()
        .filter(proposals::Column::Id.is_in(ids.iter().map(|id| id.0)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| to_domain(row).map(|proposal| (proposal.id, proposal)))
        .collect()
}

pub async fn find_by_submission(
    db: &impl ConnectionTrait,
    child: ChildId,
    submission: uuid::Uuid,
) -> Result<Option<Proposal>, DbErr> {
    let row = proposals::Entity::find()
        .filter(proposals::Column::ChildId.eq(child.0))
        .filter(proposals::Column::ClientSubmissionId.eq(submission))
        .one(db)
        .await?;
    row.map(to_domain).transpose()
}

/// A child's proposals, newest first.
pub async fn of_child(
    db: &impl ConnectionTrait,
    child: ChildId,
    page: &PageRequest<ProposalId>,
) -> Result<Page<Proposal>, DbErr> {
    let mut query = proposals::Entity::find()
        .filter(proposals::Column::ChildId.eq(child.0))
        .order_by_desc(proposals::Column::Id)
        .limit(page.fetch_limit());
    if let Some(after) = page.after {
        query = query.filter(proposals::Column::Id.lt(after.0));
    }
    let rows = query.all(db).await?;
    let proposals = rows
        .into_iter()
        .map(to_domain)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetched(proposals, page))
}

/// Sets the school state (when it is still `from`); false when another change came first.
pub async fn set_school_state(
    db: &impl ConnectionTrait,
    id: ProposalId,
    from: SchoolState,
    to: SchoolState,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = proposals::Entity::update_many()
        .col_expr(proposals::Column::SchoolState, Expr::value(to.as_str()))
        .col_expr(proposals::Column::UpdatedAt, Expr::value(now))
        .filter(proposals::Column::Id.eq(id.0))
        .filter(proposals::Column::SchoolState.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks that the department looks again after the child's verdict (once only).
pub async fn set_reopened(db: &impl ConnectionTrait, id: ProposalId) -> Result<(), DbErr> {
    proposals::Entity::update_many()
        .col_expr(proposals::Column::Reopened, Expr::value(true))
        .filter(proposals::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Mirrors the task's state onto its proposal, which is what the child reads.
pub async fn set_government_state(
    db: &impl ConnectionTrait,
    id: ProposalId,
    to: GovernmentState,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    proposals::Entity::update_many()
        .col_expr(proposals::Column::GovernmentState, Expr::value(to.as_str()))
        .col_expr(proposals::Column::UpdatedAt, Expr::value(now))
        .filter(proposals::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// One change of state, as the history records it.
pub struct Change<'a> {
    pub layer: &'static str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub reason: Option<&'a str>,
}

/// Appends to the proposal's history.
pub async fn append_event(
    db: &impl ConnectionTrait,
    proposal: ProposalId,
    actor: EventActor,
    change: Change<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (kind, id) = match actor {
        EventActor::Child(id) => ("child", Some(id.0)),
        EventActor::Staff(id) => ("staff", Some(id.0)),
        EventActor::System => ("system", None),
    };
    proposal_events::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        proposal_id: Set(proposal.0),
        at: Set(now),
        actor_kind: Set(kind.to_owned()),
        actor_id: Set(id),
        layer: Set(change.layer.to_owned()),
        from_state: Set(change.from.map(str::to_owned)),
        to_state: Set(change.to.to_owned()),
        reason: Set(change.reason.map(str::to_owned)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The histories of several proposals in one query, oldest event first.
pub async fn events_of(
    db: &impl ConnectionTrait,
    ids: &[ProposalId],
) -> Result<HashMap<ProposalId, Vec<Event>>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = proposal_events::Entity::find()
        .filter(proposal_events::Column::ProposalId.is_in(ids.iter().map(|id| id.0)))
        .order_by_asc(proposal_events::Column::Id)
        .all(db)
        .await?;
    let mut events: HashMap<ProposalId, Vec<Event>> = HashMap::new();
    for row in rows {
        let layer = if row.layer == "government" {
            "government"
        } else {
            "school"
        };
        events
            .entry(ProposalId(row.proposal_id))
            .or_default()
            .push(Event {
                at: row.at,
                layer,
                from: row.from_state,
                to: row.to_state,
                reason: row.reason,
            });
    }
    Ok(events)
}

/// Records what must happen next, for the background workers (screening, routing, streams).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    topic: &str,
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    outbox::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        created_at: Set(now),
        topic: Set(topic.to_owned()),
        payload: Set(payload),
        processed_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub(super) fn to_domain(row: proposals::Model) -> Result<Proposal, DbErr> {
    let invalid = |what: &str| DbErr::Type(format!("proposal {} has an invalid {what}", row.id));
    Ok(Proposal {
        id: ProposalId(row.id),
        campaign_id: CampaignId(row.campaign_id),
        child_id: ChildId(row.child_id),
        class_id: ClassId(row.class_id),
        school_id: SchoolId(row.school_id),
        band: band_from_letter(&row.band).ok_or_else(|| invalid("band"))?,
        answers: serde_json::from_value::<Vec<Answer>>(row.answers.clone())
            .map_err(|_| invalid("answer list"))?,
        school_state: SchoolState::parse(&row.school_state)
            .ok_or_else(|| invalid("school state"))?,
        government_state: match &row.government_state {
            Some(state) => {
                Some(GovernmentState::parse(state).ok_or_else(|| invalid("government state"))?)
            }
            None => None,
        },
        reopened: row.reopened,
        screening: match row.screening {
            Some(value) => Some(super::read_json(
                value,
                format!("proposal {}", row.id),
                "screening",
            )?),
            None => None,
        },
        topic: Topic::parse(&row.topic).ok_or_else(|| invalid("topic"))?,
        place: row.place,
        area_code: row.area_code,
        reference: row.reference,
        consent_to_publish: row.consent_to_publish,
        client_submission_id: row.client_submission_id,
        content_hash: row.content_hash,
        assisted_by: row.assisted_by.map(StaffId),
        created_at: row.created_at,
    })
}

/// An outbox row waiting to be handled.
pub struct Pending {
    pub id: i64,
    pub payload: serde_json::Value,
}

/// The oldest unhandled outbox rows of these topics.
pub async fn pending(
    db: &impl ConnectionTrait,
    topics: &[&str],
    limit: u64,
) -> Result<Vec<Pending>, DbErr> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::ProcessedAt.is_null())
        .filter(outbox::Column::Topic.is_in(topics.iter().copied()))
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Pending {
            id: row.id,
            payload: row.payload,
        })
        .collect())
}

/// Removes up to `limit` handled outbox rows made before `before`, oldest first.
pub async fn prune_outbox(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<u64, DbErr> {
    // The first row still kept bounds the search: ids grow with time.
    let kept: Option<i64> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::CreatedAt.gte(before))
        .order_by_asc(outbox::Column::Id)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    let mut old = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::ProcessedAt.is_not_null())
        .filter(outbox::Column::CreatedAt.lt(before))
        .order_by_asc(outbox::Column::Id)
        .limit(limit);
    if let Some(kept) = kept {
        old = old.filter(outbox::Column::Id.lt(kept));
    }
    let ids: Vec<i64> = old.into_tuple().all(db).await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let removed = outbox::Entity::delete_many()
        .filter(outbox::Column::Id.is_in(ids))
        .exec(db)
        .await?;
    Ok(removed.rows_affected)
}

/// Claims an outbox row for handling in the caller's transaction: false when another worker
/// (another instance) has it already.
pub async fn claim(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let result = outbox::Entity::update_many()
        .col_expr(outbox::Column::ProcessedAt, Expr::value(now))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::ProcessedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Replaces a proposal's content (a revision), keeping its identity.
pub async fn set_content(
    db: &impl ConnectionTrait,
    proposal: &Proposal,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    proposals::Entity::update_many()
        .col_expr(proposals::Column::Topic, Expr::value(proposal.topic.key()))
        .col_expr(
            proposals::Column::Answers,
            Expr::value(serde_json::to_value(&proposal.answers).unwrap_or_default()),
        )
        .col_expr(
            proposals::Column::Place,
            Expr::value(proposal.place.clone()),
        )
        .col_expr(
            proposals::Column::ConsentToPublish,
            Expr::value(proposal.consent_to_publish),
        )
        .col_expr(proposals::Column::UpdatedAt, Expr::value(now))
        .filter(proposals::Column::Id.eq(proposal.id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// The child's proposals that have this image attached.
pub async fn with_media(
    db: &impl ConnectionTrait,
    child: ChildId,
    media: crate::domain::ids::MediaId,
) -> Result<Vec<ProposalId>, DbErr> {
    let ids: Vec<uuid::Uuid> = proposals::Entity::find()
        .select_only()
        .column(proposals::Column::Id)
        .filter(proposals::Column::ChildId.eq(child.0))
        .filter(super::text_contains(
            proposals::Column::Answers,
            &media.0.to_string(),
        ))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(ProposalId).collect())
}

/// How many children of a class have proposed in a campaign.
pub async fn children_taking_part(
    db: &impl ConnectionTrait,
    campaign: CampaignId,
    class: ClassId,
) -> Result<u64, DbErr> {
    let children: Vec<uuid::Uuid> = proposals::Entity::find()
        .select_only()
        .column(proposals::Column::ChildId)
        .distinct()
        .filter(proposals::Column::CampaignId.eq(campaign.0))
        .filter(proposals::Column::ClassId.eq(class.0))
        .into_tuple()
        .all(db)
        .await?;
    Ok(children.len() as u64)
}

/// How many proposals a campaign (or every campaign) has received.
pub async fn count_in_campaign(
    db: &impl ConnectionTrait,
    campaign: Option<CampaignId>,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    let mut query = proposals::Entity::find();
    if let Some(campaign) = campaign {
        query = query.filter(proposals::Column::CampaignId.eq(campaign.0));
    }
    query.count(db).await
}

/// The campaigns these proposals belong to, each once.
pub async fn campaigns_of(
    db: &impl ConnectionTrait,
    ids: &[ProposalId],
) -> Result<Vec<CampaignId>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut campaigns: Vec<uuid::Uuid> = proposals::Entity::find()
        .select_only()
        .column(proposals::Column::CampaignId)
        .filter(proposals::Column::Id.is_in(ids.iter().map(|id| id.0)))
        .into_tuple()
        .all(db)
        .await?;
    campaigns.sort();
    campaigns.dedup();
    Ok(campaigns.into_iter().map(CampaignId).collect())
}

/// The proposal with this tracking reference.
pub async fn find_by_reference(
    db: &impl ConnectionTrait,
    reference: &str,
) -> Result<Option<Proposal>, DbErr> {
    proposals::Entity::find()
        .filter(proposals::Column::Reference.eq(reference))
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// The proposals submitted in `[from, to)`, oldest first (for reports).
pub async fn submitted_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Proposal>, DbErr> {
    proposals::Entity::find()
        .filter(proposals::Column::CreatedAt.gte(from))
        .filter(proposals::Column::CreatedAt.lt(to))
        .order_by_asc(proposals::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}
