//! The analytics settings (`COSO_ANALYTICS_*`): what a query may cost before it runs
//! (statement size, operators, nesting, join bound) and while it runs in its worker
//! process (time, memory, threads), and how many run at once.

use std::path::PathBuf;

/// Bounds and resources of ad-hoc analytics queries.
#[derive(clap::Args, Clone, Debug)]
pub struct AnalyticsSettings {
    /// The program run as the analytics worker (`<program> analytics-worker`); this
    /// executable by default.
    #[arg(long, env = "COSO_ANALYTICS_WORKER")]
    pub analytics_worker: Option<PathBuf>,
    /// How long one query may run before its worker is killed (`SQL_TIMEOUT`), in ms.
    #[arg(long, env = "COSO_ANALYTICS_TIMEOUT_MS", default_value_t = 10_000)]
    pub analytics_timeout_ms: u64,
    /// Memory budget of one worker (its data segment, setrlimit), in MiB (`SQL_MEMORY_LIMIT`).
    #[arg(long, env = "COSO_ANALYTICS_MEMORY_MIB", default_value_t = 1024)]
    pub analytics_memory_mib: u64,
    /// Threads of one worker's engine.
    #[arg(long, env = "COSO_ANALYTICS_THREADS", default_value_t = 2)]
    pub analytics_threads: usize,
    /// Queries that run at once on this replica; more wait up to the queue time.
    #[arg(long, env = "COSO_ANALYTICS_CONCURRENCY", default_value_t = 2)]
    pub analytics_concurrency: usize,
    /// How long a query waits for a free slot before `BUSY`, in ms.
    #[arg(long, env = "COSO_ANALYTICS_QUEUE_MS", default_value_t = 2_000)]
    pub analytics_queue_ms: u64,
    /// Largest statement, in bytes (`SQL_TOO_LARGE`).
    #[arg(long, env = "COSO_ANALYTICS_MAX_SQL_BYTES", default_value_t = 16 * 1024)]
    pub analytics_max_sql_bytes: usize,
    /// Most operator tokens in a statement (`SQL_TOO_COMPLEX`).
    #[arg(long, env = "COSO_ANALYTICS_MAX_OPERATORS", default_value_t = 400)]
    pub analytics_max_operators: usize,
    /// Deepest nesting of brackets (`SQL_TOO_COMPLEX`).
    #[arg(long, env = "COSO_ANALYTICS_MAX_NESTING", default_value_t = 24)]
    pub analytics_max_nesting: usize,
    /// Most rows a join (or cross product) may produce by its estimate (`SQL_TOO_EXPENSIVE`).
    #[arg(
        long,
        env = "COSO_ANALYTICS_MAX_JOIN_ROWS",
        default_value_t = 2_000_000
    )]
    pub analytics_max_join_rows: u64,
}

impl Default for AnalyticsSettings {
    fn default() -> Self {
        Self {
            analytics_worker: None,
            analytics_timeout_ms: 10_000,
            analytics_memory_mib: 1024,
            analytics_threads: 2,
            analytics_concurrency: 2,
            analytics_queue_ms: 2_000,
            analytics_max_sql_bytes: 16 * 1024,
            analytics_max_operators: 400,
            analytics_max_nesting: 24,
            analytics_max_join_rows: 2_000_000,
        }
    }
}
