//! Domain operations over sea-orm: list queries (filters, scope, sorting, pages),
//! batch lookups for the DataLoaders, and validated writes. No GraphQL or HTTP here,
//! except that filter and input structs derive `InputObject` so the API can accept them
//! as they are (a description derive, no resolver logic).
//!
//! Every function takes `&impl ConnectionTrait`, so it also runs inside a transaction,
//! and a [`Scope`](crate::auth::Scope) that it applies in the SQL.

pub mod activities;
pub mod analytics;
pub mod audit;
pub mod awards;
pub mod dialogue;
pub mod directives;
pub mod districts;
mod error;
pub mod headquarters;
pub mod indicators;
pub mod memberships;
pub mod officers;
pub mod page;
pub mod schedules;
pub mod scope;
pub mod sizes;
pub mod tokens;
pub mod units;
pub mod version;

pub use error::{ServiceError, is_unreachable, parse_code as error_parse};

/// Result of a service operation.
pub type Result<T> = std::result::Result<T, ServiceError>;

/// Starts a write: every mutation runs in one transaction, so a failure leaves nothing
/// half written.
pub async fn begin(db: &sea_orm::DatabaseConnection) -> Result<sea_orm::DatabaseTransaction> {
    use sea_orm::TransactionTrait;
    Ok(db.begin().await?)
}

/// Finishes a write: bumps the data version and commits.
pub async fn commit(txn: sea_orm::DatabaseTransaction) -> Result<()> {
    version::bump(&txn).await?;
    Ok(txn.commit().await?)
}
