//! Machine credentials for departments' own systems, and the feed they read.
//!
//! An API key belongs to one department and acts through an account of its own (a `staff` row of
//! that department that cannot sign in), so every step it takes is recorded like a clerk's. Only
//! a SHA-256 digest of the key is kept; every use is a row of `api_key_uses`.
//!
//! `department_feed` is each department's task events numbered 1, 2, 3 … in commit order: the
//! number comes from the department's row in `department_feed_heads`, which the writing
//! transaction holds locked until it commits, so a reader who has seen number n never later
//! finds a smaller one appear.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000012_api_keys"
    }
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    DepartmentId,
    AccountId,
    Name,
    Prefix,
    Digest,
    CreatedBy,
    CreatedAt,
    RevokedBy,
    RevokedAt,
    LastUsedAt,
    AcknowledgedSeq,
}

#[derive(DeriveIden)]
enum ApiKeyUses {
    Table,
    Id,
    KeyId,
    Operation,
    RequestId,
    At,
}

#[derive(DeriveIden)]
enum DepartmentFeed {
    Table,
    DepartmentId,
    Seq,
    EventId,
    TaskId,
    ProposalId,
    Kind,
    Lead,
    At,
}

#[derive(DeriveIden)]
enum DepartmentFeedHeads {
    Table,
    DepartmentId,
    LastSeq,
}

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
}

fn timestamp<T: IntoIden>(column: T) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn optional_timestamp<T: IntoIden>(column: T) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .col(ColumnDef::new(ApiKeys::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ApiKeys::DepartmentId).uuid().not_null())
                    .col(ColumnDef::new(ApiKeys::AccountId).uuid().not_null())
                    .col(ColumnDef::new(ApiKeys::Name).string_len(64).not_null())
                    .col(ColumnDef::new(ApiKeys::Prefix).string_len(16).not_null())
                    .col(ColumnDef::new(ApiKeys::Digest).string_len(64).not_null())
                    .col(ColumnDef::new(ApiKeys::CreatedBy).uuid().not_null())
                    .col(timestamp(ApiKeys::CreatedAt))
                    .col(ColumnDef::new(ApiKeys::RevokedBy).uuid().null())
                    .col(optional_timestamp(ApiKeys::RevokedAt))
                    .col(optional_timestamp(ApiKeys::LastUsedAt))
                    .col(
                        ColumnDef::new(ApiKeys::AcknowledgedSeq)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiKeys::Table, ApiKeys::DepartmentId)
                            .to(Departments::Table, Departments::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiKeys::Table, ApiKeys::AccountId)
                            .to(Staff::Table, Staff::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("api_keys_prefix")
                    .table(ApiKeys::Table)
                    .col(ApiKeys::Prefix)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyUses::Table)
                    .col(
                        ColumnDef::new(ApiKeyUses::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ApiKeyUses::KeyId).uuid().not_null())
                    .col(
                        ColumnDef::new(ApiKeyUses::Operation)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiKeyUses::RequestId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(timestamp(ApiKeyUses::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiKeyUses::Table, ApiKeyUses::KeyId)
                            .to(ApiKeys::Table, ApiKeys::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("api_key_uses_key")
                    .table(ApiKeyUses::Table)
                    .col(ApiKeyUses::KeyId)
                    .col(ApiKeyUses::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DepartmentFeed::Table)
                    .col(
                        ColumnDef::new(DepartmentFeed::DepartmentId)
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(DepartmentFeed::Seq).big_integer().not_null())
                    .col(ColumnDef::new(DepartmentFeed::EventId).uuid().not_null())
                    .col(ColumnDef::new(DepartmentFeed::TaskId).uuid().not_null())
                    .col(ColumnDef::new(DepartmentFeed::ProposalId).uuid().not_null())
                    .col(
                        ColumnDef::new(DepartmentFeed::Kind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(DepartmentFeed::Lead).boolean().not_null())
                    .col(timestamp(DepartmentFeed::At))
                    .primary_key(
                        Index::create()
                            .col(DepartmentFeed::DepartmentId)
                            .col(DepartmentFeed::Seq),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DepartmentFeedHeads::Table)
                    .col(
                        ColumnDef::new(DepartmentFeedHeads::DepartmentId)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(DepartmentFeedHeads::LastSeq)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DepartmentFeedHeads::Table.into_iden(),
            DepartmentFeed::Table.into_iden(),
            ApiKeyUses::Table.into_iden(),
            ApiKeys::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
