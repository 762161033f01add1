//! The test harness: `TestApp` boots the real server on port 0 against a fresh database.

pub mod browser;
pub mod databases;
mod faults;
pub mod live;
pub mod postgres_server;
pub mod redis_server;
pub mod world;

pub use databases::Backend;

pub use faults::Fault;

use async_graphql::extensions::ExtensionFactory;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tongsheng::clock::ManualClock;
use tongsheng::config::Config;
use tongsheng::startup::{Application, Overrides};
use tongsheng::state::AppState;

/// Every test app's clock starts here: a Monday morning in Shangyu (10:00, UTC+8).
pub fn test_start() -> chrono::DateTime<chrono::Utc> {
    "2026-11-30T02:00:00Z".parse().unwrap()
}

/// Runs each named test `async fn name(app: TestApp)` once per database backend.
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let app = $crate::helpers::TestApp::builder($crate::helpers::Backend::Sqlite).spawn().await;
                    super::$name(app).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(app) = $crate::helpers::TestApp::on_postgres().await else { return };
                    super::$name(app).await;
                }
            )*
        }
    };
}

pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    /// The app's own connection, for arranging data and breaking things on purpose.
    pub db: DatabaseConnection,
    /// The app's state, for arranging what has no API (the first coordinator).
    pub state: AppState,
    /// The app's clock; it moves only when a test moves it.
    pub clock: ManualClock,
    pub backend: Backend,
    shared: Shared,
    shutdown: CancellationToken,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _data_dir: tempfile::TempDir,
    /// This instance's own data directory (on the embedded default, the first instance's).
    instance_dir: std::path::PathBuf,
}

pub struct TestAppBuilder {
    backend: Backend,
    production: bool,
    redis_url: Option<String>,
    request_timeout: Duration,
    fault: Option<Fault>,
    shared_with: Option<Shared>,
    jobs_interval: Option<Duration>,
    thread_media: bool,
    media_memory_mb: Option<u64>,
    database_url: Option<String>,
    metrics_token: Option<String>,
    /// `SECRET_KEY` and `SECRET_KEY_PREVIOUS` other than the deployment's (a rotation).
    rotated_secrets: Option<(String, Option<String>)>,
}

/// What instances of one deployment share.
#[derive(Clone)]
struct Shared {
    database_url: Option<String>,
    redis_prefix: String,
    secret: String,
    data_dir: std::path::PathBuf,
}

/// A GraphQL answer: the HTTP status, the body, and the `x-request-id` header.
pub struct Answer {
    pub status: reqwest::StatusCode,
    pub body: Value,
    pub request_id: Option<String>,
}

impl Answer {
    /// The `extensions.code` of the first error, if any.
    pub fn error_code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }

    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    /// A copy, for asserting on it and keeping it.
    pub fn clone_answer(&self) -> Answer {
        Answer {
            status: self.status,
            body: self.body.clone(),
            request_id: self.request_id.clone(),
        }
    }

    /// Asserts the answer has no errors, and returns its data.
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "{}", self.body);
        assert!(self.body["errors"].is_null(), "{}", self.body);
        self.data()
    }

    /// Asserts the first error has `code` and a message containing `fragment`.
    pub fn assert_refused(&self, code: &str, fragment: &str) {
        assert_eq!(self.error_code(), Some(code), "{}", self.body);
        let message = self.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
    }
}

impl TestApp {
    pub fn builder(backend: Backend) -> TestAppBuilder {
        TestAppBuilder {
            backend,
            production: false,
            redis_url: databases::test_redis_url(),
            request_timeout: Duration::from_secs(10),
            fault: None,
            shared_with: None,
            jobs_interval: None,
            thread_media: false,
            media_memory_mb: None,
            database_url: None,
            metrics_token: None,
            rotated_secrets: None,
        }
    }

    /// A test app on PostgreSQL, or `None` (with a note) when `TEST_DATABASE_URL` is unset and
    /// the run does not require the real services.
    pub async fn on_postgres() -> Option<TestApp> {
        if databases::test_database_url().is_none() {
            databases::skip_or_fail("TEST_DATABASE_URL");
            return None;
        }
        Some(TestApp::builder(Backend::Postgres).spawn().await)
    }

