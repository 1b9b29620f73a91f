//! Faults, for real: a PostgreSQL server of the test's own (initdb and pg_ctl in a
//! temporary directory, run as the `postgres` user) is stopped and started under the
//! service; the binary gets SIGTERM with a report run waiting to retry.
//!
//! The cluster needs root, `runuser` and the PostgreSQL server binaries: without them
//! the test that needs it is skipped with a message, unless `COSO_TEST_REQUIRE_FAULTS=1`
//! (CI) makes their absence a failure.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use coso::app::Application;
use coso::domain::Role;
use coso::service::tokens;
use sea_orm::{Database, EntityTrait};
use serde_json::{Value, json};

use crate::smtp::{Behaviour, SmtpServer};

const BIN: &str = env!("CARGO_BIN_EXE_coso");

/// Whether this machine can run a cluster of the test's own; if not, says why on stderr
/// (past the harness's capture) and skips, or fails when `COSO_TEST_REQUIRE_FAULTS=1`.
fn can_run_own_postgres(test: &str) -> bool {
    use std::io::Write;
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let runuser = Command::new("runuser")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let initdb = std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|dirs| {
        dirs.filter_map(Result::ok)
            .any(|e| e.path().join("bin/initdb").exists())
    });
    let missing: Vec<&str> = [
        (!root).then_some("root"),
        (!runuser).then_some("runuser"),
        (!initdb).then_some("/usr/lib/postgresql/*/bin/initdb"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return true;
    }
    let required = std::env::var("COSO_TEST_REQUIRE_FAULTS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test}: COSO_TEST_REQUIRE_FAULTS=1 but this machine lacks {}",
        missing.join(", ")
    );
    let _ = writeln!(
        std::io::stderr(),
        "{test}: SKIPPED (needs {}; COSO_TEST_REQUIRE_FAULTS=1 makes this a failure)",
        missing.join(", ")
    );
    false
}

