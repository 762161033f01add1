//! Indexes for two polls every instance makes every two seconds, which read the tasks table:
//! the deadline sweep (open tasks past due) and the closing of answers never rated (tasks
//! answered or published). Without them each poll read every task ever made (with five years of
//! history, 42 ms and 32 ms a poll). Both partial: the states they serve are a small, passing
//! share of the table. PostgreSQL and SQLite both take the statements.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000016_task_polls"
    }
}

const UP: [&str; 2] = [
    "CREATE INDEX tasks_open_due ON tasks (due) \
     WHERE state IN ('routed', 'signed_for', 'extension_requested', 'reopened')",
    "CREATE INDEX tasks_awaiting_rating ON tasks (id) WHERE state IN ('answered', 'published')",
];

const DOWN: [&str; 2] = [
    "DROP INDEX IF EXISTS tasks_open_due",
    "DROP INDEX IF EXISTS tasks_awaiting_rating",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for statement in UP {
            manager
                .get_connection()
                .execute_unprepared(statement)
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for statement in DOWN {
            manager
                .get_connection()
                .execute_unprepared(statement)
                .await?;
        }
        Ok(())
    }
}
