//! Fresh databases for tests. PostgreSQL databases are cloned from a template migrated once per
//! run (and kept between runs while the migrations are unchanged); SQLite files live in each
//! test's temp dir.

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::{Connection, PgConnection};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Mutex, OnceCell};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn test_database_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

pub fn test_redis_url() -> Option<String> {
    std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// The official test command sets `TONGSHENG_REQUIRE_SERVICES=1`: there a missing service fails
/// the run instead of skipping the tests that need it.
pub fn skip_or_fail(variable: &str) {
    if std::env::var("TONGSHENG_REQUIRE_SERVICES").is_ok_and(|v| v == "1") {
        panic!("{variable} is not set, and TONGSHENG_REQUIRE_SERVICES=1");
    }
    eprintln!("skipped: {variable} is not set (scripts/test.sh sets it)");
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();
static CREATE_LOCK: Mutex<()> = Mutex::const_new(());
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Creates a new, migrated PostgreSQL database and returns its URL.
pub async fn fresh_postgres_database() -> String {
    let admin_url = test_database_url().expect("TEST_DATABASE_URL");
    let template = TEMPLATE
        .get_or_init(|| migrated_template(admin_url.clone()))
        .await;
    let name = format!(
        "ts_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    // Clones of one template are made one at a time: PostgreSQL refuses to copy a template
    // that another session is using.
    let _guard = CREATE_LOCK.lock().await;
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    execute(
        &mut admin,
        &format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""),
    )
    .await;
    admin.close().await.ok();
    with_database(&admin_url, &name)
}

/// An empty database (no migrations applied), for the migration round-trip test.
pub async fn empty_postgres_database() -> String {
    let admin_url = test_database_url().expect("TEST_DATABASE_URL");
    let name = format!(
        "ts_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    execute(&mut admin, &format!("CREATE DATABASE \"{name}\"")).await;
    admin.close().await.ok();
    with_database(&admin_url, &name)
}

async fn migrated_template(admin_url: String) -> String {
    let template = format!("ts_template_{:016x}", migrations_fingerprint());
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    // Runs of the suite (a developer's and CI's) may start together: take turns.
    execute(&mut admin, "SELECT pg_advisory_lock(7411)").await;
    drop_stale_test_databases(&mut admin).await;
    drop_other_templates(&mut admin, &template).await;
    let exists: Option<(i32,)> =
        sea_orm::sqlx::query_as("SELECT 1 FROM pg_database WHERE datname = $1")
            .bind(&template)
            .fetch_optional(&mut admin)
            .await
            .unwrap();
    if exists.is_none() {
        let building = format!("{template}_building");
        execute(
            &mut admin,
            &format!("DROP DATABASE IF EXISTS \"{building}\""),
        )
        .await;
        execute(&mut admin, &format!("CREATE DATABASE \"{building}\"")).await;
        let db = sea_orm::Database::connect(with_database(&admin_url, &building))
            .await
            .unwrap();
        Migrator::up(&db, None)
            .await
            .expect("migrations apply to the template");
        db.close().await.unwrap();
        execute(
            &mut admin,
            &format!("ALTER DATABASE \"{building}\" RENAME TO \"{template}\""),
        )
        .await;
    }
    execute(&mut admin, "SELECT pg_advisory_unlock(7411)").await;
    admin.close().await.ok();
    template
}

/// What the migrations are: their names and their source, so that a template is rebuilt whenever
/// a migration changes (as one may before it lands).
fn migrations_fingerprint() -> u64 {
    let mut hasher = DefaultHasher::new();
    for migration in Migrator::migrations() {
        migration.name().hash(&mut hasher);
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/src");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for file in files {
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    hasher.finish()
}

/// Templates made from other versions of the migrations.
async fn drop_other_templates(admin: &mut PgConnection, current: &str) {
    let names: Vec<(String,)> = sea_orm::sqlx::query_as(
        "SELECT datname FROM pg_database WHERE datname LIKE 'ts\\_template\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    .unwrap();
    for (name,) in names
        .into_iter()
        .filter(|(name,)| name != current && !name.ends_with("_building"))
    {
        execute(
            admin,
            &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        )
        .await;
    }
}

/// Test databases of runs that have ended (their process is gone).
async fn drop_stale_test_databases(admin: &mut PgConnection) {
    let names: Vec<(String,)> = sea_orm::sqlx::query_as(
        "SELECT datname FROM pg_database WHERE datname LIKE 'ts\\_test\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    .unwrap();
    for (name,) in names {
        let pid = name
            .split('_')
            .nth(2)
            .and_then(|pid| pid.parse::<u32>().ok());
        let alive = pid.is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            execute(
                admin,
                &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            )
            .await;
        }
    }
}

async fn execute(connection: &mut PgConnection, sql: &str) {
    sea_orm::sqlx::raw_sql(sea_orm::sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(connection)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn with_database(url: &str, name: &str) -> String {
    let base = match url.rfind('/') {
        Some(index) if url[..index].contains("://") && index > url.find("://").unwrap() + 2 => {
            &url[..index]
        }
        _ => url,
    };
    format!("{base}/{name}")
}