    /// A second instance sharing this one's database, Redis prefix and secret, as instances
    /// behind a load balancer do.
    pub fn another_instance(&self) -> TestAppBuilder {
        let mut builder = TestApp::builder(self.backend);
        builder.shared_with = Some(self.shared.clone());
        builder
    }

    /// Runs the background jobs until nothing is left for them (the server runs none by itself
    /// in tests); returns how many outbox rows were handled.
    pub async fn run_pending(&self) -> usize {
        tongsheng::jobs::run_pending(&self.state)
            .await
            .unwrap_or_else(|e| panic!("jobs failed: {:?}", e.code()))
    }

    /// The number a `SELECT COUNT(*) AS n …` statement gives, read straight from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        count_on(&self.db, sql).await
    }

    /// The SQL statements the app has run so far (its own counter, on `/metrics`).
    pub async fn statements(&self) -> u64 {
        let (_, metrics) = self.get("/metrics").await;
        metrics
            .lines()
            .filter(|line| line.starts_with("tongsheng_db_statements_total"))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }

    /// The prefix of every Redis key this app writes.
    pub fn redis_prefix(&self) -> &str {
        &self.shared.redis_prefix
    }

    /// The data directory (the SQLite file lives here).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.instance_dir
    }

    /// The secret that keys PIN digests, for a command run against this app's database.
    pub fn secret(&self) -> &str {
        &self.shared.secret
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// Sends one GraphQL operation, anonymously.
    pub async fn graphql(&self, query: &str, variables: Value) -> Answer {
        self.graphql_as(None, query, variables).await
    }

    /// Sends one GraphQL operation with a session token (`None`: anonymously).
    pub async fn graphql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Answer {
        let body = json!({ "query": query, "variables": variables });
        self.send(token, serde_json::to_vec(&body).unwrap()).await
    }

    /// Sends raw bytes to `POST /graphql`.
    pub async fn post_graphql(&self, body: Vec<u8>) -> Answer {
        self.send(None, body).await
    }

    /// Sends raw bytes to `POST /graphql` with a session token.
    pub async fn post_graphql_as(&self, token: Option<&str>, body: Vec<u8>) -> Answer {
        self.send(token, body).await
    }

    async fn send(&self, token: Option<&str>, body: Vec<u8>) -> Answer {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let request_id = response
            .headers()
            .get("x-request-id")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        let body =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
        Answer {
            status,
            body,
            request_id,
        }
    }

    pub async fn get(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("the server answers");
        (response.status(), response.text().await.unwrap())
    }

    /// Asserts that the server still answers an ordinary query.
    pub async fn assert_still_serving(&self) {
        let answer = self
            .graphql("{ departments(first: 1) { nodes { code } } }", json!({}))
            .await;
        assert_eq!(
            answer.ok()["departments"]["nodes"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

    /// Shuts the server down as SIGTERM would and waits for it to finish.
    pub async fn shut_down(&mut self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        match self.server.take() {
            Some(server) => server.await?,
            None => Ok(()),
        }
    }

    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl TestAppBuilder {
    pub fn production(mut self) -> Self {
        self.production = true;
        self
    }

    pub fn redis_url(mut self, url: &str) -> Self {
        self.redis_url = Some(url.to_owned());
        self
    }

    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    pub fn fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// Runs the background jobs by themselves, as a server does (tests otherwise drain them with
    /// `run_pending`).
    /// A database of the test's own (a private server it may stop).
    pub fn database_url(mut self, url: &str) -> Self {
        self.database_url = Some(url.to_owned());
        self.backend = Backend::Postgres;
        self
    }

    pub fn jobs_every(mut self, interval: Duration) -> Self {
        self.jobs_interval = Some(interval);
        self
    }

    /// The image worker's address-space limit.
    pub fn media_memory_mb(mut self, megabytes: u64) -> Self {
        self.media_memory_mb = Some(megabytes);
        self
    }

    /// Images decoded on a thread of the server rather than in a worker process.
    pub fn media_on_threads(mut self) -> Self {
        self.thread_media = true;
        self
    }

    /// Without Redis: the in-process stand-ins, whose windows follow the test's clock.
    /// `METRICS_TOKEN`: `/metrics` answers only a request bearing it.
    pub fn metrics_token(mut self, token: &str) -> Self {
        self.metrics_token = Some(token.to_owned());
        self
    }

    /// `SECRET_KEY` (and `SECRET_KEY_PREVIOUS`) as after a rotation of the deployment's key.
    pub fn secrets(mut self, key: &str, previous: Option<&str>) -> Self {
        self.rotated_secrets = Some((key.to_owned(), previous.map(str::to_owned)));
        self
    }

    pub fn without_redis(mut self) -> Self {
        self.redis_url = None;
        self
    }

    pub async fn spawn(self) -> TestApp {
        let data_dir = tempfile::tempdir().unwrap();
        let shared = match self.shared_with {
            Some(shared) => shared,
            None => Shared {
                database_url: match (self.database_url, self.backend) {
                    (Some(url), _) => Some(url),
                    (None, Backend::Sqlite) => None,
                    (None, Backend::Postgres) => Some(databases::fresh_postgres_database().await),
                },
                redis_prefix: format!("tstest:{}:", uuid::Uuid::new_v4()),
                secret: format!("test secret {} of enough length", uuid::Uuid::new_v4()),
                data_dir: data_dir.path().to_owned(),
            },
        };
        let mut config = Config::from_lookup(|_| None).unwrap();
        config.database_url = shared.database_url.clone();
        config.redis_url = self.redis_url;
        config.redis_key_prefix = shared.redis_prefix.clone();
        config.secret_key = Some(shared.secret.clone());
        if let Some((key, previous)) = self.rotated_secrets {
            config.secret_key = Some(key);
            config.secret_key_previous = previous;
        }
        config.demo = false;
        config.jobs_interval = self.jobs_interval;
        if let Some(megabytes) = self.media_memory_mb {
            config.media_worker_memory_mb = megabytes;
        }
        config.media_isolation = match self.thread_media {
            true => tongsheng::config::MediaIsolation::Thread,
            false => {
                tongsheng::config::MediaIsolation::Process(env!("CARGO_BIN_EXE_tongsheng").into())
            }
        };
        config.bind = "127.0.0.1:0".parse().unwrap();
        // Each instance has its own data directory, as separate machines would; on the embedded
        // default the database is a file in it, so instances of one SQLite app share it.
        config.data_dir = match self.backend {
            Backend::Sqlite => shared.data_dir.clone(),
            Backend::Postgres => data_dir.path().to_owned(),
        };
        let instance_dir = config.data_dir.clone();
        config.request_timeout = self.request_timeout;
        config.shutdown_grace = Duration::from_secs(5);
        config.database_max_connections = 5;
        config.metrics_token = self.metrics_token;
        if self.production {
            config.environment = tongsheng::config::Environment::Production;
        }
        let extension = self
            .fault
            .map(|fault| Arc::new(fault) as Arc<dyn ExtensionFactory>);
        let clock = ManualClock::starting_at(test_start());
        let overrides = Overrides {
            extension,
            clock: Some(Arc::new(clock.clone())),
        };
        let app = Application::build_with(config, overrides)
            .await
            .expect("the app builds");
        let address = app.local_addr().unwrap();
        let db = app.state().db.clone();
        let state = app.state().clone();
        let shutdown = app.shutdown_token();
        let server = tokio::spawn(app.run());
        TestApp {
            address,
            client: reqwest::Client::new(),
            db,
            state,
            clock,
            backend: self.backend,
            shared,
            shutdown,
            server: Some(server),
            _data_dir: data_dir,
            instance_dir,
        }
    }
}

/// The number a `SELECT COUNT(*) AS n …` statement gives on `db`.
pub async fn count_on(db: &DatabaseConnection, sql: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// Asks `check` every 50 ms for up to two seconds (what another instance hears by announcement
/// arrives within milliseconds); panics with `what` if it never holds.
pub async fn within_two_seconds<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..40 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{what}");
}
