//! `analyticsQuery`: one SELECT over read-only tables of the caller's data (analysts and
//! admins; an area token's tables hold only its area's rows).

use async_graphql::{Context, ErrorExtensions, Json, Object, Result, SimpleObject};

use crate::analytics::runner::Runner;
use crate::dataset::DatasetCache;
use crate::graphql::context::Ctx;
use crate::graphql::error::coded;
use crate::graphql::guards::PersonalDataGuard;
use crate::service;

/// A result column.
#[derive(SimpleObject)]
pub struct AnalyticsColumn {
    /// Column name.
    pub name: String,
    /// polars type, e.g. `str`, `i64`, `date`.
    pub data_type: String,
}

/// The result of an analytics query.
#[derive(SimpleObject)]
pub struct AnalyticsResult {
    /// The columns, in order.
    pub columns: Vec<AnalyticsColumn>,
    /// The rows: one JSON array per row (dates as "YYYY-MM-DD").
    pub rows: Json<Vec<Vec<serde_json::Value>>>,
    /// Number of rows returned.
    pub row_count: usize,
    /// Whether the result was cut at the limit.
    pub truncated: bool,
    /// The data version the tables reflect.
    pub data_version: i64,
}

/// Analytics queries.
#[derive(Default)]
pub struct AnalyticsQuery;

#[Object]
impl AnalyticsQuery {
    /// Runs one SQL SELECT over the tables `units`, `districts`, `officers`,
    /// `memberships`, `headquarters`, `directives`, `activities`, `questions`, `awards`,
    /// `indicator_values` (the stored snapshots)
    /// (analysts and admins). At most `limit` rows (default 1,000, at most 10,000).
    #[graphql(guard = "PersonalDataGuard")]
    async fn analytics_query(
        &self,
        ctx: &Context<'_>,
        sql: String,
        limit: Option<i32>,
    ) -> Result<AnalyticsResult> {
        let cache = ctx.data_unchecked::<DatasetCache>();
        let runner = ctx.data_unchecked::<Runner>();
        let limit = limit.map(|n| usize::try_from(n).unwrap_or(0));
        let query = service::analytics::query(ctx.db(), cache, runner, ctx.scope(), sql, limit);
        let (out, version) = query.await.map_err(|e| {
            let error = coded(e.code(), e.to_string());
            match e.retry_after() {
                Some(secs) => error.extend_with(|_, ext| ext.set("retryAfter", secs)),
                None => error,
            }
        })?;
        let columns = out
            .columns
            .into_iter()
            .map(|(name, data_type)| AnalyticsColumn { name, data_type })
            .collect();
        let rows = out.rows;
        Ok(AnalyticsResult {
            columns,
            row_count: rows.len(),
            rows: Json(rows),
            truncated: out.truncated,
            data_version: version,
        })
    }
}
