//! SQLite's settings below what sqlx exposes, applied where the pool is opened
//! ([`super::connect`]): one for the process before its first connection, one per
//! connection as the pool opens it. Both measured under `coso bench graphql` on the demo
//! data (README, Operations: "SQLite's memory statistics and plan stability").
//!
//! - **Memory statistics off** (`SQLITE_CONFIG_MEMSTATUS`). With them on, every
//!   allocation SQLite makes takes one process-wide mutex to count itself; with a pool of
//!   connections, each on its own worker thread, that mutex is contended on every row
//!   read (SQLite copies each value it hands to sqlx). SQLite's documentation recommends
//!   turning them off when they are not read; coso never reads them.
//! - **Query planner stability** (`SQLITE_DBCONFIG_ENABLE_QPSG`). The bundled SQLite is
//!   built with `SQLITE_ENABLE_STAT4`, and once `ANALYZE` has filled `sqlite_stat4` it
//!   re-prepares (parses and plans again) a cached statement whenever a bound value that
//!   might change its plan changes: every statement of every request. With planner
//!   stability the plan of a statement no longer depends on the values bound to it, so
//!   the prepared statement cache works again.

use std::ffi::c_int;
use std::sync::Once;

use sea_orm::sqlx::sqlite::SqliteConnection;

/// Turns SQLite's memory statistics off, once per process, before its first connection
/// (SQLite accepts it only before it is initialised: a later call is refused, logged,
/// and changes nothing).
pub fn before_first_connection() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sqlite3_config` is called before any connection of this process, with
        // the argument `SQLITE_CONFIG_MEMSTATUS` takes (an int); SQLite returns
        // `SQLITE_MISUSE` without any effect if it is already initialised.
        let rc = unsafe {
            libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0 as c_int)
        };
        if rc != libsqlite3_sys::SQLITE_OK {
            tracing::warn!(
                rc,
                "SQLite was initialised already: its memory statistics stay on"
            );
        }
    });
}

/// Turns query planner stability on for a connection the pool just opened.
pub async fn on_connect(conn: &mut SqliteConnection) -> Result<(), sea_orm::sqlx::Error> {
    let (rc, now) = planner_stability_setting(conn, 1).await?;
    if rc != libsqlite3_sys::SQLITE_OK || now != 1 {
        tracing::warn!(rc, now, "SQLite refused query planner stability");
    }
    Ok(())
}

/// Whether query planner stability is on for `conn`.
pub async fn planner_stability(conn: &mut SqliteConnection) -> Result<bool, sea_orm::sqlx::Error> {
    Ok(planner_stability_setting(conn, -1).await?.1 == 1)
}

/// Bytes SQLite holds, as it counts them: 0 when its memory statistics are off.
pub fn memory_counted() -> i64 {
    // SAFETY: a read of a counter, with no argument.
    unsafe { libsqlite3_sys::sqlite3_memory_used() }
}

/// Sets query planner stability (1 on, 0 off, -1 unchanged) and returns SQLite's code
/// and the setting it now has.
async fn planner_stability_setting(
    conn: &mut SqliteConnection,
    to: c_int,
) -> Result<(c_int, c_int), sea_orm::sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle();
    let mut now: c_int = -1;
    // SAFETY: the handle is locked for us (no other thread uses the connection while it
    // is held), and `SQLITE_DBCONFIG_ENABLE_QPSG` takes an int (1 on, 0 off, negative:
    // unchanged) and a pointer to an int where SQLite writes the setting it now has.
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db.as_ptr(),
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            to,
            &mut now as *mut c_int,
        )
    };
    Ok((rc, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every connection of a pool opened by `db::connect` plans with stability, and
    /// SQLite counts no memory (its statistics are off), after statements have run.
    #[tokio::test]
    async fn the_pool_plans_with_stability_and_counts_no_memory() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let (db, _) = crate::db::connect(&url, 2).await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        let pool = db.get_sqlite_connection_pool();
        let mut a = pool.acquire().await.unwrap();
        let mut b = pool.acquire().await.unwrap();
        assert!(planner_stability(&mut a).await.unwrap());
        assert!(planner_stability(&mut b).await.unwrap());
        assert_eq!(memory_counted(), 0, "SQLite's memory statistics are on");
        // and a connection opened around the pool has SQLite's default: no stability
        use sea_orm::sqlx::Connection;
        let mut raw = SqliteConnection::connect(&url).await.unwrap();
        assert!(!planner_stability(&mut raw).await.unwrap());
    }
}
