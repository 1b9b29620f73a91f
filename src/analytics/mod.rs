//! Ad-hoc analytics for analysts: one SELECT, checked before it runs (its size and shape
//! in [`bounds`], its form and tables in [`guard`], the rows its joins may build in
//! [`cost`]), rewritten around known faults of the engine ([`rewrite`]), then run by polars' SQL engine in a separate worker process ([`runner`],
//! [`worker`], [`engine`]) over copies of the caller's tables ([`wire`]), with a row
//! cap, a time bound and a memory budget. Results go back as JSON rows or CSV.

pub mod bounds;
pub mod convert;
pub mod cost;
pub mod engine;
pub mod guard;
pub mod rewrite;
pub mod runner;
pub mod settings;
pub mod tables;
pub mod wire;
pub mod worker;

use std::sync::Arc;

use polars::prelude::DataFrame;
use serde_json::Value;

use crate::dataset::Dataset;

/// Rows a query may return when the caller gives no limit.
pub const DEFAULT_ROWS: usize = 1_000;
/// Rows a query may return at most.
pub const MAX_ROWS: usize = 10_000;

/// The engine's error codes (see `engine::classify`); anything else is `SQL_INVALID`.
const ENGINE_CODES: &[&str] = &[
    "SQL_UNKNOWN_COLUMN",
    "SQL_TYPE_MISMATCH",
    "SQL_UNSUPPORTED",
    "SQL_INVALID",
    "SQL_RESULT_TOO_LARGE",
];

/// Why an analytics query failed; `code()` is the stable code clients see.
#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    /// Refused by the gate.
    #[error(transparent)]
    Refused(#[from] guard::Refusal),
    /// The engine could not run it (unknown column, type mismatch, ...).
    #[error("{message}")]
    Engine {
        /// One of `ENGINE_CODES`.
        code: &'static str,
        /// Short, for the client.
        message: String,
    },
    /// It ran past the time bound; its worker was killed.
    #[error("the query ran longer than {0} ms and was stopped (COSO_ANALYTICS_TIMEOUT_MS)")]
    Timeout(u64),
    /// Its worker went past the memory budget.
    #[error(
        "the query needed more than {0} MiB of memory and was stopped \
         (COSO_ANALYTICS_MEMORY_MIB): filter or aggregate earlier"
    )]
    MemoryLimit(u64),
    /// Every analytics slot stayed taken for the queue time.
    #[error("the analytics engine is busy; retry in {retry_after} s")]
    Busy {
        /// Seconds to wait before retrying.
        retry_after: u64,
    },
    /// A limit outside 1..=MAX_ROWS.
    #[error("limit must be between 1 and {MAX_ROWS}")]
    BadLimit,
    /// The worker failed for a reason of ours (logged).
    #[error("internal error")]
    Internal,
    /// Loading the tables failed.
    #[error(transparent)]
    Data(#[from] crate::service::ServiceError),
}

impl AnalyticsError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        use guard::Refusal as R;
        match self {
            Self::Refused(R::Syntax(_)) => "SQL_SYNTAX",
            Self::Refused(R::UnknownTable(..)) => "SQL_UNKNOWN_TABLE",
            Self::Refused(R::TooLarge(..)) => "SQL_TOO_LARGE",
            Self::Refused(R::TooComplex(_)) => "SQL_TOO_COMPLEX",
            Self::Refused(R::TooExpensive(_)) => "SQL_TOO_EXPENSIVE",
            Self::Refused(_) => "SQL_NOT_ALLOWED",
            Self::Engine { code, .. } => code,
            Self::Timeout(_) => "SQL_TIMEOUT",
            Self::MemoryLimit(_) => "SQL_MEMORY_LIMIT",
            Self::Busy { .. } => "BUSY",
            Self::BadLimit => "INVALID_INPUT",
            Self::Internal => "INTERNAL",
            Self::Data(e) => e.code(),
        }
    }

    /// Seconds after which a retry may succeed (`BUSY` only).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::Busy { retry_after } => Some(*retry_after),
            _ => None,
        }
    }
}

