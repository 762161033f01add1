//! Images in the record: on PostgreSQL, every rendition is a row keyed by the SHA-256 of its
//! bytes (stored once however many images share it), so that every instance serves every image
//! and the database's backups and erasure cover them. The embedded default keeps files on disk.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000011_media_blobs"
    }
}

#[derive(DeriveIden)]
enum MediaBlobs {
    Table,
    Key,
    Bytes,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MediaBlobs::Table)
                    .col(
                        ColumnDef::new(MediaBlobs::Key)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(MediaBlobs::Bytes).blob().not_null())
                    .col(
                        ColumnDef::new(MediaBlobs::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null()
                            .default(Expr::current_timestamp()),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MediaBlobs::Table).to_owned())
            .await
    }
}
