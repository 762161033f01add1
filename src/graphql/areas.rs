//! Townships and subdistricts.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use super::context::{actor, state};
use super::errors::GqlResult;
use crate::domain::areas::{Area as DomainArea, AreaKind as DomainKind};
use crate::services;

/// What sort of area it is: 街道 (subdistrict), 镇 (town) or 乡 (township).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AreaKind {
    /// 街道
    Subdistrict,
    /// 镇
    Town,
    /// 乡
    Township,
}

/// A township or subdistrict of the district; routing rules can differ by area.
#[derive(SimpleObject)]
pub struct Area {
    /// This area.
    pub id: ID,
    /// A stable code, for example `baiguan`.
    pub code: String,
    /// Its name, for example 百官街道.
    pub name_zh: String,
    /// Subdistrict, town or township.
    pub kind: AreaKind,
}

impl From<DomainArea> for Area {
    fn from(area: DomainArea) -> Self {
        let kind = match area.kind {
            DomainKind::Subdistrict => AreaKind::Subdistrict,
            DomainKind::Town => AreaKind::Town,
            DomainKind::Township => AreaKind::Township,
        };
        Area {
            id: ID(area.id.to_string()),
            code: area.code,
            name_zh: area.name_zh,
            kind,
        }
    }
}

/// A new area of the district.
#[derive(InputObject)]
pub struct CreateAreaInput {
    /// A stable code: 2 to 64 lower-case letters, digits or underscores; unique.
    pub code: String,
    /// Its name in Chinese.
    pub name_zh: String,
    /// Subdistrict, town or township.
    pub kind: AreaKind,
}

#[derive(Default)]
pub struct AreasQuery;

#[Object]
impl AreasQuery {
    /// The district's townships and subdistricts, by code.
    async fn areas(&self, ctx: &Context<'_>) -> GqlResult<Vec<Area>> {
        Ok(services::areas::list(state(ctx)?)
            .await?
            .into_iter()
            .map(Area::from)
            .collect())
    }
}

#[derive(Default)]
pub struct AreasMutation;

#[Object]
impl AreasMutation {
    /// Coordinators: adds a township or subdistrict from the official division list.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn create_area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new area.")] input: CreateAreaInput,
    ) -> GqlResult<Area> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let kind = match input.kind {
            AreaKind::Subdistrict => DomainKind::Subdistrict,
            AreaKind::Town => DomainKind::Town,
            AreaKind::Township => DomainKind::Township,
        };
        let area =
            services::areas::create(state(ctx)?, &coordinator, &input.code, &input.name_zh, kind)
                .await?;
        Ok(area.into())
    }
}
