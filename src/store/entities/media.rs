use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub uploader_kind: String,
    pub uploader_id: Uuid,
    pub child_id: Option<Uuid>,
    pub class_id: Option<Uuid>,
    pub state: String,
    pub reject_code: Option<String>,
    pub display_key: Option<String>,
    pub thumbnail_key: Option<String>,
    pub covered_key: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub publishable: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
