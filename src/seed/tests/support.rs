//! Test support: fresh migrated databases and counting queries.

use migration::MigratorTrait;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use tempfile::TempDir;

/// A fresh, migrated database that is removed when the test ends.
pub(super) struct TestDb {
    pub db: DatabaseConnection,
    _dir: Option<TempDir>,
    /// Admin URL and name of a PostgreSQL database to drop at the end.
    pg: Option<(String, String)>,
}

/// A migrated SQLite database in a temporary file.
pub(super) async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.db");
    // through `db::connect`, as the service opens it (and as every SQLite connection of
    // this test process is opened: `db::sqlite`'s process-wide setting comes first)
    let (db, _) = crate::db::connect(&format!("sqlite://{}?mode=rwc", path.display()), 4)
        .await
        .unwrap();
    migration::Migrator::up(&db, None).await.unwrap();
    TestDb {
        db,
        _dir: Some(dir),
        pg: None,
    }
}

/// A migrated, freshly created PostgreSQL database, if `COSO_TEST_DATABASE_URL` is set.
/// Without it the caller skips its PostgreSQL part, and this says so on stderr (past the
/// harness's capture); with `COSO_TEST_REQUIRE_POSTGRES=1` a missing URL fails instead.
pub(super) async fn postgres() -> Option<TestDb> {
    let Some(admin_url) = std::env::var("COSO_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        let required = std::env::var("COSO_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "COSO_TEST_REQUIRE_POSTGRES=1 but COSO_TEST_DATABASE_URL is not set"
        );
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "seed test: PostgreSQL part SKIPPED (COSO_TEST_DATABASE_URL is not set)"
        );
        return None;
    };
    let name = format!("coso_seed_test_{:08x}", rand::random::<u32>());
    let admin = Database::connect(&admin_url).await.unwrap();
    exec(&admin, &format!("CREATE DATABASE {name}")).await;
    admin.close().await.unwrap();
    let base = admin_url.split('?').next().unwrap_or(&admin_url);
    let (server, _) = base.rsplit_once('/').unwrap();
    let db = Database::connect(format!("{server}/{name}")).await.unwrap();
    migration::Migrator::up(&db, None).await.unwrap();
    Some(TestDb {
        db,
        _dir: None,
        pg: Some((admin_url, name)),
    })
}

impl TestDb {
    /// Closes the connection and drops a PostgreSQL test database.
    pub async fn cleanup(self) {
        self.db.close().await.unwrap();
        if let Some((admin_url, name)) = self.pg {
            let admin = Database::connect(&admin_url).await.unwrap();
            exec(
                &admin,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
            .await;
            admin.close().await.unwrap();
        }
    }
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(DbBackend::Postgres, sql.to_owned()))
        .await
        .unwrap();
}

/// The single integer a query returns.
pub(super) async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let stmt = Statement::from_string(db.get_database_backend(), sql.to_owned());
    let row = db.query_one_raw(stmt).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// `SELECT COUNT(*) FROM <from_where>`.
pub(super) async fn rows(db: &DatabaseConnection, from_where: &str) -> i64 {
    count(db, &format!("SELECT COUNT(*) FROM {from_where}")).await
}

/// The row count of every seeded table.
pub(super) async fn table_counts(db: &DatabaseConnection) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES {
        counts.push(rows(db, table).await);
    }
    counts
}

pub(super) const TABLES: [&str; 13] = [
    "province",
    "district",
    "unit",
    "officer",
    "party_membership",
    "headquarters",
    "directive",
    "union_activity",
    "dialogue_session",
    "dialogue_question",
    "award",
    "data_version",
    "api_token",
];

/// Every (table, date column) of an event, which must fall on or before 2024-12-31 (the
/// registry of unit codes also holds the codes of the history: Kon Tum's, from 2024-05-01,
/// and Lý Sơn's special zone of 2025-07-01, left out).
pub(super) const EVENT_DATES: [(&str, &str); 15] = [
    ("officer", "posted_from"),
    ("party_membership", "started_on"),
    ("headquarters", "approved_on"),
    ("headquarters", "construction_started_on"),
    ("headquarters", "in_use_on"),
    ("headquarters", "closed_on"),
    ("directive", "issued_on"),
    ("union_activity", "started_on"),
    ("union_activity", "ended_on"),
    ("dialogue_session", "held_on"),
    ("dialogue_question", "asked_on"),
    ("dialogue_question", "answered_on"),
    ("award", "awarded_on"),
    (
        "unit WHERE province_code <> '62' AND kind <> 'dac_khu'",
        "valid_from",
    ),
    ("district", "valid_from"),
];

/// Asserts that no event date is after 2024-12-31.
pub(super) async fn assert_events_before_2025(db: &DatabaseConnection) {
    for (table, column) in EVENT_DATES {
        let join = if table.contains(" WHERE ") {
            "AND"
        } else {
            "WHERE"
        };
        let late = rows(db, &format!("{table} {join} {column} > '2024-12-31'")).await;
        assert_eq!(late, 0, "{table}.{column} after 2024");
    }
}

/// Runs one statement.
pub(super) async fn execute(db: &DatabaseConnection, sql: &str) {
    let stmt = Statement::from_string(db.get_database_backend(), sql.to_owned());
    db.execute_raw(stmt).await.unwrap();
}
