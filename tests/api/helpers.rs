//! Test harness: spawn the app on its own database, make tokens, send GraphQL.

use std::time::{SystemTime, UNIX_EPOCH};

use coso::app::Application;
use coso::config::{Limits, Observability, Settings};
use coso::db::StatementCounter;
use coso::domain::Role;
use coso::service::tokens;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

/// A district of Quảng Ngãi used by the scoping tests: Thành phố Quảng Ngãi.
pub const CITY: &str = "522";
/// Another district: Huyện Bình Sơn.
pub const OTHER: &str = "524";

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub base: String,
    /// The metrics-only listener, when configured.
    pub metrics_base: Option<String>,
    /// The readiness flags the scheduler sets.
    pub readiness: coso::telemetry::readiness::Readiness,
    pub db: DatabaseConnection,
    pub statements: StatementCounter,
    pub client: reqwest::Client,
    pub admin: String,
    pub analyst: String,
    pub viewer: String,
    /// An admin limited to [`CITY`].
    pub city_admin: String,
    /// A viewer limited to [`CITY`].
    pub city_viewer: String,
    /// Where the server writes `.eml` files (no SMTP server configured).
    pub outbox: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// A fresh, empty database URL: PostgreSQL when `COSO_TEST_DATABASE_URL` is set, else
/// SQLite (refused when `COSO_TEST_REQUIRE_POSTGRES=1`, as in CI's PostgreSQL run). The
/// first call says which, on stderr past the test harness's capture.
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    let server = std::env::var("COSO_TEST_DATABASE_URL").unwrap_or_default();
    let require = std::env::var("COSO_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    assert!(
        !(server.is_empty() && require),
        "COSO_TEST_REQUIRE_POSTGRES=1 but COSO_TEST_DATABASE_URL is not set"
    );
    announce(&server);
    if server.is_empty() {
        format!("sqlite://{}?mode=rwc", dir.join("coso.db").display())
    } else {
        fresh_postgres(&server).await
    }
}

/// Says once per run which database the API tests use.
fn announce(server: &str) {
    use std::io::Write;
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let what = if server.is_empty() {
            "SQLite (a temporary file per test); set COSO_TEST_DATABASE_URL to use PostgreSQL"
                .to_owned()
        } else {
            let host = server.rsplit('@').next().unwrap_or("?");
            format!("PostgreSQL at {host} (a fresh coso_test_* database per test)")
        };
        let _ = writeln!(std::io::stderr(), "API tests use {what}");
    });
}

async fn fresh_postgres(server: &str) -> String {
    let admin = Database::connect(server)
        .await
        .expect("connect to COSO_TEST_DATABASE_URL");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    drop_stale(&admin, now).await;
    let name = format!("coso_test_{now}_{:08x}", rand::random::<u32>());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let (head, _) = server
        .rsplit_once('/')
        .expect("COSO_TEST_DATABASE_URL ends with /<database>");
    format!("{head}/{name}")
}

