use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "proposals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub child_id: Uuid,
    pub class_id: Uuid,
    pub school_id: Uuid,
    pub band: String,
    pub topic: String,
    pub answers: Json,
    pub place: Option<String>,
    pub consent_to_publish: bool,
    pub client_submission_id: Uuid,
    pub content_hash: String,
    pub assisted_by: Option<Uuid>,
    pub school_state: String,
    pub government_state: Option<String>,
    pub reopened: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub screening: Option<Json>,
    pub public_answers: Option<Json>,
    pub public_place: Option<String>,
    pub area_code: Option<String>,
    pub reference: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
