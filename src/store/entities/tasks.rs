use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub proposal_id: Uuid,
    pub campaign_id: Uuid,
    pub topic: String,
    pub department_id: Option<Uuid>,
    pub co_department_ids: Json,
    pub state: String,
    pub sign_for_due: Date,
    pub answer_due: Date,
    pub due: Date,
    pub signed_for_at: Option<DateTimeUtc>,
    pub signed_for_by: Option<Uuid>,
    pub reminded_at: Option<DateTimeUtc>,
    pub escalated_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
