//! Typed settings, from command-line flags and `COSO_*` environment variables.
//! Built once in `main` (or by a test) and passed down; nothing reads the environment later.

use std::net::SocketAddr;

/// The database used when `COSO_DATABASE_URL` is not set: an SQLite file in the
/// working directory, filled with the demo data on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://coso.db?mode=rwc";

/// Settings of the server and of every command that touches the database.
#[derive(clap::Args, Clone, Debug)]
pub struct Settings {
    /// Address the HTTP server listens on.
    #[arg(long, env = "COSO_LISTEN", default_value = "127.0.0.1:8000")]
    pub listen: SocketAddr,

    /// Database URL (`sqlite://...` or `postgres://...`); the embedded SQLite file by default.
    #[arg(long, env = "COSO_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Maximum number of connections in the database pool.
    #[arg(long, env = "COSO_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,

    /// How long the server waits at start for an unreachable database (retrying with
    /// backoff) before giving up, in seconds.
    #[arg(long, env = "COSO_DB_WAIT_SECS", default_value_t = 600)]
    pub db_wait_secs: u64,

    #[command(flatten)]
    pub limits: Limits,

    #[command(flatten)]
    pub mail: crate::mail::MailSettings,

    #[command(flatten)]
    pub analytics: crate::analytics::settings::AnalyticsSettings,

    #[command(flatten)]
    pub scheduler: crate::scheduler::SchedulerSettings,

    /// The province's time zone (IANA name): "today" everywhere (the API's default
    /// `asOf`, the response cache, the indicator snapshots, the reports) is the day in
    /// this zone, and new report schedules fire in it unless they name another.
    #[arg(long, env = "COSO_TIME_ZONE", default_value = "Asia/Ho_Chi_Minh",
          value_parser = crate::clock::parse_zone)]
    pub time_zone: chrono_tz::Tz,

    /// The staffing floor of `units_below_staffing_floor` and the staffing gap lists, a
    /// dated rule: the first value from the beginning, each later one `from` its day.
    #[arg(long, env = "COSO_STAFFING_FLOOR", default_value = "5, 12 from 2025-03-01",
          value_parser = crate::indicators::StaffingFloor::parse)]
    pub staffing_floor: crate::indicators::StaffingFloor,

    /// Seconds between indicator refreshes (a snapshot is stored when the data changed); 0 disables.
    #[arg(long, env = "COSO_INDICATOR_REFRESH_SECS", default_value_t = 900)]
    pub indicator_refresh_secs: u64,

    /// Log format: `text` (human-readable) or `json`.
    #[arg(long, env = "COSO_LOG_FORMAT", default_value = "text")]
    pub log_format: String,

    #[command(flatten)]
    pub observe: Observability,

    #[command(flatten)]
    pub connections: ConnectionLimits,

    #[command(flatten)]
    pub browser: Browser,

    /// Pins "today" (the default day of the API's `asOf` and `activeOn`, of the indicator
    /// snapshots and of the response cache) to a fixed day, `YYYY-MM-DD`: to check or
    /// show the figures of a past day as if it were today (the tests of the source
    /// report's figures pin 2024-12-31). Unset in production.
    #[arg(long, env = "COSO_TODAY")]
    pub today: Option<chrono::NaiveDate>,

    /// Serves `POST /bench/floor` (admin tokens), the hand-written SQL floor that
    /// `coso bench graphql` compares GraphQL with. Off by default; the bench turns it on
    /// in the server it starts.
    #[arg(long, env = "COSO_BENCH_FLOOR", default_value_t = false, hide = true,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub bench_floor: bool,
}

/// How many connections may be open and how long a client may take to send a request.
#[derive(clap::Args, Clone, Debug)]
pub struct ConnectionLimits {
    /// Most connections open at once; past it new ones wait in the listen backlog.
    #[arg(long, env = "COSO_MAX_CONNECTIONS", default_value_t = 512)]
    pub max_connections: usize,
    /// Time from a request's first byte to the end of its headers, in seconds (0: unbounded).
    #[arg(long, env = "COSO_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub header_read_timeout_secs: u64,
    /// Time for a request's body to arrive, in seconds (`408 REQUEST_TIMEOUT` past it).
    #[arg(long, env = "COSO_BODY_READ_TIMEOUT_SECS", default_value_t = 30)]
    pub body_read_timeout_secs: u64,
    /// A connection with no traffic for this many seconds is closed (0: never).
    #[arg(long, env = "COSO_IDLE_TIMEOUT_SECS", default_value_t = 75)]
    pub idle_timeout_secs: u64,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 512,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 30,
            idle_timeout_secs: 75,
        }
    }
}

