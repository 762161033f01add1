//! Areas: the district's townships (镇/乡) and subdistricts (街道), which proposals may name and
//! routing may use. The plan names them only as 各乡镇街道, so the list is entered by the
//! district's coordinators from the official division list rather than seeded here.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000003_areas"
    }
}

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Areas {
    Table,
    Id,
    DistrictId,
    Code,
    NameZh,
    Kind,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Areas::Table)
                    .col(ColumnDef::new(Areas::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Areas::DistrictId).uuid().not_null())
                    .col(
                        ColumnDef::new(Areas::Code)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Areas::NameZh).string_len(100).not_null())
                    .col(ColumnDef::new(Areas::Kind).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Areas::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Areas::Table, Areas::DistrictId)
                            .to(Districts::Table, Districts::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Areas::Table).to_owned())
            .await
    }
}
