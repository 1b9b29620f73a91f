//! Domain operations over sea-orm: list queries (filters, scope, sorting, pages),
//! batch lookups for the DataLoaders, and validated writes. No GraphQL or HTTP here:
//! services take and return plain domain structs and enums and fail with
//! [`ServiceError`]; the API declares its own argument and object types and converts
//! them (`crate::graphql::input`, `crate::graphql::types`).
//!
//! Every function takes `&impl ConnectionTrait`, so it also runs inside a transaction,
//! and a [`Scope`](crate::auth::Scope) that it applies in the SQL.

pub mod activities;
pub mod analytics;
pub mod areas;
pub mod audit;
pub mod awards;
pub mod carry;
pub mod dialogue;
pub mod directives;
pub mod districts;
mod error;
pub mod headquarters;
pub mod history;
pub mod indicators;
pub mod keyset;
pub mod lineage;
pub mod memberships;
pub mod officers;
pub mod page;
pub mod plausible;
pub mod schedules;
pub mod scope;
pub mod shared_read;
pub mod sizes;
pub mod token_cache;
pub mod tokens;
pub mod units;
pub mod version;

pub use error::{ServiceError, is_unreachable, parse_code as error_parse};

/// Result of a service operation.
pub type Result<T> = std::result::Result<T, ServiceError>;

/// Starts a write: every mutation runs in one transaction, so a failure leaves nothing
/// half written. On SQLite it is `BEGIN IMMEDIATE`: the transaction takes the write lock
/// at once (waiting up to the busy timeout for another writer), so it can never fail
/// half way with "database is locked" when it turns from reading to writing.
/// PostgreSQL ignores the mode.
pub async fn begin(db: &sea_orm::DatabaseConnection) -> Result<sea_orm::DatabaseTransaction> {
    Ok(crate::db::begin_write(db).await?)
}

/// Serialises, until the transaction ends, the writers that check a rule no unique
/// index enforces (one directive per number, no overlapping seats): on PostgreSQL a
/// transaction-level advisory lock on `(class, key)`; on SQLite writers already hold the
/// one write lock (`BEGIN IMMEDIATE`).
pub async fn serialise(db: &impl sea_orm::ConnectionTrait, class: i32, key: i32) -> Result<()> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let stmt = sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1, $2)",
            [class.into(), key.into()],
        );
        db.execute_raw(stmt).await?;
    }
    Ok(())
}

/// Finishes a write: bumps the data version and commits.
pub async fn commit(txn: sea_orm::DatabaseTransaction) -> Result<()> {
    version::bump(&txn).await?;
    txn.commit().await?;
    version::committed();
    Ok(())
}
