//! Database connection: opens the pool (SQLite or PostgreSQL), runs migrations and
//! counts statements, so tests and metrics can see how many queries a request cost.
//! On SQLite every connection is in WAL mode with a busy timeout, and write
//! transactions start with `BEGIN IMMEDIATE` ([`crate::service::begin`]), so concurrent
//! writers queue for the write lock instead of failing with "database is locked".
//! Settings sqlx does not expose (memory statistics, planner stability) are in [`sqlite`].

pub mod sqlite;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::MigratorTrait;
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};

/// How long an SQLite writer waits for the write lock before giving up.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Rows an SQLite connection's worker thread may read ahead of the task taking them: a
/// page of the API (at most 100 rows at the top, a few hundred nested) without the thread
/// waiting for the task in between.
pub const SQLITE_ROWS_AHEAD: usize = 512;

/// Counts the SQL statements run through a connection.
#[derive(Clone, Debug, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    /// Statements run so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// How long a statement waits for a connection of the pool before the database counts
/// as unreachable.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(4);

/// Connects to `url` with a pool of at most `max_connections`, counting statements.
pub async fn connect(
    url: &str,
    max_connections: u32,
) -> Result<(DatabaseConnection, StatementCounter), DbErr> {
    if url.starts_with("sqlite:") {
        sqlite::before_first_connection();
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        // Shorter than the operation timeout (`COSO_QUERY_TIMEOUT_MS`, 10 s by default),
        // so that a request finding the database gone answers `DATABASE_UNAVAILABLE`
        // (503, Retry-After) rather than `TIMEOUT`.
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .sqlx_logging(false)
        // Each connection of the pool, not only the first: WAL (readers never wait for the
        // writer) and a busy timeout (a writer waits for the lock rather than failing).
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                // rows a statement's worker thread may read ahead of the request's task
                // (sqlx's default, 50, parks the thread twice on a page of 100 officers)
                .row_buffer_size(SQLITE_ROWS_AHEAD)
        })
        .map_sqlx_sqlite_pool_opts(|o| {
            o.after_connect(|conn, _| Box::pin(async move { sqlite::on_connect(conn).await }))
        });
    let mut db = Database::connect(options).await?;
    let counter = StatementCounter::default();
    let inner = counter.0.clone();
    db.set_metric_callback(move |info| {
        // `RUST_LOG=coso::sql=trace` shows every statement (without its values).
        tracing::trace!(target: "coso::sql", elapsed = ?info.elapsed, failed = info.failed, sql = %info.statement.sql);
        inner.fetch_add(1, Ordering::Relaxed);
    });
    Ok((db, counter))
}

/// Connects and migrates, retrying with backoff (0.5 s doubling to 10 s) while the
/// database cannot be reached, for at most `wait` (then the last error). Each failed
/// attempt is logged with when the next one comes; other errors end it at once.
pub async fn connect_and_migrate(
    url: &str,
    max_connections: u32,
    wait: Duration,
) -> Result<(DatabaseConnection, StatementCounter), DbErr> {
    let started = std::time::Instant::now();
    let mut delay = Duration::from_millis(500);
    let mut attempt = 1u32;
    loop {
        let tried = async {
            let (db, counter) = connect(url, max_connections).await?;
            migrate(&db).await?;
            Ok::<_, DbErr>((db, counter))
        };
        match tried.await {
            Ok(ok) => {
                if attempt > 1 {
                    tracing::info!(attempt, "database reachable: starting");
                }
                return Ok(ok);
            }
            Err(e) if crate::service::is_unreachable(&e) && started.elapsed() + delay <= wait => {
                let error = crate::secret::scrub(&e.to_string(), &[url]);
                tracing::warn!(attempt, retry_in_ms = delay.as_millis() as u64, %error, "database not reachable; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Begins a transaction that will write: on SQLite `BEGIN IMMEDIATE`, so that it takes the
/// write lock at once (waiting out the busy timeout) instead of failing with "database is
/// locked" when it first reads and then writes; on PostgreSQL an ordinary transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    db.begin_with_options(options).await
}

/// Refreshes the query planner's statistics after a bulk load (a seed, a large import):
/// PostgreSQL's `ANALYZE` (autovacuum does it too, but minutes later, or never when it is
/// off; until then the planner takes a freshly loaded table for nearly empty and scans
/// it: 40 ms instead of 3.6 ms for 100 units' officers on the national tier); SQLite's
/// `ANALYZE` likewise fills `sqlite_stat1` and `sqlite_stat4` (whose re-preparing of
/// statements [`sqlite`]'s planner stability turns off). On PostgreSQL it vacuums too
/// (`VACUUM (ANALYZE)`): until a table is vacuumed its visibility map is empty, and every
/// index-only scan reads the heap as well (on the national tier, with autovacuum off, the
/// district list's statement cost PostgreSQL 4.1 ms a request before a `VACUUM`, 2.5 ms
/// after). SQLite's `VACUUM` rewrites the whole file and is not needed for this. A failure is logged, not returned: the data is in either way.
pub async fn refresh_statistics(db: &DatabaseConnection) {
    let started = std::time::Instant::now();
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "VACUUM (ANALYZE)",
        _ => "ANALYZE",
    };
    match db.execute_unprepared(sql).await {
        Ok(_) => tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "planner statistics refreshed"
        ),
        Err(e) => tracing::warn!(error = %e, "could not refresh the planner statistics"),
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await?;
    // A database whose history was loaded before areas existed gets its district areas.
    crate::service::areas::ensure_district_areas(db).await?;
    Ok(())
}