impl ConnectionLimits {
    /// The header read timeout, if any.
    pub fn header_timeout(&self) -> Option<std::time::Duration> {
        secs(self.header_read_timeout_secs)
    }

    /// The idle timeout, if any.
    pub fn idle_timeout(&self) -> Option<std::time::Duration> {
        secs(self.idle_timeout_secs)
    }
}

fn secs(s: u64) -> Option<std::time::Duration> {
    (s > 0).then(|| std::time::Duration::from_secs(s))
}

/// What browser clients of other origins may do (see README "Browser clients").
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Browser {
    /// Origins whose pages may call the API from a browser (CORS), comma-separated,
    /// `scheme://host[:port]` each; empty (the default): none, and no CORS header at all.
    #[arg(long, env = "COSO_CORS_ORIGINS", value_delimiter = ',',
          value_parser = crate::http::cors::parse_origin)]
    pub cors_origins: Vec<String>,
}

/// Metrics and request logging.
#[derive(clap::Args, Clone, Debug)]
pub struct Observability {
    /// A second address serving only `GET /metrics`, without a token (for a Prometheus
    /// on a private network); `/metrics` on the main address always needs an admin token.
    #[arg(long, env = "COSO_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Requests slower than this (ms) are logged at warn with their GraphQL operation names.
    #[arg(long, env = "COSO_SLOW_REQUEST_MS", default_value_t = 500)]
    pub slow_request_ms: u64,
}

impl Default for Observability {
    fn default() -> Self {
        Self {
            metrics_listen: None,
            slow_request_ms: 500,
        }
    }
}

