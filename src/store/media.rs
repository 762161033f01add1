//! Media rows.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Set,
};

use super::entities::media;
use crate::domain::ids::{ChildId, ClassId, MediaId};
use crate::domain::media::Media;
use crate::domain::media::Uploader;
use crate::domain::media::{MediaState, RejectCode, Rendition};

impl Media {
    pub fn key(&self, rendition: Rendition) -> Option<&str> {
        match rendition {
            Rendition::Display => self.display_key.as_deref(),
            Rendition::Thumbnail => self.thumbnail_key.as_deref(),
            Rendition::Covered => self.covered_key.as_deref(),
        }
    }
}

pub async fn insert(
    db: &impl ConnectionTrait,
    media: &Media,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (kind, id) = match media.uploader {
        Uploader::Child(id) => ("child", id),
        Uploader::Staff(id) => ("staff", id),
    };
    media::ActiveModel {
        id: Set(media.id.0),
        uploader_kind: Set(kind.to_owned()),
        uploader_id: Set(id),
        child_id: Set(media.child_id.map(|c| c.0)),
        class_id: Set(media.class_id.map(|c| c.0)),
        state: Set(media.state.as_str().to_owned()),
        reject_code: Set(media.reject_code.map(|c| c.as_str().to_owned())),
        display_key: Set(media.display_key.clone()),
        thumbnail_key: Set(media.thumbnail_key.clone()),
        covered_key: Set(None),
        width: Set(media.width.map(|w| w as i32)),
        height: Set(media.height.map(|h| h as i32)),
        publishable: Set(false),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records how processing ended.
pub async fn finish(db: &impl ConnectionTrait, media: &Media) -> Result<(), DbErr> {
    media::Entity::update_many()
        .col_expr(media::Column::State, Expr::value(media.state.as_str()))
        .col_expr(
            media::Column::RejectCode,
            Expr::value(media.reject_code.map(|c| c.as_str().to_owned())),
        )
        .col_expr(
            media::Column::DisplayKey,
            Expr::value(media.display_key.clone()),
        )
        .col_expr(
            media::Column::ThumbnailKey,
            Expr::value(media.thumbnail_key.clone()),
        )
        .col_expr(
            media::Column::Width,
            Expr::value(media.width.map(|w| w as i32)),
        )
        .col_expr(
            media::Column::Height,
            Expr::value(media.height.map(|h| h as i32)),
        )
        .filter(media::Column::Id.eq(media.id.0))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: MediaId) -> Result<Option<Media>, DbErr> {
    media::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

fn to_domain(row: media::Model) -> Result<Media, DbErr> {
    let invalid = |what: &str| DbErr::Type(format!("media {} has an invalid {what}", row.id));
    let uploader = match row.uploader_kind.as_str() {
        "child" => Uploader::Child(row.uploader_id),
        "staff" => Uploader::Staff(row.uploader_id),
        _ => return Err(invalid("uploader")),
    };
    Ok(Media {
        id: MediaId(row.id),
        uploader,
        child_id: row.child_id.map(ChildId),
        class_id: row.class_id.map(ClassId),
        state: MediaState::parse(&row.state).ok_or_else(|| invalid("state"))?,
        reject_code: row.reject_code.as_deref().and_then(RejectCode::parse),
        display_key: row.display_key,
        thumbnail_key: row.thumbnail_key,
        covered_key: row.covered_key,
        publishable: row.publishable,
        width: row.width.map(|w| w as u32),
        height: row.height.map(|h| h as u32),
    })
}

/// These images, in one query (those that exist).
pub async fn find_many(db: &impl ConnectionTrait, ids: &[MediaId]) -> Result<Vec<Media>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = media::Entity::find()
        .filter(media::Column::Id.is_in(ids.iter().map(|id| id.0)))
        .all(db)
        .await?;
    rows.into_iter().map(to_domain).collect()
}

/// Records which child an image is of, once it is attached to their proposal. An image already
/// of another child stays theirs.
pub async fn attach(
    db: &impl ConnectionTrait,
    id: MediaId,
    child: ChildId,
    class: ClassId,
) -> Result<(), DbErr> {
    media::Entity::update_many()
        .col_expr(media::Column::ChildId, Expr::value(child.0))
        .col_expr(media::Column::ClassId, Expr::value(class.0))
        .filter(media::Column::Id.eq(id.0))
        .filter(
            sea_orm::Condition::any()
                .add(media::Column::ChildId.is_null())
                .add(media::Column::ChildId.eq(child.0)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Takes every image of the child off the public for good: none is publishable any more (a
/// teacher must look again). Returns the images' ids.
pub async fn withhold_child(
    db: &impl ConnectionTrait,
    child: ChildId,
) -> Result<Vec<MediaId>, DbErr> {
    let ids: Vec<uuid::Uuid> = media::Entity::find()
        .select_only()
        .column(media::Column::Id)
        .filter(media::Column::ChildId.eq(child.0))
        .into_tuple()
        .all(db)
        .await?;
    if !ids.is_empty() {
        media::Entity::update_many()
            .col_expr(media::Column::Publishable, Expr::value(false))
            .filter(media::Column::Id.is_in(ids.clone()))
            .exec(db)
            .await?;
    }
    Ok(ids.into_iter().map(MediaId).collect())
}

pub async fn set_publishable(
    db: &impl ConnectionTrait,
    id: MediaId,
    publishable: bool,
) -> Result<(), DbErr> {
    media::Entity::update_many()
        .col_expr(media::Column::Publishable, Expr::value(publishable))
        .filter(media::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_covered(
    db: &impl ConnectionTrait,
    id: MediaId,
    key: Option<String>,
) -> Result<(), DbErr> {
    media::Entity::update_many()
        .col_expr(media::Column::CoveredKey, Expr::value(key))
        .filter(media::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}
