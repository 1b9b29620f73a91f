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
pub fn command(dir: &Path, database_url: &str) -> Command {
    // `COSO_TEST_BIN` runs another build (the release binary, for the timings of the
    // ignored benchmark tests); the tests' own binary otherwise.
    let bin = std::env::var("COSO_TEST_BIN").unwrap_or_else(|_| BIN.to_owned());
    let mut cmd = Command::new(bin);
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

/// glibc's allocator by default, mimalloc with `COSO_ALLOCATOR=mimalloc`: the process
/// says which in its metrics (`coso_build_info`), and both give the same answers.
#[tokio::test]
async fn either_allocator_serves_the_same_answers() {
    let query = "{ units(first: 20) { totalCount edges { node { code name officerCount } } } }";
    let mut answers = Vec::new();
    for (env, name) in [(None, "system"), (Some("mimalloc"), "mimalloc")] {
        let env: Vec<(&str, &str)> = env.map(|v| ("COSO_ALLOCATOR", v)).into_iter().collect();
        let server = ServerProcess::start(&env).await;
        let admin = server.token("admin", None);
        let metrics = server
            .client
            .get(format!("{}/metrics", server.base))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        let line = metrics.lines().find(|l| l.starts_with("coso_build_info{"));
        let says = |l: &str| l.contains(&format!("allocator=\"{name}\"")) && l.ends_with(" 1");
        assert!(
            line.is_some_and(says),
            "the process says it uses {name}: {line:?}"
        );
        let token = server.token("analyst", None);
        let (status, body) = server.graphql(&token, query).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        answers.push(body);
    }
    assert_eq!(answers[0], answers[1]);
}

/// Every field of an area, its members and its units on a day.
const AREA_FIELDS: &str = "code name kind createdAt updatedAt \
    members { unitCode validFrom validTo } \
    units(on: \"2024-12-31\") { code name kind validFrom validTo districtCode districtName provinceCode }";

/// Sends `document`; asserts a 200 answered or refused with `QUERY_TOO_COMPLEX` (within
/// the query timeout, a refusal within a second) and that `{ __typename }` still answers.
/// Returns the code (`ok` when answered).
async fn bounded(server: &mut ServerProcess, token: &str, name: &str, document: &str) -> String {
    let started = Instant::now();
    let (status, body) = server.graphql(token, document).await;
    let took = started.elapsed();
    let code = match body.get("errors") {
        Some(errors) => errors[0]["extensions"]["code"].as_str().unwrap_or("?"),
        None => "ok",
    }
    .to_owned();
    println!(
        "{name}: {} ms, HTTP {status}, {code}, {} bytes, peak {:.0} MiB",
        took.as_millis(),
        body.to_string().len(),
        server.peak_mib()
    );
    let head: String = body.to_string().chars().take(500).collect();
    assert_eq!(status, 200, "{name}: {head}");
    assert!(
        ["ok", "QUERY_TOO_COMPLEX"].contains(&code.as_str()),
        "{name}: {code}: {head}"
    );
    let bound = if code == "ok" { 10 } else { 1 };
    assert!(took < Duration::from_secs(bound), "{name} took {took:?}");
    assert!(server.alive(), "{name}: the process is gone");
    let (status, body) = server.graphql(token, "{ __typename }").await;
    assert_eq!(
        (status, &body["data"]["__typename"]),
        (200, &json!("Query")),
        "after {name}"
    );
    code
}

/// The most expensive area documents a token may send: every area with every nested
/// field, as many aliases of a nested list as the cost limit could let through, one
/// area in full, and the largest page of units by area; then again once the province
/// has 270 more areas (a unit area for each unit of 2024 and of today). Each is refused
/// (`QUERY_TOO_COMPLEX`) or answered within the time bound, and the process stays up.
#[tokio::test]
async fn the_worst_area_documents_are_refused_or_bounded_and_the_server_stays_up() {
    let mut server = ServerProcess::start(&[("COSO_RATE_LIMIT_PER_MIN", "0")]).await;
    let analyst = server.token("analyst", None);
    let city = server.token("analyst", Some("522"));
    let admin = server.token("admin", None);
    let aliases = |n: usize, body: &str| {
        let parts: Vec<String> = (0..n).map(|i| format!("a{i}: {body}")).collect();
        format!("{{ {} }}", parts.join(" "))
    };
    let every_area = format!("{{ areas {{ {AREA_FIELDS} }} }}");
    let unit_page = "units(filter: { areaCode: \"522\" }, first: 500) { totalCount nodes { code name \
        officers { dbId fullName } headquarters { dbId status } } }";
    let documents: [(&str, &str, String); 7] = [
        ("every area in full", &analyst, every_area.clone()),
        (
            "every area in full, an area token",
            &city,
            every_area.clone(),
        ),
        (
            "20 aliases of every area's members",
            &analyst,
            aliases(20, "areas { members { unitCode } }"),
        ),
        (
            "200 aliases of every area's units",
            &analyst,
            aliases(200, "areas { units { code } }"),
        ),
        (
            "one area in full, 50 aliases",
            &analyst,
            aliases(50, &format!("area(code: \"522\") {{ {AREA_FIELDS} }}")),
        ),
        (
            "the largest page of units by area",
            &analyst,
            format!("{{ {unit_page} }}"),
        ),
        (
            "10 aliases of the largest page of units by area",
            &analyst,
            aliases(10, unit_page),
        ),
    ];
    let mut answered = 0;
    for (name, token, document) in &documents {
        answered += usize::from(bounded(&mut server, token, name, document).await == "ok");
    }
    assert!(answered >= 4, "the ordinary documents are answered");
    let (_, body) = server
        .graphql(
            &analyst,
            "{ units(filter: { areaCode: \"522\" }) { totalCount } }",
        )
        .await;
    assert_eq!(body["data"]["units"]["totalCount"], 23, "{body}");

    // 270 unit areas more: every area in full now costs what it would return.
    let create =
        "mutation($c: String!, $on: NaiveDate) { createUnitArea(unitCode: $c, on: $on) { code } }";
    for (on, first) in [("2024-12-31", 200), ("2025-07-01", 100)] {
        let q = format!(
            "{{ units(filter: {{ activeOn: \"{on}\" }}, first: {first}) {{ nodes {{ code }} }} }}"
        );
        let (_, body) = server.graphql(&admin, &q).await;
        for unit in body["data"]["units"]["nodes"].as_array().unwrap() {
            let vars = json!({ "c": unit["code"], "on": on });
            let (status, body) = server
                .post_json(
                    "/graphql",
                    &admin,
                    &json!({ "query": create, "variables": vars }),
                )
                .await;
            assert!(status == 200 && body.get("errors").is_none(), "{body}");
        }
    }
    let (_, body) = server.graphql(&analyst, "{ areas { code } }").await;
    let areas = body["data"]["areas"].as_array().unwrap().len();
    assert!(areas > 250, "{areas} areas");
    let code = bounded(
        &mut server,
        &analyst,
        "every area in full, 270 more areas",
        &every_area,
    )
    .await;
    assert_eq!(
        code, "QUERY_TOO_COMPLEX",
        "priced by the areas it would return"
    );
    let mut answered = 0;
    for (name, token, document) in &documents {
        let name = format!("{name}, 270 more areas");
        answered += usize::from(bounded(&mut server, token, &name, document).await == "ok");
    }
    assert!(answered >= 2);
    let code = bounded(
        &mut server,
        &analyst,
        "every area's code and members",
        "{ areas { code members { unitCode validFrom } } }",
    )
    .await;
    assert_eq!(code, "ok");
    assert!(server.healthy().await);
}

/// The most expensive series a viewer may ask for since series have a basis and more
/// breakdowns: 600 months re-based onto today's units, by every breakdown (areas and
/// former provinces included), alone and in aliases. Each is answered, refused for its
/// cost or its size, or cut by the query timeout; the process stays up and `/health`
/// answers.
#[tokio::test]
async fn the_worst_series_documents_are_bounded_and_the_server_stays_up() {
    let mut server = ServerProcess::start(&[("COSO_RATE_LIMIT_PER_MIN", "0")]).await;
    let viewer = server.token("viewer", None);
    let series = |basis: &str| {
        format!(
            "indicatorSeries(code: \"staffing_ratio\", from: \"1975-01-01\", to: \"2024-12-31\", \
             basis: {basis}, groupBy: [PROVINCE, DISTRICT, KIND, UNIT, FORMER_PROVINCE, AREA]) \
             {{ asOf value structureChanged group {{ kind code name }} }}"
        )
    };
    let aliases = |n: usize, body: &str| {
        let parts: Vec<String> = (0..n).map(|i| format!("a{i}: {body}")).collect();
        format!("{{ {} }}", parts.join(" "))
    };
    for (name, document) in [
        (
            "600 months on today's units",
            aliases(1, &series("CURRENT_UNITS")),
        ),
        ("600 months as they were", aliases(1, &series("AS_WAS"))),
        (
            "10 aliases on today's units",
            aliases(10, &series("CURRENT_UNITS")),
        ),
        (
            "600 months of the province on today's units",
            "{ indicatorSeries(code: \"staffing_ratio\", from: \"1975-01-01\", to: \"2024-12-31\", \
             basis: CURRENT_UNITS) { asOf value structureChanged } }"
                .to_owned(),
        ),
        (
            "4 years by unit and area on today's units",
            "{ indicatorSeries(code: \"staffing_ratio\", from: \"2023-01-01\", to: \"2026-11-30\", \
             basis: CURRENT_UNITS, groupBy: [UNIT, AREA, FORMER_PROVINCE]) { asOf value group { code } } }"
                .to_owned(),
        ),
    ] {
        let started = Instant::now();
        let (status, body) = server.graphql(&viewer, &document).await;
        let took = started.elapsed();
        let code = match body.get("errors") {
            Some(errors) => errors[0]["extensions"]["code"].as_str().unwrap_or("?"),
            None => "ok",
        }
        .to_owned();
        println!(
            "{name}: {} ms, HTTP {status}, {code}, peak {:.0} MiB",
            took.as_millis(),
            server.peak_mib()
        );
        assert!(
            ["ok", "QUERY_TOO_COMPLEX", "RESPONSE_TOO_LARGE", "TIMEOUT"].contains(&code.as_str()),
            "{name}: {code}"
        );
        assert!(took < Duration::from_secs(20), "{name} took {took:?}");
        assert!(server.alive(), "{name}: the process is gone");
        assert!(server.healthy().await, "{name}: /health");
    }
}

/// The worst `indicators(groupCodes:)` a viewer may send (100 codes, every breakdown, every
/// field of a value) answers within the limits, 101 codes are refused, and the server
/// process still answers `/health`.
#[tokio::test]
async fn the_largest_group_codes_document_is_bounded() {
    let mut server = ServerProcess::start(&[]).await;
    let viewer = server.token("viewer", None);
    let codes = |n: usize| {
        (0..n)
            .map(|i| format!("\"{}\"", 21000 + i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let doc = |n: usize| {
        format!(
            "{{ indicators(asOf: \"2024-12-31\", groupBy: [PROVINCE, DISTRICT, KIND, UNIT], \
             groupCodes: [{}]) {{ code name nameEn unit value numerator denominator display \
             target targetDate status rule asOf dataAsOf dataVersion computedAt \
             group {{ kind code name }} }} }}",
            codes(n)
        )
    };
    let (status, body) = server.graphql(&viewer, &doc(100)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["errors"].is_null(), "{body}");
    let values = body["data"]["indicators"].as_array().map_or(0, Vec::len);
    assert!(values > 0, "units of the demo among the codes: {body}");
    let (_, body) = server.graphql(&viewer, &doc(101)).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INVALID_INPUT",
        "{body}"
    );
    assert!(server.healthy().await);
    assert!(server.alive());
}

/// `coso seed` ends by refreshing the planner's statistics (a freshly loaded table looks
/// empty to PostgreSQL's planner until `ANALYZE`, and autovacuum may be late or off):
/// PostgreSQL records when the officer table was analysed and vacuumed (its visibility map
/// set, so index-only scans skip the heap), SQLite holds its `sqlite_stat1` rows.
#[tokio::test]
async fn a_seed_leaves_the_planner_statistics_fresh() {
    use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
    let dir = tempfile::tempdir().expect("tempdir");
    let url = fresh_database_url(dir.path()).await;
    let seeded = command(dir.path(), &url)
        .args(["seed", "--demo"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(seeded, "coso seed --demo");
    let db = Database::connect(url.as_str()).await.expect("connect");
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT COUNT(*) AS n FROM pg_stat_user_tables WHERE relname = 'officer' \
             AND last_analyze IS NOT NULL AND last_vacuum IS NOT NULL"
        }
        _ => "SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'officer'",
    };
    let mut analysed = 0;
    for _ in 0..50 {
        let row = db
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .expect("query")
            .expect("a row");
        analysed = row.try_get::<i64>("", "n").expect("n");
        if analysed > 0 {
            break;
        }
        // PostgreSQL publishes its table statistics a moment after the command ends.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        analysed > 0,
        "the officer table's statistics were refreshed"
    );
}
