//! The plan's mechanism (issue 20): the district's townships and subdistricts as areas and as
//! responsible units with queues of their own; a proposal's area and short reference; children
//! backing published proposals; pauses of the standing channel; the plan's measures each topic
//! serves; and the policy changes departments record against adopted proposals.
//!
//! The areas are Shangyu's 7 subdistricts (街道), 10 towns (镇) and 3 townships (乡), as the
//! district government lists its administrative divisions (上虞区人民政府门户网站, 行政区划,
//! as of 2024); coordinators correct the list through the API if it changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::prelude::Uuid;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000013_plan_mechanism"
    }
}

/// (code, name, kind).
const AREAS: &[(&str, &str, &str)] = &[
    ("baiguan", "百官街道", "subdistrict"),
    ("caoe", "曹娥街道", "subdistrict"),
    ("dongguan", "东关街道", "subdistrict"),
    ("daoxu", "道墟街道", "subdistrict"),
    ("lianghu", "梁湖街道", "subdistrict"),
    ("xiaoyue", "小越街道", "subdistrict"),
    ("songxia", "崧厦街道", "subdistrict"),
    ("fenghui", "丰惠镇", "town"),
    ("shangpu", "上浦镇", "town"),
    ("tangpu", "汤浦镇", "town"),
    ("yonghe", "永和镇", "town"),
    ("yiting", "驿亭镇", "town"),
    ("changtang", "长塘镇", "town"),
    ("xietang", "谢塘镇", "town"),
    ("gaibei", "盖北镇", "town"),
    ("xiaguan", "下管镇", "town"),
    ("zhangzhen", "章镇镇", "town"),
    ("lingnan", "岭南乡", "township"),
    ("chenxi", "陈溪乡", "township"),
    ("dingzhai", "丁宅乡", "township"),
];

/// The measures each topic serves, by default (coordinators re-map).
const TOPIC_MEASURES: &[(&str, &[i32])] = &[
    ("places_to_play", &[2, 15, 16]),
    ("way_to_school", &[15, 23]),
    ("school_life", &[6, 21]),
    ("sport_and_events", &[7, 17]),
    ("health", &[8, 9]),
    ("safety", &[18, 21, 23]),
    ("life_online", &[20]),
    ("family", &[19]),
    ("help_for_children", &[10, 11, 12, 13]),
    ("rights_and_law", &[14, 22]),
    ("culture", &[24, 25, 26, 27]),
    ("having_a_say", &[3]),
];

const SHANGYU_ID: &str = "0193e0a0-0000-7000-8000-000000000001";

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    AreaCode,
    Reference,
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

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
    DistrictId,
    Code,
    NameZh,
    NameEn,
}

#[derive(DeriveIden)]
enum Backings {
    Table,
    ProposalId,
    ChildId,
    SchoolId,
    At,
}

#[derive(DeriveIden)]
enum StandingPauses {
    Table,
    Scope,
    PausedBy,
    PausedAt,
}

#[derive(DeriveIden)]
enum TopicMeasures {
    Table,
    Topic,
    Measure,
}

#[derive(DeriveIden)]
enum PolicyChanges {
    Table,
    Id,
    ProposalId,
    DepartmentId,
    Text,
    Link,
    RecordedBy,
    At,
}

fn uuid(text: &str) -> Result<Uuid, DbErr> {
    Uuid::parse_str(text).map_err(|e| DbErr::Migration(e.to_string()))
}