/// Drops test databases more than an hour old (left by earlier runs).
async fn drop_stale(admin: &DatabaseConnection, now: u64) {
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'coso_test_%'",
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let created: u64 = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or(now);
        if created + 3600 < now {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

/// Settings for a test server on port 0.
pub fn settings(url: String, limits: Limits) -> Settings {
    Settings {
        listen: "127.0.0.1:0".parse().expect("address"),
        database_url: Some(url),
        db_max_connections: 5,
        db_wait_secs: 0,
        limits,
        indicator_refresh_secs: 0,
        time_zone: coso::clock::DEFAULT_ZONE,
        staffing_floor: Default::default(),
        mail: Default::default(),
        // The worker is the coso binary (this process is the test harness).
        analytics: coso::analytics::settings::AnalyticsSettings {
            analytics_worker: Some(env!("CARGO_BIN_EXE_coso").into()),
            ..Default::default()
        },
        scheduler: coso::scheduler::SchedulerSettings {
            tick_secs: 0,
            retry_base_ms: 50,
            ..Default::default()
        },
        log_format: "text".into(),
        observe: Default::default(),
        connections: Default::default(),
        browser: Default::default(),
        // The demo reproduces the source report on its day; tests of today unpin it.
        today: Some(ARTICLE_DAY.parse().expect("date")),
        bench_floor: false,
    }
}

/// The day of the source report's figures (31/12/2024), "today" of the test servers
/// unless a test unpins it.
pub const ARTICLE_DAY: &str = "2024-12-31";

impl TestApp {
    /// A server with the demo data and one token of each kind.
    pub async fn spawn() -> Self {
        Self::spawn_with(Limits::default(), true).await
    }

    /// A server with the demo data whose "today" is the real one (not the article's day).
    pub async fn spawn_today() -> Self {
        Self::spawn_tuned(Limits::default(), true, |s| s.today = None).await
    }

    /// A server whose scheduler's clock stands at 07:00 on 1 January 2025 in Quảng Ngãi:
    /// a report run then is the report of December 2024, the source report's figures.
    pub async fn spawn_on_report_day() -> Self {
        let at = chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .expect("time")
            .to_utc();
        Self::spawn_tuned(Limits::default(), true, |s| {
            s.scheduler.clock = coso::clock::Clock::manual(at);
        })
        .await
    }

    /// A server with the given limits, with or without the demo data.
    pub async fn spawn_with(limits: Limits, demo: bool) -> Self {
        Self::spawn_observed(limits, demo, Observability::default()).await
    }

    /// A server with the given limits and metrics and logging settings.
    pub async fn spawn_observed(limits: Limits, demo: bool, observe: Observability) -> Self {
        Self::spawn_tuned(limits, demo, |s| s.observe = observe).await
    }

    /// A server with the given limits, whose other settings `tune` adjusts.
    pub async fn spawn_tuned(limits: Limits, demo: bool, tune: impl FnOnce(&mut Settings)) -> Self {
        coso::telemetry::init("text");
        let dir = tempfile::tempdir().expect("tempdir");
        let url = fresh_database_url(dir.path()).await;
        let mut settings = settings(url, limits);
        tune(&mut settings);
        settings.mail.outbox_dir = dir.path().join("outbox");
        let app = Application::build(&settings).await.expect("build app");
        let readiness = app.readiness().clone();
        let metrics_base = app.metrics_port().map(|p| format!("http://127.0.0.1:{p}"));
        let db = app.db().clone();
        if demo {
            // The article's data set: figures that do not depend on the day tests run.
            // The demo after 2024 is tested in `demo.rs` and in the seed's own tests.
            coso::seed::seed_article(&db).await.expect("seed demo");
        }
        let base = format!("http://127.0.0.1:{}", app.port());
        let statements = app.statements.clone();
        tokio::spawn(app.run(std::future::pending()));
        let token = async |role, district: Option<&str>| {
            let district = if demo {
                district.map(str::to_owned)
            } else {
                None
            };
            tokens::create(&db, role, district, "test")
                .await
                .expect("token")
                .1
        };
        Self {
            admin: token(Role::Admin, None).await,
            analyst: token(Role::Analyst, None).await,
            viewer: token(Role::Viewer, None).await,
            city_admin: token(Role::Admin, Some(CITY)).await,
            city_viewer: token(Role::Viewer, Some(CITY)).await,
            base,
            metrics_base,
            readiness,
            db,
            statements,
            client: reqwest::Client::new(),
            outbox: dir.path().join("outbox"),
            _dir: dir,
        }
    }

    /// POSTs a GraphQL document with variables; returns the JSON body.
    pub async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = json!({ "query": query, "variables": variables });
        let resp = self.post(Some(token), &body).await;
        assert_eq!(resp.status(), 200, "GraphQL answers 200");
        resp.json().await.expect("JSON body")
    }

    /// POSTs any JSON body to /graphql.
    pub async fn post(&self, token: Option<&str>, body: &Value) -> reqwest::Response {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    /// Runs a query that must succeed; returns `data`.
    pub async fn data(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// `totalCount` of a list query with a filter.
    pub async fn count(&self, token: &str, field: &str, filter: Value) -> u64 {
        let q = format!(
            "query($f: {}) {{ {field}(filter: $f) {{ totalCount }} }}",
            filter_type(field)
        );
        let data = self.data(token, &q, json!({ "f": filter })).await;
        data[field]["totalCount"].as_u64().expect("totalCount")
    }
}

fn filter_type(field: &str) -> &'static str {
    match field {
        "units" => "UnitFilter",
        "districts" => "DistrictFilter",
        "officers" => "OfficerFilter",
        "partyMemberships" => "MembershipFilter",
        "headquarters" => "HeadquartersFilter",
        "directives" => "DirectiveFilter",
        "unionActivities" => "ActivityFilter",
        "dialogueQuestions" => "QuestionFilter",
        "awards" => "AwardFilter",
        _ => panic!("no filter type for {field}"),
    }
}

/// The `extensions.code` of the first error of a response.
pub fn first_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<no code>")
}
