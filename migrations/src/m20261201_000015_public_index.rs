//! The public list's index: the feed, the wall and the public API read the newest publications
//! not withdrawn, across campaigns; without it each read sorted every publication ever made.
//! Partial (withdrawn ones are never listed). PostgreSQL and SQLite both take the statements.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000015_public_index"
    }
}

const UP: [&str; 1] = [
    "CREATE INDEX publications_public ON publications (published_at, proposal_id) WHERE withdrawn_at IS NULL",
];

const DOWN: [&str; 1] = ["DROP INDEX IF EXISTS publications_public"];

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
