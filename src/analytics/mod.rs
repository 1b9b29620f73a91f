//! Ad-hoc analytics for analysts: one SELECT, checked by [`guard`], run by polars' SQL
//! engine over read-only copies of the caller's dataset, with a row cap and a time
//! bound, off the async runtime. Results go back as JSON rows or CSV.

pub mod convert;
pub mod guard;

use std::sync::Arc;
use std::time::Duration;

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::dataset::Dataset;

/// Rows a query may return when the caller gives no limit.
pub const DEFAULT_ROWS: usize = 1_000;
/// Rows a query may return at most.
pub const MAX_ROWS: usize = 10_000;
/// How long a query may run.
pub const TIME_BOUND: Duration = Duration::from_secs(10);

/// Why an analytics query failed; `code()` is the stable code clients see.
#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    /// Refused by the gate.
    #[error(transparent)]
    Refused(#[from] guard::Refusal),
    /// polars could not run it (unknown column, type mismatch, ...).
    #[error("the query failed: {0}")]
    Query(String),
    /// It ran past the time bound.
    #[error("the query ran longer than {0} s and was abandoned")]
    Timeout(u64),
    /// A limit outside 1..=MAX_ROWS.
    #[error("limit must be between 1 and {MAX_ROWS}")]
    BadLimit,
    /// The worker thread failed.
    #[error("internal error")]
    Internal,
    /// Loading the tables failed.
    #[error(transparent)]
    Data(#[from] crate::service::ServiceError),
}

impl AnalyticsError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Refused(guard::Refusal::Syntax(_)) => "SQL_SYNTAX",
            Self::Refused(guard::Refusal::UnknownTable(..)) => "SQL_UNKNOWN_TABLE",
            Self::Refused(_) => "SQL_NOT_ALLOWED",
            Self::Query(_) => "SQL_ERROR",
            Self::Timeout(_) => "SQL_TIMEOUT",
            Self::BadLimit => "INVALID_INPUT",
            Self::Internal => "INTERNAL",
            Self::Data(e) => e.code(),
        }
    }
}

/// A query's result: at most `limit` rows, and whether more were cut off.
pub struct QueryOutput {
    /// The rows.
    pub frame: DataFrame,
    /// Whether the query had more rows than the limit.
    pub truncated: bool,
}

/// The table of stored indicator values, registered only for queries that read it.
pub const INDICATOR_VALUES: &str = "indicator_values";

/// Checks `sql` against the dataset's tables plus [`INDICATOR_VALUES`]; returns whether
/// it reads the indicator values (which the caller then adds with [`with_table`]).
pub fn check(dataset: &Dataset, sql: &str, limit: Option<usize>) -> Result<bool, AnalyticsError> {
    if !(1..=MAX_ROWS).contains(&limit.unwrap_or(DEFAULT_ROWS)) {
        return Err(AnalyticsError::BadLimit);
    }
    let mut names: Vec<&str> = dataset.tables.iter().map(|(n, _)| *n).collect();
    names.push(INDICATOR_VALUES);
    Ok(guard::check(sql, &names)?
        .iter()
        .any(|t| t == INDICATOR_VALUES))
}

/// The dataset with one more table.
pub fn with_table(dataset: &Dataset, name: &'static str, frame: DataFrame) -> Arc<Dataset> {
    let mut more = dataset.clone();
    more.tables.push((name, frame));
    Arc::new(more)
}

/// Runs `sql` (already passed by [`check`]) over the dataset's tables.
pub async fn run(
    dataset: Arc<Dataset>,
    sql: String,
    limit: Option<usize>,
    timeout: Duration,
) -> Result<QueryOutput, AnalyticsError> {
    let limit = limit.unwrap_or(DEFAULT_ROWS);
    let names: Vec<&str> = dataset.tables.iter().map(|(n, _)| *n).collect();
    guard::check(&sql, &names)?;
    let work = tokio::task::spawn_blocking(move || execute(&dataset, &sql, limit));
    match tokio::time::timeout(timeout, work).await {
        Err(_) => Err(AnalyticsError::Timeout(timeout.as_secs())),
        Ok(Err(_)) => Err(AnalyticsError::Internal),
        Ok(Ok(result)) => result,
    }
}

fn execute(dataset: &Dataset, sql: &str, limit: usize) -> Result<QueryOutput, AnalyticsError> {
    let mut ctx = SQLContext::new();
    for (name, frame) in &dataset.tables {
        ctx.register(name, frame.clone().lazy());
    }
    let query = |e: PolarsError| AnalyticsError::Query(e.to_string());
    let frame = ctx
        .execute(sql)
        .map_err(query)?
        .limit(limit as IdxSize + 1)
        .collect()
        .map_err(query)?;
    let truncated = frame.height() > limit;
    Ok(QueryOutput {
        frame: frame.head(Some(limit)),
        truncated,
    })
}
