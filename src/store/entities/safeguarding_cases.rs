use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "safeguarding_cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub proposal_id: Option<Uuid>,
    pub child_id: Option<Uuid>,
    pub class_id: Option<Uuid>,
    pub opened_by_staff: Option<Uuid>,
    pub signals: Json,
    pub note: Option<String>,
    pub state: String,
    pub opened_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_by: Option<Uuid>,
    pub closing_note: Option<String>,
    pub acknowledge_due: Option<DateTimeUtc>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledged_by: Option<Uuid>,
    pub escalated_at: Option<DateTimeUtc>,
    pub outcome: Option<String>,
    pub reported_to: Option<String>,
    pub reported_on: Option<Date>,
    pub no_report_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