/// A PostgreSQL cluster in a temporary directory, on a free port; stopped when dropped.
struct OwnPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl OwnPostgres {
    /// Creates the cluster (not started).
    fn init() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL binaries under /usr/lib/postgresql")
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .find(|p| p.join("initdb").exists())
            .expect("an initdb");
        let dir = tempfile::tempdir().expect("tempdir");
        let owned = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(owned, "the cluster directory belongs to postgres");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let initdb = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(bin.join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(dir.path().join("data"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(initdb, "initdb");
        Self { dir, bin, port }
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        assert!(self.ctl("start"), "pg_ctl start");
    }

    fn stop(&self) {
        assert!(self.ctl("stop"), "pg_ctl stop");
    }

    /// `pg_ctl start|stop` as the `postgres` user (PostgreSQL refuses to run as root).
    fn ctl(&self, action: &str) -> bool {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-w", "-m", "fast", "-D"])
            .arg(self.dir.path().join("data"))
            .args(["-o", &opts, "-l"])
            .arg(self.dir.path().join("log"))
            .arg(action)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-m", "immediate", "-D"])
            .arg(self.dir.path().join("data"))
            .arg("stop")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

async fn ask(client: &reqwest::Client, base: &str, token: &str) -> (u16, Value) {
    let body = json!({ "query": "{ units { totalCount } }" });
    match client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
    {
        Ok(resp) => (
            resp.status().as_u16(),
            resp.json().await.unwrap_or(Value::Null),
        ),
        Err(_) => (0, Value::Null),
    }
}

#[tokio::test]
async fn the_service_waits_for_its_database_and_survives_it_going_away() {
    if !can_run_own_postgres("the_service_waits_for_its_database_and_survives_it_going_away") {
        return;
    }
    let pg = OwnPostgres::init();
    let mut settings = crate::helpers::settings(pg.url(), Default::default());
    settings.db_wait_secs = 120;
    // Started while the database is down: it waits.
    let build = tokio::spawn(async move { Application::build(&settings).await });
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(!build.is_finished(), "still waiting for the database");
    pg.start();
    let app = tokio::time::timeout(Duration::from_secs(60), build)
        .await
        .expect("starts once the database is back")
        .expect("task")
        .expect("built");
    let db = app.db().clone();
    coso::seed::seed_demo(&db).await.expect("seed");
    let (_, token) = tokens::create(&db, Role::Admin, None, "faults")
        .await
        .expect("token");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run(std::future::pending()));
    let client = reqwest::Client::new();
    let (status, body) = ask(&client, &base, &token).await;
    assert_eq!(
        (status, &body["data"]["units"]["totalCount"]),
        (200, &json!(173))
    );

    // The database goes away: a clear, retryable error without any SQL text, with
    // `Retry-After` saying when.
    pg.stop();
    let resp = client
        .post(format!("{base}/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ units { totalCount } }" }))
        .send()
        .await
        .expect("answered");
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    assert!(
        retry_after.is_some_and(|s| (1..=120).contains(&s)),
        "503 with Retry-After in seconds: {:?}",
        resp.headers()
    );
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "DATABASE_UNAVAILABLE",
        "{body}"
    );
    let text = body.to_string().to_lowercase();
    for leak in [
        "sqlx",
        "connection refused",
        "select",
        "postgres",
        "127.0.0.1",
    ] {
        assert!(!text.contains(leak), "`{leak}` reached the client: {body}");
    }
    // A write attempted meanwhile leaves nothing behind.
    let write = json!({ "query": "mutation { createDirective(input: { number: \"99/CT-CAT\", title: \"Chỉ thị thử\", issuedOn: \"2026-11-27\", kind: DIRECTIVE, issuer: PROVINCIAL_PEOPLES_COMMITTEE }) { dbId } }" });
    let resp = client
        .post(format!("{base}/graphql"))
        .bearer_auth(&token)
        .json(&write)
        .send()
        .await
        .expect("answered");
    assert_eq!(resp.status().as_u16(), 503);

    // It comes back: requests work again on the same server.
    pg.start();
    let started = Instant::now();
    loop {
        let (status, body) = ask(&client, &base, &token).await;
        if status == 200 && body["data"]["units"]["totalCount"] == 173 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "works again: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let fresh = Database::connect(pg.url()).await.expect("connect");
    let directives = entity::directive::Entity::find()
        .all(&fresh)
        .await
        .expect("read");
    assert_eq!(
        directives.len(),
        16,
        "the write made while the database was down left nothing"
    );
}

#[tokio::test]
async fn sigterm_hands_running_reports_over_and_exits_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("coso.db").display());
    let out = Command::new(BIN)
        .args(["--database-url", &url, "seed", "--demo"])
        .output()
        .expect("seed");
    assert!(out.status.success());
    let out = Command::new(BIN)
        .args(["--database-url", &url, "token", "create", "--role", "admin"])
        .output()
        .expect("token");
    let stdout = String::from_utf8(out.stdout).expect("utf8");
    let token = stdout.lines().last().expect("secret").trim().to_owned();
    // A mail server that is down: the run waits a minute for its retry.
    let smtp = SmtpServer::start(Behaviour::default());
    smtp.down.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut child = Command::new(BIN)
        .args(["--database-url", &url])
        .env("COSO_LISTEN", "127.0.0.1:0")
        .env("COSO_SMTP_URL", smtp.url(""))
        .env("COSO_MAIL_RETRY_BASE_MS", "60000")
        .env("COSO_SCHEDULER_TICK_SECS", "3600")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start coso");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let base = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("coso listening on ").map(str::to_owned))
        .expect("listening");
    let client = reqwest::Client::new();
    let run = json!({ "query": "mutation { runReportNow(scheduleId: 1) { dbId status } }" });
    let body: Value = client
        .post(format!("{base}/graphql"))
        .bearer_auth(&token)
        .json(&run)
        .send()
        .await
        .expect("run")
        .json()
        .await
        .expect("json");
    assert_eq!(body["data"]["runReportNow"]["status"], "running", "{body}");

    let stopped_at = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            stopped_at.elapsed() < Duration::from_secs(20),
            "exits within the bound"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "exit 0 on SIGTERM: {status:?}");
    assert!(
        stopped_at.elapsed() < Duration::from_secs(15),
        "did not wait for the retry"
    );
    let db = Database::connect(&url).await.expect("open");
    let run = entity::report_run::Entity::find_by_id(1)
        .one(&db)
        .await
        .expect("read")
        .expect("run");
    assert_eq!(
        run.status, "running",
        "not finished: another replica will finish it"
    );
    assert!(
        run.lease_until <= chrono::Utc::now(),
        "its lease was released at shutdown"
    );
}
