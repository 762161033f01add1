//! Routing and the departments' task queues (DESIGN §5, §6): the routing table (topic, and
//! optionally area, to a lead department and co-departments) with every change kept, seeded from
//! the design's table; tasks with their working-day deadlines; each task's events (sign-for,
//! notes, bounces, reminders, escalations); and extension requests.

use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000007_routing"
    }
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RoutingRules {
    Table,
    Id,
    Topic,
    AreaCode,
    LeadDepartmentId,
    CoDepartmentIds,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RoutingRuleChanges {
    Table,
    Id,
    Topic,
    AreaCode,
    LeadDepartmentId,
    CoDepartmentIds,
    ChangedBy,
    ChangedAt,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    ProposalId,
    CampaignId,
    Topic,
    DepartmentId,
    CoDepartmentIds,
    State,
    SignForDue,
    AnswerDue,
    Due,
    SignedForAt,
    SignedForBy,
    RemindedAt,
    EscalatedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TaskEvents {
    Table,
    Id,
    TaskId,
    Kind,
    DepartmentId,
    StaffId,
    Text,
    At,
}

#[derive(DeriveIden)]
enum ExtensionRequests {
    Table,
    Id,
    TaskId,
    WorkingDays,
    Reason,
    RequestedBy,
    RequestedAt,
    State,
    DecidedBy,
    DecidedAt,
    DecisionNote,
}

/// The design's default routing: topic, lead department's code (none: the coordinators' triage
/// queue), co-departments' codes.
const DEFAULT_ROUTES: [(&str, Option<&str>, &[&str]); 13] = [
    ("places_to_play", Some("construction"), &[]),
    ("way_to_school", Some("transport"), &["public_security"]),
    ("school_life", Some("education_sports"), &[]),
    ("sport_and_events", Some("education_sports"), &[]),
    ("health", Some("health"), &[]),
    (
        "safety",
        Some("emergency_management"),
        &["education_sports"],
    ),
    ("life_online", Some("cyberspace"), &[]),
    ("family", Some("womens_federation"), &[]),
    ("help_for_children", Some("civil_affairs"), &[]),
    ("rights_and_law", Some("justice"), &[]),
    ("culture", Some("culture_tourism"), &[]),
    ("having_a_say", Some("womens_federation"), &["youth_league"]),
    ("something_else", None, &[]),
];

fn id_column(column: impl IntoIden) -> ColumnDef {
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

fn optional_timestamp(column: impl IntoIden) -> ColumnDef {
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
                    .table(RoutingRules::Table)
                    .col(id_column(RoutingRules::Id))
                    .col(
                        ColumnDef::new(RoutingRules::Topic)
                            .string_len(64)
                            .not_null(),
                    )
                    // Empty: any area.
                    .col(
                        ColumnDef::new(RoutingRules::AreaCode)
                            .string_len(12)
                            .not_null(),
                    )
                    .col(ColumnDef::new(RoutingRules::LeadDepartmentId).uuid().null())
                    .col(
                        ColumnDef::new(RoutingRules::CoDepartmentIds)
                            .json()
                            .not_null(),
                    )
                    .col(ColumnDef::new(RoutingRules::UpdatedBy).uuid().null())
                    .col(timestamp(RoutingRules::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("routing_rules_topic_area")
                    .table(RoutingRules::Table)
                    .col(RoutingRules::Topic)
                    .col(RoutingRules::AreaCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoutingRuleChanges::Table)
                    .col(id_column(RoutingRuleChanges::Id))
                    .col(
                        ColumnDef::new(RoutingRuleChanges::Topic)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RoutingRuleChanges::AreaCode)
                            .string_len(12)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RoutingRuleChanges::LeadDepartmentId)
                            .uuid()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RoutingRuleChanges::CoDepartmentIds)
                            .json()
                            .not_null(),
                    )
                    .col(ColumnDef::new(RoutingRuleChanges::ChangedBy).uuid().null())
                    .col(timestamp(RoutingRuleChanges::ChangedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Tasks::Table)
                    .col(id_column(Tasks::Id))
                    .col(ColumnDef::new(Tasks::ProposalId).uuid().not_null())
                    .col(ColumnDef::new(Tasks::CampaignId).uuid().not_null())
                    .col(ColumnDef::new(Tasks::Topic).string_len(64).not_null())
                    // None: in the coordinators' triage queue.
                    .col(ColumnDef::new(Tasks::DepartmentId).uuid().null())
                    .col(ColumnDef::new(Tasks::CoDepartmentIds).json().not_null())
                    .col(ColumnDef::new(Tasks::State).string_len(32).not_null())
                    .col(ColumnDef::new(Tasks::SignForDue).date().not_null())
                    .col(ColumnDef::new(Tasks::AnswerDue).date().not_null())
                    // The deadline that runs now: signing for, then answering.
                    .col(ColumnDef::new(Tasks::Due).date().not_null())
                    .col(optional_timestamp(Tasks::SignedForAt))
                    .col(ColumnDef::new(Tasks::SignedForBy).uuid().null())
                    .col(optional_timestamp(Tasks::RemindedAt))
                    .col(optional_timestamp(Tasks::EscalatedAt))
                    .col(timestamp(Tasks::CreatedAt))
                    .col(timestamp(Tasks::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tasks::Table, Tasks::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One task per proposal, whatever retries and races happen.
        manager
            .create_index(
                Index::create()
                    .name("tasks_proposal")
                    .table(Tasks::Table)
                    .col(Tasks::ProposalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("tasks_department_due")
                    .table(Tasks::Table)
                    .col(Tasks::DepartmentId)
                    .col(Tasks::Due)
                    .col(Tasks::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TaskEvents::Table)
                    .col(id_column(TaskEvents::Id))
                    .col(ColumnDef::new(TaskEvents::TaskId).uuid().not_null())
                    .col(ColumnDef::new(TaskEvents::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(TaskEvents::DepartmentId).uuid().null())
                    .col(ColumnDef::new(TaskEvents::StaffId).uuid().null())
                    .col(ColumnDef::new(TaskEvents::Text).text().null())
                    .col(timestamp(TaskEvents::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TaskEvents::Table, TaskEvents::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("task_events_task", vec![TaskEvents::TaskId]),
            (
                "task_events_department_kind",
                vec![TaskEvents::DepartmentId, TaskEvents::Kind],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(TaskEvents::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ExtensionRequests::Table)
                    .col(id_column(ExtensionRequests::Id))
                    .col(ColumnDef::new(ExtensionRequests::TaskId).uuid().not_null())
                    .col(
                        ColumnDef::new(ExtensionRequests::WorkingDays)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ExtensionRequests::Reason).text().not_null())
                    .col(
                        ColumnDef::new(ExtensionRequests::RequestedBy)
                            .uuid()
                            .not_null(),
                    )
                    .col(timestamp(ExtensionRequests::RequestedAt))
                    .col(
                        ColumnDef::new(ExtensionRequests::State)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ExtensionRequests::DecidedBy).uuid().null())
                    .col(optional_timestamp(ExtensionRequests::DecidedAt))
                    .col(
                        ColumnDef::new(ExtensionRequests::DecisionNote)
                            .text()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ExtensionRequests::Table, ExtensionRequests::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        seed(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ExtensionRequests::Table.into_iden(),
            TaskEvents::Table.into_iden(),
            Tasks::Table.into_iden(),
            RoutingRuleChanges::Table.into_iden(),
            RoutingRules::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// The default routes, and their first entries in the change history (by nobody: the seed).
async fn seed(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, code FROM departments".to_owned(),
        ))
        .await?;
    let mut ids = std::collections::HashMap::new();
    for row in rows {
        let id: sea_orm::prelude::Uuid = row.try_get("", "id")?;
        let code: String = row.try_get("", "code")?;
        ids.insert(code, id);
    }
    let id_of = |code: &str| {
        ids.get(code)
            .copied()
            .ok_or_else(|| DbErr::Migration(format!("no department {code} to route to")))
    };
    let now = chrono::Utc::now();
    let mut rules = Query::insert();
    rules.into_table(RoutingRules::Table).columns([
        RoutingRules::Id,
        RoutingRules::Topic,
        RoutingRules::AreaCode,
        RoutingRules::LeadDepartmentId,
        RoutingRules::CoDepartmentIds,
        RoutingRules::UpdatedBy,
        RoutingRules::UpdatedAt,
    ]);
    let mut changes = Query::insert();
    changes.into_table(RoutingRuleChanges::Table).columns([
        RoutingRuleChanges::Id,
        RoutingRuleChanges::Topic,
        RoutingRuleChanges::AreaCode,
        RoutingRuleChanges::LeadDepartmentId,
        RoutingRuleChanges::CoDepartmentIds,
        RoutingRuleChanges::ChangedBy,
        RoutingRuleChanges::ChangedAt,
    ]);
    for (topic, lead, co) in DEFAULT_ROUTES {
        let lead = lead.map(id_of).transpose()?;
        let co = co
            .iter()
            .map(|code| id_of(code).map(|id| id.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        let co = serde_json::json!(co);
        let none: Option<sea_orm::prelude::Uuid> = None;
        rules.values_panic([
            sea_orm::prelude::Uuid::now_v7().into(),
            topic.into(),
            "".into(),
            lead.into(),
            co.clone().into(),
            none.into(),
            now.into(),
        ]);
        changes.values_panic([
            sea_orm::prelude::Uuid::now_v7().into(),
            topic.into(),
            "".into(),
            lead.into(),
            co.into(),
            none.into(),
            now.into(),
        ]);
    }
    manager.exec_stmt(rules.to_owned()).await?;
    manager.exec_stmt(changes.to_owned()).await
}
