//! Campaign rows. Lists (schools, bands, topics) and forms are JSON columns.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::entities::campaigns;
use crate::domain::campaigns::{Campaign, CampaignState, Publication};
use crate::domain::forms::{Form, band_from_letter, band_letter};
use crate::domain::ids::{CampaignId, DistrictId, SchoolId, StaffId};
use crate::domain::topics::Topic;

pub async fn insert(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    district: DistrictId,
    by: StaffId,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut row = to_row(campaign, now);
    row.district_id = Set(district.0);
    row.created_by = Set(by.0);
    row.created_at = Set(now);
    row.insert(db).await?;
    Ok(())
}

pub async fn update(
    db: &impl ConnectionTrait,
    campaign: &Campaign,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut row = to_row(campaign, now);
    row.district_id = sea_orm::ActiveValue::NotSet;
    row.created_by = sea_orm::ActiveValue::NotSet;
    row.created_at = sea_orm::ActiveValue::NotSet;
    row.update(db).await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: CampaignId) -> Result<Option<Campaign>, DbErr> {
    campaigns::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// Campaigns in the open state, soonest closing first (the caller checks times and audience).
pub async fn open(db: &impl ConnectionTrait) -> Result<Vec<Campaign>, DbErr> {
    let rows = campaigns::Entity::find()
        .filter(campaigns::Column::State.eq(CampaignState::Open.as_str()))
        .order_by_asc(campaigns::Column::ClosesAt)
        .all(db)
        .await?;
    rows.into_iter().map(to_domain).collect()
}

/// Every campaign, newest first, for coordinators.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Campaign>, DbErr> {
    let rows = campaigns::Entity::find()
        .order_by_desc(campaigns::Column::CreatedAt)
        .all(db)
        .await?;
    rows.into_iter().map(to_domain).collect()
}

fn to_row(campaign: &Campaign, now: DateTime<Utc>) -> campaigns::ActiveModel {
    let json = |value: serde_json::Value| Set(value);
    campaigns::ActiveModel {
        id: Set(campaign.id.0),
        district_id: sea_orm::ActiveValue::NotSet,
        title: Set(campaign.title.clone()),
        description: Set(campaign.description.clone()),
        all_schools: Set(campaign.all_schools),
        school_ids: json(serde_json::json!(
            campaign
                .school_ids
                .iter()
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
        )),
        bands: json(serde_json::json!(
            campaign
                .bands
                .iter()
                .map(|band| band_letter(*band))
                .collect::<Vec<_>>()
        )),
        topics: json(serde_json::json!(
            campaign.topics.iter().map(Topic::key).collect::<Vec<_>>()
        )),
        opens_at: Set(campaign.opens_at),
        closes_at: Set(campaign.closes_at),
        sign_for_days: Set(campaign.sign_for_days as i32),
        answer_days: Set(campaign.answer_days as i32),
        publication: Set(campaign.publication.as_str().to_owned()),
        forms: json(serde_json::to_value(&campaign.forms).unwrap_or_default()),
        state: Set(campaign.state.as_str().to_owned()),
        created_by: sea_orm::ActiveValue::NotSet,
        created_at: sea_orm::ActiveValue::NotSet,
        updated_at: Set(now),
    }
}

fn to_domain(row: campaigns::Model) -> Result<Campaign, DbErr> {
    let invalid = |what: &str| DbErr::Type(format!("campaign {} has an invalid {what}", row.id));
    let strings = |value: &serde_json::Value| -> Result<Vec<String>, DbErr> {
        super::read_json(value.clone(), format!("campaign {}", row.id), "list")
    };
    let school_ids = strings(&row.school_ids)?
        .iter()
        .map(|id| SchoolId::parse(id))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| invalid("school list"))?;
    let bands = strings(&row.bands)?
        .iter()
        .map(|band| band_from_letter(band))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| invalid("band list"))?;
    let topics = strings(&row.topics)?
        .iter()
        .map(|topic| Topic::parse(topic))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| invalid("topic list"))?;
    let forms: Vec<Form> =
        serde_json::from_value(row.forms.clone()).map_err(|_| invalid("form"))?;
    Ok(Campaign {
        id: CampaignId(row.id),
        state: CampaignState::parse(&row.state).ok_or_else(|| invalid("state"))?,
        publication: Publication::parse(&row.publication).ok_or_else(|| invalid("publication"))?,
        title: row.title,
        description: row.description,
        all_schools: row.all_schools,
        school_ids,
        bands,
        topics,
        opens_at: row.opens_at,
        closes_at: row.closes_at,
        sign_for_days: u32::try_from(row.sign_for_days).unwrap_or(1),
        answer_days: u32::try_from(row.answer_days).unwrap_or(1),
        forms,
    })
}

/// Where the standing channel is paused: `district`, or schools' ids.
pub async fn standing_pauses(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    Ok(super::entities::standing_pauses::Entity::find()
        .order_by_asc(super::entities::standing_pauses::Column::Scope)
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.scope)
        .collect())
}

/// Pauses the standing channel for a scope (pausing it again changes nothing).
pub async fn pause_standing(
    db: &impl ConnectionTrait,
    scope: &str,
    by: StaffId,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use super::entities::standing_pauses;
    standing_pauses::Entity::insert(standing_pauses::ActiveModel {
        scope: Set(scope.to_owned()),
        paused_by: Set(by.0),
        paused_at: Set(now),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(standing_pauses::Column::Scope)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn resume_standing(db: &impl ConnectionTrait, scope: &str) -> Result<(), DbErr> {
    super::entities::standing_pauses::Entity::delete_by_id(scope.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
