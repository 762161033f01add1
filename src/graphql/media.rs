//! What teachers decide about a child's image: whether the public may see it, and what to cover.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use crate::domain::ids::MediaId;
use crate::domain::media::Media as StoredMedia;
use crate::domain::media::Region;
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};
use crate::services;

/// An uploaded image. Its renditions are at `GET /media/{id}/{display|thumbnail|covered}`.
#[derive(SimpleObject)]
pub struct Media {
    /// This image.
    pub id: ID,
    /// Width of the display rendition in pixels; null until it is processed.
    pub width: Option<i32>,
    /// Height of the display rendition in pixels; null until it is processed.
    pub height: Option<i32>,
    /// A teacher marked it fit to be shown to the public with its published proposal.
    pub publishable: bool,
    /// Regions are covered: the public sees the `covered` rendition.
    pub covered: bool,
}

impl From<StoredMedia> for Media {
    fn from(media: StoredMedia) -> Self {
        Media {
            id: ID(media.id.to_string()),
            width: media.width.map(|w| w as i32),
            height: media.height.map(|h| h as i32),
            publishable: media.publishable,
            covered: media.covered_key.is_some(),
        }
    }
}

/// A rectangle in fractions of the image's width and height, from its top-left corner.
#[derive(InputObject)]
pub struct RegionInput {
    /// Left edge, 0 to 1.
    pub x: f64,
    /// Top edge, 0 to 1.
    pub y: f64,
    /// Width, more than 0; `x + width` at most 1.
    pub width: f64,
    /// Height, more than 0; `y + height` at most 1.
    pub height: f64,
}

#[derive(Default)]
pub struct MediaMutation;

#[Object]
impl MediaMutation {
    /// The child's teacher: whether the image may be shown to the public with its proposal.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn set_media_publishable(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The image.")] id: ID,
        #[graphql(desc = "Whether the public may see it.")] publishable: bool,
    ) -> GqlResult<Media> {
        let id = parse_id(&id, MediaId::parse, &[])?;
        Ok(
            services::media::set_publishable(state(ctx)?, actor(ctx), id, publishable)
                .await?
                .into(),
        )
    }

    /// The child's teacher: covers regions of the image (faces, house numbers); the public sees
    /// the covered rendition. An empty list removes the cover.
    #[graphql(complexity = "super::MUTATION_COST * 4 + child_complexity")]
    async fn cover_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The image.")] id: ID,
        #[graphql(desc = "The regions to cover; an empty list removes the cover.")] regions: Vec<
            RegionInput,
        >,
    ) -> GqlResult<Media> {
        let id = parse_id(&id, MediaId::parse, &[])?;
        let mut problems = Vec::new();
        let mut parsed = Vec::new();
        for (index, region) in regions.iter().enumerate() {
            match Region::parse(region.x, region.y, region.width, region.height) {
                Some(region) => parsed.push(region),
                None => problems.push(FieldError::new(
                    &["regions", &index.to_string()],
                    FieldCode::Outside,
                    "区域要在图片里面。",
                )),
            }
        }
        if parsed.len() > 20 {
            problems.push(FieldError::new(
                &["regions"],
                FieldCode::TooMany,
                "最多遮挡 20 处。",
            ));
        }
        if !problems.is_empty() {
            return Err(AppError::Validation(problems).into());
        }
        Ok(
            services::media::cover_regions(state(ctx)?, actor(ctx), id, parsed)
                .await?
                .into(),
        )
    }
}
