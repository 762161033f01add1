//! Who is who: schools, classes, children (pseudonyms only), staff, sessions, badges, guardian
//! consent, and the append-only access log of staff reads of children's data.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000002_identity"
    }
}

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
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
enum Children {
    Table,
    Id,
    ClassId,
    Pseudonym,
    BirthYear,
    BirthMonth,
    PinDigest,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
    DistrictId,
    Username,
    PasswordHash,
    DisplayName,
    Role,
    SchoolId,
    DepartmentId,
    CreatedAt,
    DisabledAt,
}

#[derive(DeriveIden)]
enum ClassTeachers {
    Table,
    ClassId,
    StaffId,
}

#[derive(DeriveIden)]
enum GuardianConsents {
    Table,
    Id,
    ChildId,
    Method,
    GivenOn,
    Relation,
    RecordedBy,
    RecordedAt,
    WithdrawnAt,
    WithdrawnBy,
}

#[derive(DeriveIden)]
enum Badges {
    Table,
    Id,
    ChildId,
    TokenDigest,
    IssuedBy,
    IssuedAt,
    VoidedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    TokenDigest,
    ChildId,
    StaffId,
    BadgeId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    IdleTimeoutSeconds,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AccessLog {
    Table,
    Id,
    At,
    StaffId,
    ChildId,
    Operation,
    RequestId,
}

fn id<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

fn uuid<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().to_owned()
}

fn optional_uuid<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).uuid().null().to_owned()
}

fn text<T: IntoIden>(name: T, length: u32) -> ColumnDef {
    ColumnDef::new(name)
        .string_len(length)
        .not_null()
        .to_owned()
}

