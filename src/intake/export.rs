//! Exports: a kind's template filled with the records of the caller's scope on a day,
//! the same columns an import reads, so an export imports back unchanged. Text that a
//! spreadsheet would run as a formula is written with the quote prefix.

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use super::kind::Kind;
use crate::auth::Scope;
use crate::service::{Result, ServiceError};

/// The workbook of `kind` for `scope` on `day` (always Some: every kind exports; an
/// area admin asking for a province-level kind is refused).
pub async fn workbook(
    db: &impl ConnectionTrait,
    scope: &Scope,
    kind: Kind,
    day: NaiveDate,
    english: bool,
) -> Result<Option<Vec<u8>>> {
    use super::keyed::Keyed;
    use super::*;
    if kind.province_only() && !scope.is_all() {
        return Err(ServiceError::Forbidden(format!(
            "\"{}\" files are province-level: a province admin exports them",
            kind.code()
        )));
    }
    let rows = match kind {
        Kind::Officers => officers::Officers::export(db, scope, day).await?,
        Kind::Seats => seats::Seats::export(db, scope, day).await?,
        Kind::Headquarters => headquarters::Headquarters::export(db, scope, day).await?,
        Kind::Directives => directives::Directives::export(db, scope, day).await?,
        Kind::Activities => activities::Activities::export(db, scope, day).await?,
        Kind::Questions => questions::Questions::export(db, scope, day).await?,
        Kind::Awards => awards::Awards::export(db, scope, day).await?,
        Kind::Areas => areas::Areas::export(db, scope, day).await?,
    };
    let bytes = tokio::task::spawn_blocking(move || super::sheet::filled(kind, english, &rows))
        .await
        .map_err(|e| ServiceError::Internal(format!("export task: {e}")))?
        .map_err(|e| ServiceError::Internal(format!("export workbook: {e}")))?;
    Ok(Some(bytes))
}
