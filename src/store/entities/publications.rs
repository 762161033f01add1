use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "publications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub proposal_id: Uuid,
    pub campaign_id: Uuid,
    pub topic: String,
    pub department_id: Option<Uuid>,
    pub grade: i32,
    pub school_name: Option<String>,
    pub answers: Json,
    pub place: Option<String>,
    pub media: Json,
    pub published_by: Option<Uuid>,
    pub published_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
