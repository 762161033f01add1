use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "moderation_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub proposal_id: Uuid,
    pub staff_id: Option<Uuid>,
    pub decision: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub topic_before: String,
    pub topic_after: String,
    pub text_before: Json,
    pub text_after: Option<Json>,
    pub redactions: Json,
    pub false_alarms: Json,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
