//! Exports: a kind's template filled with the records of the caller's scope on a day,
//! the same columns an import reads, so an export imports back unchanged. Text that a
//! spreadsheet would run as a formula is written with the quote prefix.

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use super::kind::Kind;
use crate::auth::Scope;
use crate::service::{Result, ServiceError};

/// The workbook of `kind` for `scope` on `day` (None for a kind without export yet).
pub async fn workbook(
    db: &impl ConnectionTrait,
    scope: &Scope,
    kind: Kind,
    day: NaiveDate,
    english: bool,
) -> Result<Option<Vec<u8>>> {
    let rows = match kind {
        Kind::Officers => super::officers::export(db, scope, day).await?,
        Kind::Seats => super::seats::export(db, scope, day).await?,
        Kind::Headquarters => super::headquarters::export(db, scope, day).await?,
        _ => return Ok(None),
    };
    let bytes = tokio::task::spawn_blocking(move || super::sheet::filled(kind, english, &rows))
        .await
        .map_err(|e| ServiceError::Internal(format!("export task: {e}")))?
        .map_err(|e| ServiceError::Internal(format!("export workbook: {e}")))?;
    Ok(Some(bytes))
}
