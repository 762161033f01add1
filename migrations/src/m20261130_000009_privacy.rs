//! The privacy lifecycle: when a child left the school (for retention), teachers' requests for a
//! child's data export or erasure and coordinators' decisions, the record of privacy events
//! (consent withdrawn, items unpublished, erasures), and the anonymous district record that an
//! erased child's proposals are kept under: a school, class and child holding nothing about
//! anyone, with fixed ids.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000009_privacy"
    }
}

/// The anonymous record's ids and code, the same on every installation.
pub const ERASED_SCHOOL: &str = "0193e0a0-0000-7000-8009-000000000001";
pub const ERASED_CLASS: &str = "0193e0a0-0000-7000-8009-000000000002";
pub const ERASED_CHILD: &str = "0193e0a0-0000-7000-8009-000000000003";
const DISTRICT: &str = "0193e0a0-0000-7000-8000-000000000001";

#[derive(DeriveIden)]
enum Children {
    Table,
    Id,
    ClassId,
    Pseudonym,
    BirthYear,
    BirthMonth,
    PinDigest,
    CreatedAt,
    LeftAt,
}

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
    DistrictId,
    Code,
    NameZh,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Classes {
    Table,
    Id,
    SchoolId,
    Code,
    Grade,
    Name,
    SchoolYear,
    FailedSignIns,
    SignInLocked,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PrivacyRequests {
    Table,
    Id,
    ChildId,
    Kind,
    Reason,
    FiledBy,
    FiledAt,
    State,
    DecidedBy,
    DecidedAt,
    DoneAt,
}

#[derive(DeriveIden)]
enum PrivacyEvents {
    Table,
    Id,
    ChildId,
    Kind,
    Detail,
    StaffId,
    At,
}

fn uuid(text: &str) -> Result<sea_orm::prelude::Uuid, DbErr> {
    sea_orm::prelude::Uuid::parse_str(text).map_err(|e| DbErr::Migration(e.to_string()))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Children::Table)
                    .add_column(
                        ColumnDef::new(Children::LeftAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PrivacyRequests::Table)
                    .col(
                        ColumnDef::new(PrivacyRequests::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    // Kept after the erasure it asked for: an id that names no one any more.
                    .col(ColumnDef::new(PrivacyRequests::ChildId).uuid().not_null())
                    .col(
                        ColumnDef::new(PrivacyRequests::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(PrivacyRequests::Reason).text().null())
                    .col(ColumnDef::new(PrivacyRequests::FiledBy).uuid().not_null())
                    .col(
                        ColumnDef::new(PrivacyRequests::FiledAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PrivacyRequests::State)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(PrivacyRequests::DecidedBy).uuid().null())
                    .col(
                        ColumnDef::new(PrivacyRequests::DecidedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(PrivacyRequests::DoneAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PrivacyEvents::Table)
                    .col(
                        ColumnDef::new(PrivacyEvents::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(PrivacyEvents::ChildId).uuid().null())
                    .col(
                        ColumnDef::new(PrivacyEvents::Kind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(PrivacyEvents::Detail).text().null())
                    .col(ColumnDef::new(PrivacyEvents::StaffId).uuid().null())
                    .col(
                        ColumnDef::new(PrivacyEvents::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        let created = sea_orm::prelude::ChronoDateTimeUtc::default();
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Schools::Table)
                    .columns([
                        Schools::Id,
                        Schools::DistrictId,
                        Schools::Code,
                        Schools::NameZh,
                        Schools::CreatedAt,
                    ])
                    .values_panic([
                        uuid(ERASED_SCHOOL)?.into(),
                        uuid(DISTRICT)?.into(),
                        "erased".into(),
                        "（已删除）".into(),
                        created.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Classes::Table)
                    .columns([
                        Classes::Id,
                        Classes::SchoolId,
                        Classes::Code,
                        Classes::Grade,
                        Classes::Name,
                        Classes::SchoolYear,
                        Classes::FailedSignIns,
                        Classes::SignInLocked,
                        Classes::CreatedAt,
                    ])
                    .values_panic([
                        uuid(ERASED_CLASS)?.into(),
                        uuid(ERASED_SCHOOL)?.into(),
                        // Not a code the class-code alphabet can make: no one signs in here.
                        "------".into(),
                        1i16.into(),
                        "（已删除）".into(),
                        0i32.into(),
                        0i32.into(),
                        true.into(),
                        created.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Children::Table)
                    .columns([
                        Children::Id,
                        Children::ClassId,
                        Children::Pseudonym,
                        Children::BirthYear,
                        Children::BirthMonth,
                        Children::PinDigest,
                        Children::CreatedAt,
                    ])
                    .values_panic([
                        uuid(ERASED_CHILD)?.into(),
                        uuid(ERASED_CLASS)?.into(),
                        "（已删除）".into(),
                        1970i32.into(),
                        1i16.into(),
                        // Matches no PIN's digest.
                        "-".into(),
                        created.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PrivacyEvents::Table.into_iden(),
            PrivacyRequests::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for (table, id) in [
            (Children::Table.into_iden(), ERASED_CHILD),
            (Classes::Table.into_iden(), ERASED_CLASS),
            (Schools::Table.into_iden(), ERASED_SCHOOL),
        ] {
            manager
                .exec_stmt(
                    Query::delete()
                        .from_table(table)
                        .and_where(Expr::col(Alias::new("id")).eq(uuid(id)?))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Children::Table)
                    .drop_column(Children::LeftAt)
                    .to_owned(),
            )
            .await
    }
}
