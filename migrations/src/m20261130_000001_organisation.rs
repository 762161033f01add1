//! The district and the departments that answer children's proposals.
//!
//! The departments are every responsible unit (责任单位) named in the district's child-friendly
//! city action plan 2025-2027 (`shared/reference/`). The plan also names 各乡镇街道 (the townships
//! and subdistricts); they are areas, not a queue, and arrive with the areas table.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000001_organisation"
    }
}

/// The first district. Its id is fixed so that seed data in later migrations can name it.
pub const SHANGYU_ID: &str = "0193e0a0-0000-7000-8000-000000000001";

/// (code, Chinese name as the plan writes it, English name)
const DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("education_sports", "教体局", "Education and Sports Bureau"),
    ("health", "卫健局", "Health Bureau"),
    ("womens_federation", "妇联", "Women's Federation"),
    ("public_security", "公安分局", "Public Security Sub-bureau"),
    ("civil_affairs", "民政局", "Civil Affairs Bureau"),
    ("construction", "建设局", "Construction Bureau"),
    ("youth_league", "团委", "Communist Youth League Committee"),
    (
        "natural_resources",
        "资规分局",
        "Natural Resources and Planning Sub-bureau",
    ),
    ("transport", "交通局", "Transport Bureau"),
    (
        "culture_tourism",
        "文广旅游局",
        "Culture, Radio, Television and Tourism Bureau",
    ),
    ("disabled_persons", "残联", "Disabled Persons' Federation"),
    ("justice", "司法局", "Justice Bureau"),
    (
        "development_reform",
        "发改局",
        "Development and Reform Bureau",
    ),
    ("social_work", "社工部", "Social Work Department"),
    (
        "veteran_cadres",
        "老干部局〈关工委〉",
        "Veteran Cadres Bureau (Working Committee for the Care of the Next Generation)",
    ),
    ("procuratorate", "检察院", "People's Procuratorate"),
    ("organisation", "组织部", "Organisation Department"),
    ("publicity", "宣传部", "Publicity Department"),
    (
        "cyberspace",
        "宣传部〈网信办〉",
        "Publicity Department (Cyberspace Affairs Office)",
    ),
    (
        "agriculture_rural",
        "农业农村局",
        "Agriculture and Rural Affairs Bureau",
    ),
    (
        "political_legal",
        "政法委",
        "Political and Legal Affairs Commission",
    ),
    (
        "science_association",
        "科协",
        "Association for Science and Technology",
    ),
    (
        "medical_security",
        "医保分局",
        "Medical Security Sub-bureau",
    ),
    ("finance", "财政局", "Finance Bureau"),
    ("water_resources", "水利局", "Water Resources Bureau"),
    (
        "culture_tourism_group",
        "文旅集团",
        "Culture and Tourism Group",
    ),
    (
        "emergency_management",
        "应急管理局",
        "Emergency Management Bureau",
    ),
    (
        "law_enforcement",
        "综合执法局",
        "Comprehensive Administrative Law Enforcement Bureau",
    ),
    (
        "discipline_inspection",
        "区纪委监委",
        "District Commission for Discipline Inspection and Supervision",
    ),
    (
        "market_regulation",
        "市场监管局",
        "Market Regulation Bureau",
    ),
    ("court", "法院", "People's Court"),
    (
        "arts_federation",
        "文联",
        "Federation of Literary and Art Circles",
    ),
    (
        "economy_it",
        "经信局",
        "Economy and Information Technology Bureau",
    ),
];

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
    Code,
    NameZh,
    NameEn,
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
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Districts::Table)
                    .col(
                        ColumnDef::new(Districts::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Districts::Code)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Districts::NameZh).string_len(200).not_null())
                    .col(ColumnDef::new(Districts::NameEn).string_len(200).not_null())
                    .col(timestamp(Districts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Departments::Table)
                    .col(
                        ColumnDef::new(Departments::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Departments::DistrictId).uuid().not_null())
                    .col(ColumnDef::new(Departments::Code).string_len(64).not_null())
                    .col(
                        ColumnDef::new(Departments::NameZh)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Departments::NameEn)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(timestamp(Departments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Departments::Table, Departments::DistrictId)
                            .to(Districts::Table, Districts::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("departments_district_code")
                    .table(Departments::Table)
                    .col(Departments::DistrictId)
                    .col(Departments::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        seed(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Departments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Districts::Table).to_owned())
            .await
    }
}

fn timestamp<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .default(Expr::current_timestamp())
        .to_owned()
}

async fn seed(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let district = uuid(SHANGYU_ID)?;
    manager
        .exec_stmt(
            Query::insert()
                .into_table(Districts::Table)
                .columns([
                    Districts::Id,
                    Districts::Code,
                    Districts::NameZh,
                    Districts::NameEn,
                ])
                .values_panic([
                    district.into(),
                    "shangyu".into(),
                    "上虞区".into(),
                    "Shangyu District".into(),
                ])
                .to_owned(),
        )
        .await?;
    let mut insert = Query::insert();
    insert.into_table(Departments::Table).columns([
        Departments::Id,
        Departments::DistrictId,
        Departments::Code,
        Departments::NameZh,
        Departments::NameEn,
    ]);
    for (index, (code, name_zh, name_en)) in DEPARTMENTS.iter().enumerate() {
        // Fixed ids: the same department has the same id on every installation.
        let id = uuid(&format!("0193e0a0-0000-7000-8001-{:012x}", index + 1))?;
        insert.values_panic([
            id.into(),
            district.into(),
            (*code).into(),
            (*name_zh).into(),
            (*name_en).into(),
        ]);
    }
    manager.exec_stmt(insert.to_owned()).await
}

fn uuid(text: &str) -> Result<sea_orm::prelude::Uuid, DbErr> {
    sea_orm::prelude::Uuid::parse_str(text).map_err(|e| DbErr::Migration(e.to_string()))
}
