//! No safeguarding case left unseen: when a case must be acknowledged by (working hours after it
//! opened), when and by whom it was, when it went up to the district's safeguarding leads (no
//! lead at the school, or not acknowledged in time), and how it was closed (reported to whom and
//! when, or why no report was needed). Stored notifications for staff (a case for the lead).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000010_case_oversight"
    }
}

#[derive(DeriveIden)]
enum SafeguardingCases {
    Table,
    OpenedAt,
    AcknowledgeDue,
    AcknowledgedAt,
    AcknowledgedBy,
    EscalatedAt,
    Outcome,
    ReportedTo,
    ReportedOn,
    NoReportReason,
}

#[derive(DeriveIden)]
enum StaffNotifications {
    Table,
    Id,
    StaffId,
    Kind,
    CaseId,
    CreatedAt,
    ReadAt,
}

fn columns() -> Vec<ColumnDef> {
    use SafeguardingCases as C;
    vec![
        ColumnDef::new(C::AcknowledgeDue)
            .timestamp_with_time_zone()
            .null()
            .to_owned(),
        ColumnDef::new(C::AcknowledgedAt)
            .timestamp_with_time_zone()
            .null()
            .to_owned(),
        ColumnDef::new(C::AcknowledgedBy).uuid().null().to_owned(),
        ColumnDef::new(C::EscalatedAt)
            .timestamp_with_time_zone()
            .null()
            .to_owned(),
        ColumnDef::new(C::Outcome).string_len(32).null().to_owned(),
        ColumnDef::new(C::ReportedTo)
            .string_len(200)
            .null()
            .to_owned(),
        ColumnDef::new(C::ReportedOn).date().null().to_owned(),
        ColumnDef::new(C::NoReportReason).text().null().to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters one thing at a time.
        for mut column in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(SafeguardingCases::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // Cases opened before this: due at once, so none is left unseen.
        manager
            .exec_stmt(
                Query::update()
                    .table(SafeguardingCases::Table)
                    .value(
                        SafeguardingCases::AcknowledgeDue,
                        Expr::col(SafeguardingCases::OpenedAt),
                    )
                    .and_where(Expr::col(SafeguardingCases::AcknowledgeDue).is_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffNotifications::Table)
                    .col(
                        ColumnDef::new(StaffNotifications::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(StaffNotifications::StaffId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StaffNotifications::Kind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(StaffNotifications::CaseId).uuid().null())
                    .col(
                        ColumnDef::new(StaffNotifications::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StaffNotifications::ReadAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("staff_notifications_by_staff")
                    .table(StaffNotifications::Table)
                    .col(StaffNotifications::StaffId)
                    .col(StaffNotifications::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffNotifications::Table).to_owned())
            .await?;
        for column in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(SafeguardingCases::Table)
                        .drop_column(column.get_column_name())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
