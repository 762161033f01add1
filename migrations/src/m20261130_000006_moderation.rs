//! Moderation and safeguarding: each proposal's latest screening and its text as it may be shown
//! beyond the school (accepted redactions applied); the append-only moderation log; teachers'
//! false-alarm marks, which coordinators review as allow-list suggestions; and safeguarding cases
//! with the actions their lead records. Cases keep no foreign key that an erasure could cascade
//! through: they outlive the child's data.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000006_moderation"
    }
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    Screening,
    PublicAnswers,
    PublicPlace,
}

#[derive(DeriveIden)]
enum ModerationLog {
    Table,
    Id,
    ProposalId,
    StaffId,
    Decision,
    Reason,
    Message,
    TopicBefore,
    TopicAfter,
    TextBefore,
    TextAfter,
    Redactions,
    FalseAlarms,
    At,
}

#[derive(DeriveIden)]
enum AllowListSuggestions {
    Table,
    Id,
    Phrase,
    Kind,
    Subkind,
    ProposalId,
    StaffId,
    State,
    CreatedAt,
    DecidedBy,
    DecidedAt,
}

#[derive(DeriveIden)]
enum SafeguardingCases {
    Table,
    Id,
    SchoolId,
    ProposalId,
    ChildId,
    ClassId,
    OpenedByStaff,
    Signals,
    Note,
    State,
    OpenedAt,
    ClosedAt,
    ClosedBy,
    ClosingNote,
}

#[derive(DeriveIden)]
enum SafeguardingActions {
    Table,
    Id,
    CaseId,
    Action,
    Body,
    OccurredOn,
    Reference,
    Note,
    RecordedBy,
    RecordedAt,
}

fn timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one new column per statement.
        for column in [
            ColumnDef::new(Proposals::Screening)
                .json()
                .null()
                .to_owned(),
            ColumnDef::new(Proposals::PublicAnswers)
                .json()
                .null()
                .to_owned(),
            ColumnDef::new(Proposals::PublicPlace)
                .text()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Proposals::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ModerationLog::Table)
                    .col(
                        ColumnDef::new(ModerationLog::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ModerationLog::ProposalId).uuid().not_null())
                    .col(ColumnDef::new(ModerationLog::StaffId).uuid().null())
                    .col(
                        ColumnDef::new(ModerationLog::Decision)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ModerationLog::Reason).string_len(32).null())
                    .col(ColumnDef::new(ModerationLog::Message).text().null())
                    .col(
                        ColumnDef::new(ModerationLog::TopicBefore)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ModerationLog::TopicAfter)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ModerationLog::TextBefore).json().not_null())
                    .col(ColumnDef::new(ModerationLog::TextAfter).json().null())
                    .col(ColumnDef::new(ModerationLog::Redactions).json().not_null())
                    .col(ColumnDef::new(ModerationLog::FalseAlarms).json().not_null())
                    .col(timestamp(ModerationLog::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ModerationLog::Table, ModerationLog::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_moderation_log_proposal")
                    .table(ModerationLog::Table)
                    .col(ModerationLog::ProposalId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AllowListSuggestions::Table)
                    .col(
                        ColumnDef::new(AllowListSuggestions::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AllowListSuggestions::Phrase)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AllowListSuggestions::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AllowListSuggestions::Subkind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AllowListSuggestions::ProposalId)
                            .uuid()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AllowListSuggestions::StaffId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AllowListSuggestions::State)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(timestamp(AllowListSuggestions::CreatedAt))
                    .col(
                        ColumnDef::new(AllowListSuggestions::DecidedBy)
                            .uuid()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AllowListSuggestions::DecidedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SafeguardingCases::Table)
                    .col(
                        ColumnDef::new(SafeguardingCases::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SafeguardingCases::SchoolId)
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SafeguardingCases::ProposalId).uuid().null())
                    .col(ColumnDef::new(SafeguardingCases::ChildId).uuid().null())
                    .col(ColumnDef::new(SafeguardingCases::ClassId).uuid().null())
                    .col(
                        ColumnDef::new(SafeguardingCases::OpenedByStaff)
                            .uuid()
                            .null(),
                    )
                    .col(ColumnDef::new(SafeguardingCases::Signals).json().not_null())
                    .col(ColumnDef::new(SafeguardingCases::Note).text().null())
                    .col(
                        ColumnDef::new(SafeguardingCases::State)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(timestamp(SafeguardingCases::OpenedAt))
                    .col(
                        ColumnDef::new(SafeguardingCases::ClosedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(SafeguardingCases::ClosedBy).uuid().null())
                    .col(ColumnDef::new(SafeguardingCases::ClosingNote).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_safeguarding_cases_school")
                    .table(SafeguardingCases::Table)
                    .col(SafeguardingCases::SchoolId)
                    .col(SafeguardingCases::State)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SafeguardingActions::Table)
                    .col(
                        ColumnDef::new(SafeguardingActions::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SafeguardingActions::CaseId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SafeguardingActions::Action)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SafeguardingActions::Body)
                            .string_len(100)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SafeguardingActions::OccurredOn)
                            .date()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SafeguardingActions::Reference)
                            .string_len(100)
                            .null(),
                    )
                    .col(ColumnDef::new(SafeguardingActions::Note).text().null())
                    .col(
                        ColumnDef::new(SafeguardingActions::RecordedBy)
                            .uuid()
                            .not_null(),
                    )
                    .col(timestamp(SafeguardingActions::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SafeguardingActions::Table, SafeguardingActions::CaseId)
                            .to(SafeguardingCases::Table, SafeguardingCases::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SafeguardingActions::Table.into_iden(),
            SafeguardingCases::Table.into_iden(),
            AllowListSuggestions::Table.into_iden(),
            ModerationLog::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            Proposals::Screening,
            Proposals::PublicAnswers,
            Proposals::PublicPlace,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Proposals::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
