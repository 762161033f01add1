//! The `tongsheng` command itself: serve on the embedded default, log JSON with request ids in
//! production, stop cleanly on SIGTERM, refuse to serve with pending migrations when told to.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Server {
    fn start(data_dir: &std::path::Path, env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tongsheng"));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATA_DIR", data_dir)
            .env("BIND", "127.0.0.1:0")
            .env("LOG_FORMAT", "json")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();
        let (sender, lines) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if sender.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Server {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a JSON log line whose message contains `message`.
    fn wait_for(&mut self, message: &str) -> Value {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| {
                    panic!(
                        "no log line {message:?} within 20 s; saw:\n{}",
                        self.seen.join("\n")
                    )
                });
            self.seen.push(line.clone());
            if let Ok(value) = serde_json::from_str::<Value>(&line)
                && value["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(message))
            {
                return value;
            }
        }
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill().ok();
        panic!("the server did not stop within 10 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

#[tokio::test]
async fn serve_with_nothing_configured_answers_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &[]);
    let graphiql = server.wait_for("GraphiQL");
    let url = graphiql["message"]
        .as_str()
        .unwrap()
        .trim_start_matches("GraphiQL: ")
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/graphql"),
        "{url}"
    );
    let page = reqwest::get(&url).await.unwrap();
    assert_eq!(
        page.status(),
        200,
        "GraphiQL is served at the address printed"
    );
    assert!(
        dir.path().join("tongsheng.sqlite").exists(),
        "the SQLite file is under DATA_DIR"
    );
    let sheet = server.seen.join("\n");
    assert!(
        sheet.contains("teacher.wang")
            && sheet.contains("class code")
            && sheet.contains("lead.district"),
        "the demo sign-in sheet is printed"
    );

    let client = reqwest::Client::new();
    let sign_in = serde_json::json!({ "query": "mutation { signInStaff(username: \"teacher.wang\", password: \"tongsheng-demo\") { token } }" });
    let answer: Value = client
        .post(&url)
        .json(&sign_in)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = answer["data"]["signInStaff"]["token"]
        .as_str()
        .expect("the demo teacher signs in")
        .to_owned();
    let classes = serde_json::json!({ "query": "{ myClasses { gradeLabel children(first: 50) { nodes { ageBand } } } }" });
    let answer: Value = client
        .post(&url)
        .bearer_auth(&token)
        .json(&classes)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let class = &answer["data"]["myClasses"][0];
    assert_eq!(class["gradeLabel"], "二年级", "{answer}");
    assert_eq!(class["children"]["nodes"].as_array().unwrap().len(), 10);

    assert!(server.terminate().success());
    server.wait_for("shut down cleanly");
}

#[tokio::test]
async fn production_logs_are_json_and_every_request_line_carries_its_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(
        dir.path(),
        &[
            ("APP_ENV", "production"),
            (
                "SECRET_KEY",
                "a production secret of thirty-two characters or more",
            ),
        ],
    );
    let ready = server.wait_for("Tongsheng is ready");
    let address = ready["address"].as_str().unwrap().to_owned();
    let response = reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .header("content-type", "application/json")
        .body(r#"{"query":"{ departments(first: 1) { nodes { code } } }"}"#)
        .send()
        .await
        .unwrap();
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let finished = server.wait_for("request finished");
    assert_eq!(
        finished["span"]["request_id"],
        request_id.as_str(),
        "{finished}"
    );
    assert_eq!(finished["status"], 200);
    assert!(server.terminate().success());
}

#[tokio::test]
async fn serve_refuses_to_start_with_pending_migrations_when_told_not_to_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &[("MIGRATE_ON_START", "false")]);
    let failure = server.wait_for("tongsheng failed");
    assert!(
        failure["error"]
            .as_str()
            .unwrap()
            .contains("m20261130_000001_organisation"),
        "{failure}"
    );
    let status = server.child.wait().unwrap();
    assert!(!status.success());

    let migrate = Command::new(env!("CARGO_BIN_EXE_tongsheng"))
        .arg("migrate")
        .env("DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    let mut server = Server::start(dir.path(), &[("MIGRATE_ON_START", "false")]);
    server.wait_for("Tongsheng is ready");
    assert!(server.terminate().success());
}

