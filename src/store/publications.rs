//! What the public sees: each published proposal as it was published (anonymised, redacted),
//! until consent is withdrawn.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entities::{proposals, publications};
use crate::domain::departments::DepartmentId;
use crate::domain::forms::Answer;
use crate::domain::ids::{CampaignId, ChildId, MediaId, ProposalId, StaffId};
use crate::domain::page::{Page, PageRequest};
use crate::domain::publicity::PublicFilter;
use crate::domain::publicity::PublicKey;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publication {
    pub proposal_id: ProposalId,
    pub campaign_id: CampaignId,
    pub topic: crate::domain::topics::Topic,
    pub department_id: Option<DepartmentId>,
    pub grade: u8,
    /// None where fewer than five children of the class took part.
    pub school_name: Option<String>,
    pub answers: Vec<Answer>,
    pub place: Option<String>,
    /// Images the teacher marked publishable.
    pub media: Vec<String>,
    pub published_by: Option<StaffId>,
    pub published_at: DateTime<Utc>,
}

pub async fn insert(db: &impl ConnectionTrait, publication: &Publication) -> Result<(), DbErr> {
    publications::ActiveModel {
        proposal_id: Set(publication.proposal_id.0),
        campaign_id: Set(publication.campaign_id.0),
        topic: Set(publication.topic.key().to_owned()),
        department_id: Set(publication.department_id.map(|d| d.0)),
        grade: Set(i32::from(publication.grade)),
        school_name: Set(publication.school_name.clone()),
        answers: Set(serde_json::to_value(&publication.answers).unwrap_or_default()),
        place: Set(publication.place.clone()),
        media: Set(serde_json::json!(publication.media)),
        published_by: Set(publication.published_by.map(|s| s.0)),
        published_at: Set(publication.published_at),
        withdrawn_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: ProposalId) -> Result<Option<Publication>, DbErr> {
    let row = publications::Entity::find_by_id(id.0)
        .filter(publications::Column::WithdrawnAt.is_null())
        .one(db)
        .await?;
    row.map(to_domain).transpose()
}

pub async fn page(
    db: &impl ConnectionTrait,
    filter: &PublicFilter,
    page: &PageRequest<PublicKey>,
) -> Result<Page<Publication>, DbErr> {
    let mut query = publications::Entity::find()
        .filter(publications::Column::WithdrawnAt.is_null())
        .order_by_desc(publications::Column::PublishedAt)
        .order_by_desc(publications::Column::ProposalId)
        .limit(page.fetch_limit());
    if let Some(campaign) = filter.campaign {
        query = query.filter(publications::Column::CampaignId.eq(campaign.0));
    }
    if let Some(topic) = &filter.topic {
        query = query.filter(publications::Column::Topic.eq(topic.as_str()));
    }
    if let Some(department) = filter.department {
        query = query.filter(publications::Column::DepartmentId.eq(department.0));
    }
    if let Some((at, id)) = page.after {
        query = query.filter(
            Condition::any()
                .add(publications::Column::PublishedAt.lt(at))
                .add(
                    Condition::all()
                        .add(publications::Column::PublishedAt.eq(at))
                        .add(publications::Column::ProposalId.lt(id)),
                ),
        );
    }
    let items = query
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect::<Result<_, _>>()?;
    Ok(Page::from_overfetched(items, page))
}

/// Every published proposal of a campaign (or all), for statistics and exports.
pub async fn all(
    db: &impl ConnectionTrait,
    campaign: Option<CampaignId>,
) -> Result<Vec<Publication>, DbErr> {
    let mut query = publications::Entity::find()
        .filter(publications::Column::WithdrawnAt.is_null())
        .order_by_desc(publications::Column::PublishedAt);
    if let Some(campaign) = campaign {
        query = query.filter(publications::Column::CampaignId.eq(campaign.0));
    }
    query.all(db).await?.into_iter().map(to_domain).collect()
}

/// Whether the image is shown with a published proposal of the child it is of.
pub async fn shows_media(
    db: &impl ConnectionTrait,
    media: &str,
    child: ChildId,
) -> Result<bool, DbErr> {
    let of_child = sea_orm::sea_query::Query::select()
        .column(proposals::Column::Id)
        .from(proposals::Entity)
        .and_where(proposals::Column::ChildId.eq(child.0))
        .to_owned();
    let found = publications::Entity::find()
        .select_only()
        .column(publications::Column::ProposalId)
        .filter(publications::Column::WithdrawnAt.is_null())
        .filter(super::text_contains(publications::Column::Media, media))
        .filter(publications::Column::ProposalId.in_subquery(of_child))
        .into_tuple::<uuid::Uuid>()
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// The proposals whose publication, in force, shows any of these images.
pub async fn showing(
    db: &impl ConnectionTrait,
    media: &[MediaId],
) -> Result<Vec<ProposalId>, DbErr> {
    if media.is_empty() {
        return Ok(Vec::new());
    }
    let mut any = Condition::any();
    for id in media {
        any = any.add(super::text_contains(
            publications::Column::Media,
            &id.to_string(),
        ));
    }
    let ids: Vec<uuid::Uuid> = publications::Entity::find()
        .select_only()
        .column(publications::Column::ProposalId)
        .filter(publications::Column::WithdrawnAt.is_null())
        .filter(any)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(ProposalId).collect())
}

fn to_domain(row: publications::Model) -> Result<Publication, DbErr> {
    let id = format!("publication of {}", row.proposal_id);
    Ok(Publication {
        proposal_id: ProposalId(row.proposal_id),
        campaign_id: CampaignId(row.campaign_id),
        topic: crate::domain::topics::Topic::parse(&row.topic)
            .ok_or_else(|| DbErr::Type(format!("{id}: the topic does not read")))?,
        department_id: row.department_id.map(DepartmentId),
        grade: u8::try_from(row.grade).unwrap_or_default(),
        school_name: row.school_name,
        answers: super::read_json(row.answers, &id, "answers")?,
        place: row.place,
        media: super::read_json(row.media, &id, "media")?,
        published_by: row.published_by.map(StaffId),
        published_at: row.published_at,
    })
}
