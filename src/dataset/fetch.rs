//! The columnar fetch behind the dataset load: one statement per table that returns a
//! single row whose fields are JSON arrays, one per column, built by the database
//! (`json_group_array` on SQLite, `json_agg` on PostgreSQL) over the scoped SELECT.
//!
//! Why: decoding row by row through the driver costs microseconds a row (on SQLite
//! every row crosses from the driver's worker thread), which for the national tier's
//! hundreds of thousands of rows was most of a second; one row per table leaves only
//! the JSON parse. All aggregates of one SELECT see the same rows in the same order,
//! so the arrays line up; the rows come in key order from the inner SELECT.

use polars::prelude::*;
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, Order, QueryOrder, QuerySelect, QueryTrait, Select,
    Statement,
};

use super::columns::{Kind, Spec, decode};
use crate::service::{Result, ServiceError};

/// The frame of `specs`' columns over the rows of `select` (already scoped), ordered
/// by `key`. The JSON is decoded on the blocking pool: it is CPU work (tens of
/// milliseconds for the largest tables) and tables then decode side by side.
pub async fn table<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    key: &str,
    specs: &'static [Spec],
) -> Result<DataFrame> {
    let stmt = statement(db.get_database_backend(), select, key, specs);
    let row = db.query_one_raw(stmt).await?;
    let mut arrays = Vec::with_capacity(specs.len());
    for i in 0..specs.len() {
        let json = match &row {
            Some(row) => row.try_get_by_index::<Option<String>>(i)?,
            None => None,
        };
        // PostgreSQL's `json_agg` over no rows is NULL.
        arrays.push(json.unwrap_or_else(|| "[]".to_owned()));
    }
    match tokio::task::spawn_blocking(move || build(specs, &arrays)).await {
        Ok(Ok(frame)) => Ok(frame),
        Ok(Err(e)) => Err(ServiceError::Internal(format!("building frames: {e}"))),
        Err(e) => Err(ServiceError::Internal(format!("frame builder: {e}"))),
    }
}

/// The single-row statement: `SELECT agg(t.a), agg(t.b), ... FROM (select) AS t`.
fn statement<E: EntityTrait>(
    backend: DbBackend,
    select: Select<E>,
    key: &str,
    specs: &[Spec],
) -> Statement {
    let inner = specs
        .iter()
        .fold(select.select_only(), |s, (name, _)| {
            s.expr(Expr::col(Alias::new(*name)))
        })
        .order_by(Expr::col(Alias::new(key)), Order::Asc)
        .build(backend);
    let aggregates: Vec<String> = specs
        .iter()
        .map(|&(name, kind)| aggregate(backend, name, kind))
        .collect();
    let sql = format!("SELECT {} FROM ({}) AS t", aggregates.join(", "), inner.sql);
    Statement {
        sql,
        values: inner.values,
        db_backend: backend,
    }
}

/// The JSON array of one column, as text.
fn aggregate(backend: DbBackend, name: &str, kind: Kind) -> String {
    let col = format!("t.\"{name}\"");
    let value = match kind {
        Kind::Flag => format!("CASE WHEN {col} THEN 1 WHEN NOT {col} THEN 0 END"),
        _ => col,
    };
    match backend {
        DbBackend::Postgres => format!("CAST(json_agg({value}) AS TEXT)"),
        DbBackend::Sqlite => format!("json_group_array({value})"),
        _ => format!("JSON_ARRAYAGG({value})"),
    }
}

/// The frame of the decoded arrays.
fn build(specs: &[Spec], arrays: &[String]) -> PolarsResult<DataFrame> {
    let columns = specs
        .iter()
        .zip(arrays)
        .map(|(&(name, kind), json)| decode(name, kind, json))
        .collect::<PolarsResult<Vec<Column>>>()?;
    let height = columns.first().map_or(0, Column::len);
    DataFrame::new(height, columns)
}
