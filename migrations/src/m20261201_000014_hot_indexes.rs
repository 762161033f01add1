//! Indexes for the two reads that run hottest as history grows: every job's poll for pending
//! outbox rows (every instance, every two seconds) and a teacher's moderation queue. Without
//! them the first scanned the whole outbox in id order and the second every proposal.
//!
//! The outbox index is partial (only rows not yet processed), so it stays as small as the work
//! waiting, however many processed rows the table keeps. PostgreSQL and SQLite both take the
//! same statements.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000014_hot_indexes"
    }
}

const UP: [&str; 2] = [
    "CREATE INDEX outbox_pending ON outbox (topic, id) WHERE processed_at IS NULL",
    "CREATE INDEX proposals_review_queue ON proposals (class_id, school_state, id)",
];

const DOWN: [&str; 2] = [
    "DROP INDEX IF EXISTS outbox_pending",
    "DROP INDEX IF EXISTS proposals_review_queue",
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
