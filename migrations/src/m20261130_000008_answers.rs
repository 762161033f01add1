//! Answers, publicity and the child's verdict: the department's answers (official text and a
//! text for the child), progress after an answer that promised action, duplicates linked to the
//! proposal answered for all of them, publications (what the public sees, anonymised, kept as
//! published), the child's ratings, and notifications for children's apps.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000008_answers"
    }
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Answers {
    Table,
    Id,
    TaskId,
    ProposalId,
    Outcome,
    OfficialText,
    ChildText,
    PlannedCompletion,
    CostYuan,
    AnsweredBy,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum ProgressUpdates {
    Table,
    Id,
    TaskId,
    Stage,
    Text,
    ChildText,
    PostedBy,
    At,
}

#[derive(DeriveIden)]
enum DuplicateLinks {
    Table,
    TaskId,
    DuplicateOf,
    LinkedBy,
    At,
}

#[derive(DeriveIden)]
enum Publications {
    Table,
    ProposalId,
    CampaignId,
    Topic,
    DepartmentId,
    Grade,
    SchoolName,
    Answers,
    Place,
    Media,
    PublishedBy,
    PublishedAt,
    WithdrawnAt,
}

#[derive(DeriveIden)]
enum Ratings {
    Table,
    Id,
    ProposalId,
    AnswerId,
    Rating,
    Comment,
    At,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    ChildId,
    ProposalId,
    Kind,
    Text,
    At,
    ReadAt,
}

fn uuid_key(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

fn timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn to_task(from: (Alias, Alias)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(Tasks::Table, Tasks::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Answers::Table)
                    .col(uuid_key(Answers::Id))
                    .col(ColumnDef::new(Answers::TaskId).uuid().not_null())
                    .col(ColumnDef::new(Answers::ProposalId).uuid().not_null())
                    .col(ColumnDef::new(Answers::Outcome).string_len(32).not_null())
                    .col(ColumnDef::new(Answers::OfficialText).text().not_null())
                    .col(ColumnDef::new(Answers::ChildText).text().not_null())
                    .col(ColumnDef::new(Answers::PlannedCompletion).date().null())
                    .col(ColumnDef::new(Answers::CostYuan).big_integer().null())
                    .col(ColumnDef::new(Answers::AnsweredBy).uuid().not_null())
                    .col(timestamp(Answers::AnsweredAt))
                    .foreign_key(&mut to_task((Alias::new("answers"), Alias::new("task_id"))))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("answers_proposal")
                    .table(Answers::Table)
                    .col(Answers::ProposalId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProgressUpdates::Table)
                    .col(uuid_key(ProgressUpdates::Id))
                    .col(ColumnDef::new(ProgressUpdates::TaskId).uuid().not_null())
                    .col(
                        ColumnDef::new(ProgressUpdates::Stage)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ProgressUpdates::Text).text().not_null())
                    .col(ColumnDef::new(ProgressUpdates::ChildText).text().not_null())
                    .col(ColumnDef::new(ProgressUpdates::PostedBy).uuid().not_null())
                    .col(timestamp(ProgressUpdates::At))
                    .foreign_key(&mut to_task((
                        Alias::new("progress_updates"),
                        Alias::new("task_id"),
                    )))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DuplicateLinks::Table)
                    .col(uuid_key(DuplicateLinks::TaskId))
                    .col(
                        ColumnDef::new(DuplicateLinks::DuplicateOf)
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(DuplicateLinks::LinkedBy).uuid().not_null())
                    .col(timestamp(DuplicateLinks::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("duplicate_links_of")
                    .table(DuplicateLinks::Table)
                    .col(DuplicateLinks::DuplicateOf)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Publications::Table)
                    .col(uuid_key(Publications::ProposalId))
                    .col(ColumnDef::new(Publications::CampaignId).uuid().not_null())
                    .col(
                        ColumnDef::new(Publications::Topic)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Publications::DepartmentId).uuid().null())
                    .col(ColumnDef::new(Publications::Grade).integer().not_null())
                    // None where fewer than five children of the class took part.
                    .col(
                        ColumnDef::new(Publications::SchoolName)
                            .string_len(100)
                            .null(),
                    )
                    .col(ColumnDef::new(Publications::Answers).json().not_null())
                    .col(ColumnDef::new(Publications::Place).text().null())
                    .col(ColumnDef::new(Publications::Media).json().not_null())
                    .col(ColumnDef::new(Publications::PublishedBy).uuid().null())
                    .col(timestamp(Publications::PublishedAt))
                    .col(
                        ColumnDef::new(Publications::WithdrawnAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Publications::Table, Publications::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("publications_campaign_published")
                    .table(Publications::Table)
                    .col(Publications::CampaignId)
                    .col(Publications::PublishedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Ratings::Table)
                    .col(uuid_key(Ratings::Id))
                    .col(ColumnDef::new(Ratings::ProposalId).uuid().not_null())
                    .col(ColumnDef::new(Ratings::AnswerId).uuid().not_null())
                    .col(ColumnDef::new(Ratings::Rating).string_len(16).not_null())
                    .col(ColumnDef::new(Ratings::Comment).text().null())
                    .col(timestamp(Ratings::At))
                    .to_owned(),
            )
            .await?;
        // One rating per answer.
        manager
            .create_index(
                Index::create()
                    .name("ratings_answer")
                    .table(Ratings::Table)
                    .col(Ratings::AnswerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(uuid_key(Notifications::Id))
                    .col(ColumnDef::new(Notifications::ChildId).uuid().not_null())
                    .col(ColumnDef::new(Notifications::ProposalId).uuid().not_null())
                    .col(
                        ColumnDef::new(Notifications::Kind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Notifications::Text).text().not_null())
                    .col(timestamp(Notifications::At))
                    .col(
                        ColumnDef::new(Notifications::ReadAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("notifications_child")
                    .table(Notifications::Table)
                    .col(Notifications::ChildId)
                    .col(Notifications::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Notifications::Table.into_iden(),
            Ratings::Table.into_iden(),
            Publications::Table.into_iden(),
            DuplicateLinks::Table.into_iden(),
            ProgressUpdates::Table.into_iden(),
            Answers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