fn at<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn optional_at<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn fk<A: IntoIden, B: IntoIden, C: IntoIden, D: IntoIden>(
    table: A,
    column: B,
    to: C,
    to_column: D,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, to_column)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Schools::Table)
                    .col(id(Schools::Id))
                    .col(uuid(Schools::DistrictId))
                    .col(text(Schools::Code, 64).unique_key().to_owned())
                    .col(text(Schools::NameZh, 200))
                    .col(at(Schools::CreatedAt))
                    .foreign_key(&mut fk(
                        Schools::Table,
                        Schools::DistrictId,
                        Districts::Table,
                        Districts::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Classes::Table)
                    .col(id(Classes::Id))
                    .col(uuid(Classes::SchoolId))
                    .col(text(Classes::Code, 16).unique_key().to_owned())
                    .col(ColumnDef::new(Classes::Grade).small_integer().not_null())
                    .col(text(Classes::Name, 50))
                    .col(ColumnDef::new(Classes::SchoolYear).integer().not_null())
                    .col(
                        ColumnDef::new(Classes::FailedSignIns)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Classes::SignInLocked)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(at(Classes::CreatedAt))
                    .foreign_key(&mut fk(
                        Classes::Table,
                        Classes::SchoolId,
                        Schools::Table,
                        Schools::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Children::Table)
                    .col(id(Children::Id))
                    .col(uuid(Children::ClassId))
                    .col(text(Children::Pseudonym, 32))
                    .col(ColumnDef::new(Children::BirthYear).integer().not_null())
                    .col(
                        ColumnDef::new(Children::BirthMonth)
                            .small_integer()
                            .not_null(),
                    )
                    .col(text(Children::PinDigest, 64))
                    .col(at(Children::CreatedAt))
                    .foreign_key(&mut fk(
                        Children::Table,
                        Children::ClassId,
                        Classes::Table,
                        Classes::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Staff::Table)
                    .col(id(Staff::Id))
                    .col(uuid(Staff::DistrictId))
                    .col(text(Staff::Username, 64).unique_key().to_owned())
                    .col(text(Staff::PasswordHash, 200))
                    .col(text(Staff::DisplayName, 100))
                    .col(text(Staff::Role, 32))
                    .col(optional_uuid(Staff::SchoolId))
                    .col(optional_uuid(Staff::DepartmentId))
                    .col(at(Staff::CreatedAt))
                    .col(optional_at(Staff::DisabledAt))
                    .foreign_key(&mut fk(
                        Staff::Table,
                        Staff::DistrictId,
                        Districts::Table,
                        Districts::Id,
                    ))
                    .foreign_key(&mut fk(
                        Staff::Table,
                        Staff::SchoolId,
                        Schools::Table,
                        Schools::Id,
                    ))
                    .foreign_key(&mut fk(
                        Staff::Table,
                        Staff::DepartmentId,
                        Departments::Table,
                        Departments::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClassTeachers::Table)
                    .col(uuid(ClassTeachers::ClassId))
                    .col(uuid(ClassTeachers::StaffId))
                    .primary_key(
                        Index::create()
                            .col(ClassTeachers::ClassId)
                            .col(ClassTeachers::StaffId),
                    )
                    .foreign_key(&mut fk(
                        ClassTeachers::Table,
                        ClassTeachers::ClassId,
                        Classes::Table,
                        Classes::Id,
                    ))
                    .foreign_key(&mut fk(
                        ClassTeachers::Table,
                        ClassTeachers::StaffId,
                        Staff::Table,
                        Staff::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GuardianConsents::Table)
                    .col(id(GuardianConsents::Id))
                    .col(uuid(GuardianConsents::ChildId))
                    .col(text(GuardianConsents::Method, 32))
                    .col(ColumnDef::new(GuardianConsents::GivenOn).date().not_null())
                    .col(text(GuardianConsents::Relation, 32))
                    .col(uuid(GuardianConsents::RecordedBy))
                    .col(at(GuardianConsents::RecordedAt))
                    .col(optional_at(GuardianConsents::WithdrawnAt))
                    .col(optional_uuid(GuardianConsents::WithdrawnBy))
                    .foreign_key(&mut fk(
                        GuardianConsents::Table,
                        GuardianConsents::ChildId,
                        Children::Table,
                        Children::Id,
                    ))
                    .foreign_key(&mut fk(
                        GuardianConsents::Table,
                        GuardianConsents::RecordedBy,
                        Staff::Table,
                        Staff::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Badges::Table)
                    .col(id(Badges::Id))
                    .col(uuid(Badges::ChildId))
                    .col(text(Badges::TokenDigest, 64).unique_key().to_owned())
                    .col(uuid(Badges::IssuedBy))
                    .col(at(Badges::IssuedAt))
                    .col(optional_at(Badges::VoidedAt))
                    .foreign_key(&mut fk(
                        Badges::Table,
                        Badges::ChildId,
                        Children::Table,
                        Children::Id,
                    ))
                    .foreign_key(&mut fk(
                        Badges::Table,
                        Badges::IssuedBy,
                        Staff::Table,
                        Staff::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(id(Sessions::Id))
                    .col(text(Sessions::TokenDigest, 64).unique_key().to_owned())
                    .col(optional_uuid(Sessions::ChildId))
                    .col(optional_uuid(Sessions::StaffId))
                    .col(optional_uuid(Sessions::BadgeId))
                    .col(at(Sessions::CreatedAt))
                    .col(at(Sessions::LastSeenAt))
                    .col(at(Sessions::ExpiresAt))
                    .col(
                        ColumnDef::new(Sessions::IdleTimeoutSeconds)
                            .integer()
                            .null(),
                    )
                    .col(optional_at(Sessions::RevokedAt))
                    .foreign_key(&mut fk(
                        Sessions::Table,
                        Sessions::ChildId,
                        Children::Table,
                        Children::Id,
                    ))
                    .foreign_key(&mut fk(
                        Sessions::Table,
                        Sessions::StaffId,
                        Staff::Table,
                        Staff::Id,
                    ))
                    .foreign_key(&mut fk(
                        Sessions::Table,
                        Sessions::BadgeId,
                        Badges::Table,
                        Badges::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccessLog::Table)
                    .col(
                        ColumnDef::new(AccessLog::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(at(AccessLog::At))
                    .col(uuid(AccessLog::StaffId))
                    .col(uuid(AccessLog::ChildId))
                    .col(text(AccessLog::Operation, 64))
                    .col(text(AccessLog::RequestId, 64))
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in [
            (
                "children_class_pin",
                Children::Table.into_iden(),
                vec![
                    Children::ClassId.into_iden(),
                    Children::PinDigest.into_iden(),
                ],
            ),
            (
                "badges_child",
                Badges::Table.into_iden(),
                vec![Badges::ChildId.into_iden()],
            ),
            (
                "sessions_child",
                Sessions::Table.into_iden(),
                vec![Sessions::ChildId.into_iden()],
            ),
            (
                "sessions_staff",
                Sessions::Table.into_iden(),
                vec![Sessions::StaffId.into_iden()],
            ),
            (
                "consents_child",
                GuardianConsents::Table.into_iden(),
                vec![GuardianConsents::ChildId.into_iden()],
            ),
            (
                "access_log_child",
                AccessLog::Table.into_iden(),
                vec![AccessLog::ChildId.into_iden()],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(table);
            for column in columns {
                index.col(column);
            }
            if name == "children_class_pin" {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        append_only(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS access_log_append_only() CASCADE")
                .await?;
        }
        for table in [
            AccessLog::Table.into_iden(),
            Sessions::Table.into_iden(),
            Badges::Table.into_iden(),
            GuardianConsents::Table.into_iden(),
            ClassTeachers::Table.into_iden(),
            Staff::Table.into_iden(),
            Children::Table.into_iden(),
            Classes::Table.into_iden(),
            Schools::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// The access log can be appended to and read, never changed: on both backends a trigger
/// refuses UPDATE and DELETE, whoever asks (the app connects as the table's owner, so a REVOKE
/// alone would not hold).
async fn append_only(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION 'access_log is append-only'; END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON access_log \
                 FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()",
            )
            .await?;
        }
        _ => {
            for action in ["UPDATE", "DELETE"] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER access_log_no_{lower} BEFORE {action} ON access_log \
                     BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END",
                    lower = action.to_lowercase()
                ))
                .await?;
            }
        }
    }
    Ok(())
}