/// Limits on what one request may ask of the server.
#[derive(clap::Args, Clone, Debug)]
pub struct Limits {
    /// Maximum depth of a GraphQL query.
    #[arg(long, env = "COSO_MAX_DEPTH", default_value_t = 12)]
    pub max_depth: usize,
    /// Maximum complexity of a GraphQL query (lists count by their page size, computing
    /// fields by the values they yield).
    #[arg(long, env = "COSO_MAX_COMPLEXITY", default_value_t = 100_000)]
    pub max_complexity: usize,
    /// Maximum number of operations in one batched request.
    #[arg(long, env = "COSO_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,
    /// Maximum size of a request body, in bytes.
    #[arg(long, env = "COSO_MAX_BODY_BYTES", default_value_t = 256 * 1024)]
    pub max_body_bytes: usize,
    /// Largest answer of `/graphql`, in bytes (`RESPONSE_TOO_LARGE` beyond).
    #[arg(long, env = "COSO_MAX_RESPONSE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// Largest page a list query may ask for with `first`.
    #[arg(long, env = "COSO_MAX_PAGE_SIZE", default_value_t = 500)]
    pub max_page_size: u64,
    /// How long a DataLoader gathers keys before it runs one batched statement, in ms; 0
    /// (the default) waits on no timer: the keys asked for in one pass over the request's
    /// fields make one batch.
    #[arg(long, env = "COSO_BATCH_WINDOW_MS", default_value_t = 0)]
    pub batch_window_ms: u64,
    /// GraphQL operations executing at once in this process; later ones wait their turn
    /// (within their query timeout). 0 (the default): four per CPU core.
    #[arg(long, env = "COSO_GRAPHQL_CONCURRENCY", default_value_t = 0)]
    pub graphql_concurrency: usize,
    /// Bound on the execution of one GraphQL query, in ms (answers `TIMEOUT`; mutations
    /// are not cut).
    #[arg(long, env = "COSO_QUERY_TIMEOUT_MS", default_value_t = 10_000)]
    pub query_timeout_ms: u64,
    /// Requests per minute each token may make (`RATE_LIMITED` beyond); 0 disables.
    #[arg(long, env = "COSO_RATE_LIMIT_PER_MIN", default_value_t = 600)]
    pub rate_limit_per_min: u32,
    /// Requests a token may make at once before the per-minute rate applies.
    #[arg(long, env = "COSO_RATE_LIMIT_BURST", default_value_t = 60)]
    pub rate_limit_burst: u32,
    /// Bytes of documents kept for automatic persisted queries (the oldest go first); 0
    /// turns them off.
    #[arg(long, env = "COSO_APQ_MAX_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub apq_max_bytes: usize,
    /// Most subscription sockets open at once (`TOO_MANY_SUBSCRIBERS` past it).
    #[arg(long, env = "COSO_WS_MAX_CONNECTIONS", default_value_t = 256)]
    pub ws_max_connections: usize,
    /// Most subscription sockets one token may hold open.
    #[arg(long, env = "COSO_WS_MAX_PER_TOKEN", default_value_t = 4)]
    pub ws_max_per_token: usize,
    /// Largest spreadsheet upload (`POST /imports`, `coso import`), in bytes.
    #[arg(long, env = "COSO_IMPORT_MAX_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub import_max_bytes: usize,
    /// Most data rows an imported sheet may hold (`IMPORT_TOO_MANY_ROWS` beyond).
    #[arg(long, env = "COSO_IMPORT_MAX_ROWS", default_value_t = 200_000)]
    pub import_max_rows: usize,
    /// Most bytes an uploaded workbook may unpack to (its zip parts together), checked
    /// before it is read (`IMPORT_TOO_LARGE`: a zip bomb).
    #[arg(long, env = "COSO_IMPORT_MAX_UNPACKED_BYTES", default_value_t = 128 * 1024 * 1024)]
    pub import_max_unpacked_bytes: u64,
    /// Seconds an import may take, reading included; past it the import is abandoned,
    /// its transaction rolled back (`IMPORT_TIMEOUT`).
    #[arg(long, env = "COSO_IMPORT_TIMEOUT", default_value_t = 120)]
    pub import_timeout_secs: u64,
    /// Days the bytes of an applied import file are kept for download; older files are
    /// dropped (the record stays) when the next import is applied. 0 keeps them forever.
    #[arg(long, env = "COSO_IMPORT_KEEP_DAYS", default_value_t = 365)]
    pub import_keep_days: u32,
}

impl Settings {
    /// The database URL in use.
    pub fn database_url(&self) -> &str {
        self.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL)
    }

    /// The server's clock: the scheduler's time source (real time unless a test set it),
    /// read in [`Self::time_zone`].
    pub fn clock(&self) -> crate::clock::Clock {
        self.scheduler.clock.clone().in_zone(self.time_zone)
    }

    /// The indicator engine's settings.
    pub fn engine(&self) -> crate::indicators::EngineConfig {
        crate::indicators::EngineConfig {
            staffing_floor: self.staffing_floor,
        }
    }

    /// Whether this is the embedded default database (the only one seeded automatically).
    pub fn is_default_database(&self) -> bool {
        self.database_url.is_none()
    }
}

impl Limits {
    /// GraphQL operations that may execute at once ([`Limits::graphql_concurrency`], or
    /// four per core).
    pub fn graphql_permits(&self) -> usize {
        match self.graphql_concurrency {
            0 => 4 * std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 12,
            max_complexity: 100_000,
            max_batch: 10,
            max_body_bytes: 256 * 1024,
            max_response_bytes: 16 * 1024 * 1024,
            max_page_size: 500,
            batch_window_ms: 0,
            graphql_concurrency: 0,
            query_timeout_ms: 10_000,
            rate_limit_per_min: 600,
            rate_limit_burst: 60,
            apq_max_bytes: 4 * 1024 * 1024,
            ws_max_connections: 256,
            ws_max_per_token: 4,
            import_max_bytes: 16 * 1024 * 1024,
            import_max_rows: 200_000,
            import_max_unpacked_bytes: 128 * 1024 * 1024,
            import_timeout_secs: 120,
            import_keep_days: 365,
        }
    }
}