fn timestamp<T: IntoIden>(column: T) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            ColumnDef::new(Proposals::AreaCode)
                .string_len(64)
                .null()
                .to_owned(),
            ColumnDef::new(Proposals::Reference)
                .string_len(16)
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
            .create_index(
                Index::create()
                    .name("proposals_reference")
                    .table(Proposals::Table)
                    .col(Proposals::Reference)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Backings::Table)
                    .col(ColumnDef::new(Backings::ProposalId).uuid().not_null())
                    .col(ColumnDef::new(Backings::ChildId).uuid().not_null())
                    .col(ColumnDef::new(Backings::SchoolId).uuid().not_null())
                    .col(timestamp(Backings::At))
                    .primary_key(
                        Index::create()
                            .col(Backings::ProposalId)
                            .col(Backings::ChildId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Backings::Table, Backings::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("backings_child")
                    .table(Backings::Table)
                    .col(Backings::ChildId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StandingPauses::Table)
                    .col(
                        ColumnDef::new(StandingPauses::Scope)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(StandingPauses::PausedBy).uuid().not_null())
                    .col(timestamp(StandingPauses::PausedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TopicMeasures::Table)
                    .col(
                        ColumnDef::new(TopicMeasures::Topic)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(TopicMeasures::Measure).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(TopicMeasures::Topic)
                            .col(TopicMeasures::Measure),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PolicyChanges::Table)
                    .col(
                        ColumnDef::new(PolicyChanges::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(PolicyChanges::ProposalId).uuid().not_null())
                    .col(
                        ColumnDef::new(PolicyChanges::DepartmentId)
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(PolicyChanges::Text).text().not_null())
                    .col(ColumnDef::new(PolicyChanges::Link).string_len(500).null())
                    .col(ColumnDef::new(PolicyChanges::RecordedBy).uuid().not_null())
                    .col(timestamp(PolicyChanges::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PolicyChanges::Table, PolicyChanges::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        seed(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("proposals_reference")
                    .table(Proposals::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Proposals::AreaCode, Proposals::Reference] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Proposals::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for index in 1..=AREAS.len() {
            let unit = uuid(&format!("0193e0a0-0000-7000-8003-{index:012x}"))?;
            let area = uuid(&format!("0193e0a0-0000-7000-8004-{index:012x}"))?;
            manager
                .exec_stmt(
                    Query::delete()
                        .from_table(Departments::Table)
                        .and_where(Expr::col(Departments::Id).eq(unit))
                        .to_owned(),
                )
                .await?;
            manager
                .exec_stmt(
                    Query::delete()
                        .from_table(Areas::Table)
                        .and_where(Expr::col(Areas::Id).eq(area))
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            PolicyChanges::Table.into_iden(),
            TopicMeasures::Table.into_iden(),
            StandingPauses::Table.into_iden(),
            Backings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn seed(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let district = uuid(SHANGYU_ID)?;
    for (index, (code, name, kind)) in AREAS.iter().enumerate() {
        // Fixed ids, as for the bureaus: the same unit has the same id everywhere.
        let area = uuid(&format!("0193e0a0-0000-7000-8004-{:012x}", index + 1))?;
        let unit = uuid(&format!("0193e0a0-0000-7000-8003-{:012x}", index + 1))?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Areas::Table)
                    .columns([
                        Areas::Id,
                        Areas::DistrictId,
                        Areas::Code,
                        Areas::NameZh,
                        Areas::Kind,
                        Areas::CreatedAt,
                    ])
                    .values_panic([
                        area.into(),
                        district.into(),
                        (*code).into(),
                        (*name).into(),
                        (*kind).into(),
                        Expr::current_timestamp(),
                    ])
                    .on_conflict(OnConflict::column(Areas::Code).do_nothing().to_owned())
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Departments::Table)
                    .columns([
                        Departments::Id,
                        Departments::DistrictId,
                        Departments::Code,
                        Departments::NameZh,
                        Departments::NameEn,
                    ])
                    .values_panic([
                        unit.into(),
                        district.into(),
                        (*code).into(),
                        (*name).into(),
                        format!("{code} ({kind})").into(),
                    ])
                    .on_conflict(
                        OnConflict::columns([Departments::DistrictId, Departments::Code])
                            .do_nothing()
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
    }
    let mut insert = Query::insert();
    insert
        .into_table(TopicMeasures::Table)
        .columns([TopicMeasures::Topic, TopicMeasures::Measure]);
    for (topic, measures) in TOPIC_MEASURES {
        for measure in *measures {
            insert.values_panic([(*topic).into(), (*measure).into()]);
        }
    }
    manager.exec_stmt(insert.to_owned()).await
}