/// A query's result: at most `limit` rows, and whether more were cut off.
pub struct QueryOutput {
    /// Column name and polars type name, in order.
    pub columns: Vec<(String, String)>,
    /// One JSON value per cell (dates as ISO text).
    pub rows: Vec<Vec<Value>>,
    /// Whether the query had more rows than the limit.
    pub truncated: bool,
}

impl TryFrom<wire::Reply> for QueryOutput {
    type Error = AnalyticsError;

    fn try_from(reply: wire::Reply) -> Result<Self, AnalyticsError> {
        match reply {
            wire::Reply::Rows {
                columns,
                rows,
                truncated,
            } => Ok(Self {
                columns,
                rows,
                truncated,
            }),
            wire::Reply::Failed {
                code,
                message,
                detail,
            } => {
                tracing::info!(analytics.code = %code, analytics.detail = %detail, "analytics query failed in the engine");
                match ENGINE_CODES.iter().find(|c| **c == code) {
                    Some(code) => Err(AnalyticsError::Engine { code, message }),
                    None => Err(AnalyticsError::Internal),
                }
            }
        }
    }
}

/// The table of stored indicator values, registered only for queries that read it.
pub const INDICATOR_VALUES: &str = "indicator_values";

/// The row limit asked for, checked.
pub fn row_limit(limit: Option<usize>) -> Result<usize, AnalyticsError> {
    let limit = limit.unwrap_or(DEFAULT_ROWS);
    if (1..=MAX_ROWS).contains(&limit) {
        Ok(limit)
    } else {
        Err(AnalyticsError::BadLimit)
    }
}

/// Passes `sql` through the gate against the dataset's tables plus [`INDICATOR_VALUES`].
pub fn check(
    dataset: &Dataset,
    sql: &str,
    limits: &bounds::Bounds,
) -> Result<guard::Checked, AnalyticsError> {
    let mut names: Vec<&str> = dataset.tables.iter().map(|(n, _)| *n).collect();
    names.push(INDICATOR_VALUES);
    Ok(guard::check(sql, &names, limits)?)
}

/// The dataset with one more table.
pub fn with_table(dataset: &Dataset, name: &'static str, frame: DataFrame) -> Arc<Dataset> {
    let mut more = dataset.clone();
    more.tables.push((name, frame));
    Arc::new(more)
}

/// Checks the join bound of a checked statement and encodes the request for the worker
/// (the tables it reads only; kept ones from `tables`, by `scope` and the dataset's
/// version). Synchronous: run it off the async runtime.
pub fn prepare(
    dataset: &Dataset,
    checked: &guard::Checked,
    (sql, limit): (&str, usize),
    max_join_rows: u64,
    (tables, scope): (&tables::EncodedTables, Option<&str>),
) -> Result<Vec<u8>, AnalyticsError> {
    cost::check(
        &checked.statement,
        &cost::FrameStats::new(dataset),
        max_join_rows,
    )?;
    let failed = |e: polars::prelude::PolarsError| {
        tracing::error!(error = %e, "analytics: encoding the tables failed");
        AnalyticsError::Internal
    };
    let mut encoded = Vec::new();
    for (name, frame) in &dataset.tables {
        if checked.tables.iter().any(|t| t == name) {
            let table = if *name == INDICATOR_VALUES {
                Arc::new(wire::encode_table(frame).map_err(failed)?)
            } else {
                tables
                    .get(scope, dataset.version, name, frame)
                    .map_err(failed)?
            };
            encoded.push((*name, table));
        }
    }
    let refs: Vec<(&str, &wire::Encoded)> = encoded.iter().map(|(n, e)| (*n, e.as_ref())).collect();
    let rewritten = rewrite::around_engine_faults(&checked.statement);
    wire::request(rewritten.as_deref().unwrap_or(sql), limit, &refs).map_err(failed)
}
