//! Campaigns (calls for ideas, with a form per age band), proposals with their two layers of
//! state, the event history of every change, and the outbox of what must happen next.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000004_proposals"
    }
}

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Children {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
    DistrictId,
    Title,
    Description,
    AllSchools,
    SchoolIds,
    Bands,
    Topics,
    OpensAt,
    ClosesAt,
    SignForDays,
    AnswerDays,
    Publication,
    Forms,
    State,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    CampaignId,
    ChildId,
    ClassId,
    SchoolId,
    Band,
    Topic,
    Answers,
    Place,
    ConsentToPublish,
    ClientSubmissionId,
    ContentHash,
    AssistedBy,
    SchoolState,
    GovernmentState,
    Reopened,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProposalEvents {
    Table,
    Id,
    ProposalId,
    At,
    ActorKind,
    ActorId,
    Layer,
    FromState,
    ToState,
    Reason,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    CreatedAt,
    Topic,
    Payload,
    ProcessedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Campaigns::Table)
                    .col(
                        ColumnDef::new(Campaigns::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Campaigns::DistrictId).uuid().not_null())
                    .col(ColumnDef::new(Campaigns::Title).string_len(200).not_null())
                    .col(ColumnDef::new(Campaigns::Description).text().not_null())
                    .col(ColumnDef::new(Campaigns::AllSchools).boolean().not_null())
                    .col(ColumnDef::new(Campaigns::SchoolIds).json().not_null())
                    .col(ColumnDef::new(Campaigns::Bands).json().not_null())
                    .col(ColumnDef::new(Campaigns::Topics).json().not_null())
                    .col(
                        ColumnDef::new(Campaigns::OpensAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Campaigns::ClosesAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Campaigns::SignForDays).integer().not_null())
                    .col(ColumnDef::new(Campaigns::AnswerDays).integer().not_null())
                    .col(
                        ColumnDef::new(Campaigns::Publication)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Campaigns::Forms).json().not_null())
                    .col(ColumnDef::new(Campaigns::State).string_len(16).not_null())
                    .col(ColumnDef::new(Campaigns::CreatedBy).uuid().not_null())
                    .col(
                        ColumnDef::new(Campaigns::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Campaigns::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Campaigns::Table, Campaigns::DistrictId)
                            .to(Districts::Table, Districts::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Proposals::Table)
                    .col(
                        ColumnDef::new(Proposals::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Proposals::CampaignId).uuid().not_null())
                    .col(ColumnDef::new(Proposals::ChildId).uuid().not_null())
                    .col(ColumnDef::new(Proposals::ClassId).uuid().not_null())
                    .col(ColumnDef::new(Proposals::SchoolId).uuid().not_null())
                    .col(ColumnDef::new(Proposals::Band).string_len(1).not_null())
                    .col(ColumnDef::new(Proposals::Topic).string_len(64).not_null())
                    .col(ColumnDef::new(Proposals::Answers).json().not_null())
                    .col(ColumnDef::new(Proposals::Place).string_len(200).null())
                    .col(
                        ColumnDef::new(Proposals::ConsentToPublish)
                            .boolean()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Proposals::ClientSubmissionId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Proposals::ContentHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Proposals::AssistedBy).uuid().null())
                    .col(
                        ColumnDef::new(Proposals::SchoolState)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Proposals::GovernmentState)
                            .string_len(32)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Proposals::Reopened)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Proposals::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Proposals::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Proposals::Table, Proposals::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Proposals::Table, Proposals::ChildId)
                            .to(Children::Table, Children::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("proposals_child_submission")
                    .table(Proposals::Table)
                    .col(Proposals::ChildId)
                    .col(Proposals::ClientSubmissionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProposalEvents::Table)
                    .col(
                        ColumnDef::new(ProposalEvents::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ProposalEvents::ProposalId).uuid().not_null())
                    .col(
                        ColumnDef::new(ProposalEvents::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProposalEvents::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ProposalEvents::ActorId).uuid().null())
                    .col(
                        ColumnDef::new(ProposalEvents::Layer)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProposalEvents::FromState)
                            .string_len(32)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ProposalEvents::ToState)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ProposalEvents::Reason).text().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProposalEvents::Table, ProposalEvents::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("proposal_events_proposal")
                    .table(ProposalEvents::Table)
                    .col(ProposalEvents::ProposalId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(
                        ColumnDef::new(Outbox::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Outbox::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Outbox::Topic).string_len(64).not_null())
                    .col(ColumnDef::new(Outbox::Payload).json().not_null())
                    .col(
                        ColumnDef::new(Outbox::ProcessedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Outbox::Table.into_iden(),
            ProposalEvents::Table.into_iden(),
            Proposals::Table.into_iden(),
            Campaigns::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
