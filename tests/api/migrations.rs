//! Migrations go up, all the way down, and up again, on SQLite and PostgreSQL.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{Database, DatabaseConnection};

use crate::helpers::databases::{empty_postgres_database, skip_or_fail, test_database_url};

async fn round_trip(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("up");
    assert_eq!(count_departments(db).await, 53);
    Migrator::down(db, None).await.expect("down");
    assert!(
        Migrator::get_applied_migrations(db)
            .await
            .unwrap()
            .is_empty()
    );
    Migrator::up(db, None).await.expect("up again");
    assert_eq!(
        count_departments(db).await,
        53,
        "seed data comes back once, not twice"
    );
    assert!(
        Migrator::get_pending_migrations(db)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn count_departments(db: &DatabaseConnection) -> i64 {
    crate::helpers::count_on(db, "SELECT COUNT(*) AS n FROM departments").await
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("round-trip.sqlite").display()
    );
    let db = Database::connect(url).await.unwrap();
    round_trip(&db).await;
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again_on_postgres() {
    if test_database_url().is_none() {
        skip_or_fail("TEST_DATABASE_URL");
        return;
    }
    let db = Database::connect(empty_postgres_database().await)
        .await
        .unwrap();
    round_trip(&db).await;
}
