use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub district_id: Uuid,
    pub title: String,
    pub description: String,
    pub all_schools: bool,
    pub school_ids: Json,
    pub bands: Json,
    pub topics: Json,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub sign_for_days: i32,
    pub answer_days: i32,
    pub publication: String,
    pub forms: Json,
    pub state: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