#[test]
fn export_schema_prints_the_committed_schema() {
    let output = Command::new(env!("CARGO_BIN_EXE_tongsheng"))
        .args(["export-schema", "--out", "-"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/schema.graphql"
    ))
    .unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), committed);
}

/// Runs a `tongsheng` command with the server's environment, feeding `input` to its stdin.
fn command(
    data_dir: &std::path::Path,
    env: &[(&str, &str)],
    args: &[&str],
    input: &str,
) -> std::process::Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tongsheng"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", data_dir)
        .env("BIND", "127.0.0.1:0")
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn printed(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The commands a district runs while serving: each opens the database and Redis, binds
/// nothing, and what it does is seen by the running server at once.
async fn commands_work_beside_a_serving_instance(env: &[(&str, &str)]) {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), env);
    let ready = server.wait_for("Tongsheng is ready");
    let address = ready["address"].as_str().unwrap().to_owned();

    let checked = command(dir.path(), env, &["check-config"], "");
    assert!(checked.status.success(), "{}", printed(&checked));
    let created = command(
        dir.path(),
        env,
        &[
            "admin",
            "create-coordinator",
            "--username",
            "district.office",
        ],
        "a long enough password\n",
    );
    assert!(created.status.success(), "{}", printed(&created));
    assert!(printed(&created).contains("coordinator district.office created"));
    let retention = command(dir.path(), env, &["retention", "run", "--dry-run"], "");
    assert!(retention.status.success(), "{}", printed(&retention));
    assert!(printed(&retention).contains("would erase 0 children"));

    // The coordinator the command made signs in through the running server.
    let sign_in = serde_json::json!({ "query": "mutation { signInStaff(username: \"district.office\", password: \"a long enough password\") { viewer { kind } } }" });
    let answer: Value = reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .json(&sign_in)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["data"]["signInStaff"]["viewer"]["kind"], "STAFF",
        "{answer}"
    );
    assert!(server.terminate().success());
}

#[tokio::test]
async fn commands_work_beside_a_serving_instance_on_the_embedded_default() {
    commands_work_beside_a_serving_instance(&[]).await;
}

#[tokio::test]
async fn commands_work_beside_a_serving_instance_on_postgres_and_redis() {
    let (Some(_), Some(redis)) = (
        crate::helpers::databases::test_database_url(),
        crate::helpers::databases::test_redis_url(),
    ) else {
        return crate::helpers::databases::skip_or_fail("TEST_DATABASE_URL and TEST_REDIS_URL");
    };
    let database = crate::helpers::databases::fresh_postgres_database().await;
    let prefix = format!("ts-commands-{}:", uuid::Uuid::new_v4());
    commands_work_beside_a_serving_instance(&[
        ("DATABASE_URL", &database),
        ("REDIS_URL", &redis),
        ("REDIS_KEY_PREFIX", &prefix),
    ])
    .await;
}

#[tokio::test]
async fn production_refuses_a_weak_configuration_before_it_touches_the_database() {
    let Some(_) = crate::helpers::databases::test_database_url() else {
        return crate::helpers::databases::skip_or_fail("TEST_DATABASE_URL");
    };
    let database = crate::helpers::databases::empty_postgres_database().await;
    let dir = tempfile::tempdir().unwrap();
    for (secret, problem) in [
        (None, "SECRET_KEY: must be set in production"),
        (Some("short"), "SECRET_KEY: must be at least 32 characters"),
        (
            Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            "SECRET_KEY: has only 1 different characters",
        ),
    ] {
        let mut env = vec![
            ("APP_ENV", "production"),
            ("DATABASE_URL", database.as_str()),
        ];
        if let Some(secret) = secret {
            env.push(("SECRET_KEY", secret));
        }
        for args in [&["check-config"][..], &["migrate"], &["serve"]] {
            let output = command(dir.path(), &env, args, "");
            assert!(!output.status.success(), "{args:?} with {secret:?}");
            assert!(
                printed(&output).contains(problem),
                "{args:?}: {}",
                printed(&output)
            );
        }
    }
    // Nothing was migrated: the database is as empty as it was made.
    let db = sea_orm::Database::connect(&database).await.unwrap();
    let tables = crate::helpers::count_on(
        &db,
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .await;
    assert_eq!(tables, 0, "a refused configuration migrated nothing");
}
