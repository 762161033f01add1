//! Uploaded drawings and photos: who uploaded them, for which child, their state, and the keys of
//! their stored renditions.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000005_media"
    }
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    UploaderKind,
    UploaderId,
    ChildId,
    ClassId,
    State,
    RejectCode,
    DisplayKey,
    ThumbnailKey,
    CoveredKey,
    Width,
    Height,
    Publishable,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Media::Table)
                    .col(ColumnDef::new(Media::Id).uuid().not_null().primary_key())
                    .col(
                        ColumnDef::new(Media::UploaderKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Media::UploaderId).uuid().not_null())
                    .col(ColumnDef::new(Media::ChildId).uuid().null())
                    .col(ColumnDef::new(Media::ClassId).uuid().null())
                    .col(ColumnDef::new(Media::State).string_len(16).not_null())
                    .col(ColumnDef::new(Media::RejectCode).string_len(32).null())
                    .col(ColumnDef::new(Media::DisplayKey).string_len(64).null())
                    .col(ColumnDef::new(Media::ThumbnailKey).string_len(64).null())
                    .col(ColumnDef::new(Media::CoveredKey).string_len(64).null())
                    .col(ColumnDef::new(Media::Width).integer().null())
                    .col(ColumnDef::new(Media::Height).integer().null())
                    .col(
                        ColumnDef::new(Media::Publishable)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Media::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Media::Table).to_owned())
            .await
    }
}
