//! The server as a separate process, for the tests that try to bring it down: the real
//! `coso` binary on its own database (the demo data, via `coso seed --demo`), tokens made
//! with `coso token create`, and its resident memory read from `/proc`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::fresh_database_url;

const BIN: &str = env!("CARGO_BIN_EXE_coso");

/// A running `coso` process; killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The database the process serves.
    pub database_url: String,
    pub client: reqwest::Client,
    dir: tempfile::TempDir,
}

impl ServerProcess {
    /// Starts `coso` on a fresh database with the demo data; `env` adds or overrides
    /// `COSO_*` settings.
    pub async fn start(env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let database_url = fresh_database_url(dir.path()).await;
        let seeded = command(dir.path(), &database_url)
            .args(["seed", "--demo"])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(seeded, "coso seed --demo");
        Self::spawn(dir, database_url, env).await
    }

    /// Starts another `coso` on the database of a running one (no seeding): a second
    /// replica, with its own working directory and outbox.
    pub async fn start_on(database_url: &str, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::spawn(dir, database_url.to_owned(), env).await
    }

    async fn spawn(dir: tempfile::TempDir, database_url: String, env: &[(&str, &str)]) -> Self {
        let mut cmd = command(dir.path(), &database_url);
        cmd.env("COSO_LISTEN", "127.0.0.1:0")
            .env("COSO_INDICATOR_REFRESH_SECS", "0")
            .env("COSO_SCHEDULER_TICK_SECS", "0")
            .env("COSO_TODAY", crate::helpers::ARTICLE_DAY);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start coso");
        let stdout = child.stdout.take().expect("stdout");
        let base = tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stdout).lines();
            let base = lines
                .by_ref()
                .map_while(Result::ok)
                .find_map(|l| l.strip_prefix("coso listening on ").map(str::to_owned));
            // Keep draining the banner so that the server never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            base
        })
        .await
        .expect("banner reader")
        .expect("the server prints its address");
        Self {
            child,
            base,
            database_url,
            client: reqwest::Client::new(),
            dir,
        }
    }

    /// A new token of `role` (`admin`, `analyst`, `viewer`), optionally limited to a district.
    pub fn token(&self, role: &str, district: Option<&str>) -> String {
        let mut cmd = command(self.dir.path(), &self.database_url);
        cmd.args(["token", "create", "--role", role, "--name", "process test"]);
        if let Some(d) = district {
            cmd.args(["--district", d]);
        }
        let out = cmd.output().expect("coso token create");
        assert!(out.status.success(), "coso token create");
        let stdout = String::from_utf8(out.stdout).expect("utf8");
        stdout.lines().last().expect("the secret").trim().to_owned()
    }

    /// Posts a GraphQL document; the status and the JSON body (Null when not JSON).
    pub async fn graphql(&self, token: &str, query: &str) -> (u16, Value) {
        self.post_json("/graphql", token, &json!({ "query": query }))
            .await
    }

    /// Posts `body` as JSON to `path` with the token; the status and the JSON body.
    pub async fn post_json(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .timeout(Duration::from_secs(120))
            .send()
            .await
            .expect("the server answers");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Whether `GET /health` answers 200 within a few seconds.
    pub async fn healthy(&self) -> bool {
        self.client
            .get(format!("{}/health", self.base))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    }

    /// Whether the process is still alive (it has not aborted).
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory of the process now, in MiB (`VmRSS`).
    pub fn rss_mib(&self) -> f64 {
        self.status_kib("VmRSS:") as f64 / 1024.0
    }

    /// Peak resident memory of the process so far, in MiB (`VmHWM`).
    pub fn peak_mib(&self) -> f64 {
        self.status_kib("VmHWM:") as f64 / 1024.0
    }

    fn status_kib(&self, field: &str) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    /// Waits until resident memory is at most `mib`, up to `within`; the last reading.
    #[allow(dead_code)] // for the attack tests
    pub async fn settle_rss(&self, mib: f64, within: Duration) -> f64 {
        let deadline = Instant::now() + within;
        loop {
            let rss = self.rss_mib();
            if rss <= mib || Instant::now() >= deadline {
                return rss;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `coso` in `dir` on `database_url`, with nothing inherited that would change its settings.
fn command(dir: &Path, database_url: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env("COSO_DATABASE_URL", database_url)
        .env("COSO_OUTBOX_DIR", dir.join("outbox"))
        .env_remove("COSO_SMTP_URL");
    cmd
}

#[tokio::test]
async fn a_server_process_serves_and_reports_its_memory() {
    let server = ServerProcess::start(&[]).await;
    let token = server.token("viewer", None);
    let (status, body) = server.graphql(&token, "{ units { totalCount } }").await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["units"]["totalCount"], 173);
    assert!(server.healthy().await);
    let rss = server.rss_mib();
    assert!(rss > 1.0 && server.peak_mib() >= rss, "rss {rss} MiB");
}
