//! Prometheus metrics: every counter, gauge and histogram of the service, defined here
//! and recorded through the plain functions below (HTTP middleware, GraphQL handler,
//! indicator job, report runner). `GET /metrics` renders them with [`render`].
//!
//! The registry is process-wide (metrics describe the process, like its memory), so the
//! functions take no handle. Label values come from fixed sets or are bounded (operation
//! names are sanitised and capped at [`MAX_OPERATION_NAMES`] distinct values).

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// Distinct GraphQL operation names tracked; later ones are counted as `other`.
pub const MAX_OPERATION_NAMES: usize = 200;

/// Latency buckets in seconds, 5 ms to 30 s.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    gql_operations: IntCounterVec,
    gql_duration: HistogramVec,
    db_pool: IntGaugeVec,
    indicator_refreshes: IntCounterVec,
    indicator_duration: HistogramVec,
    report_runs: IntCounterVec,
    deliveries: IntCounterVec,
    retries_pending: IntGauge,
    rate_limited: IntCounterVec,
    audit_failures: IntCounterVec,
    operation_names: Mutex<HashSet<String>>,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

impl Metrics {
    // The names and labels are constants: a failure here is a programming error that
    // every test run would show at once.
    #[allow(clippy::expect_used)]
    fn new() -> Self {
        let registry = Registry::new();
        let counter = |name: &str, help: &str, labels: &[&str]| {
            let c = IntCounterVec::new(Opts::new(name, help), labels).expect("counter");
            registry.register(Box::new(c.clone())).expect("register");
            c
        };
        let histogram = |name: &str, help: &str, labels: &[&str]| {
            let opts = HistogramOpts::new(name, help).buckets(BUCKETS.to_vec());
            let h = HistogramVec::new(opts, labels).expect("histogram");
            registry.register(Box::new(h.clone())).expect("register");
            h
        };
        let db_pool = IntGaugeVec::new(
            Opts::new(
                "coso_db_pool_connections",
                "Database pool connections by state",
            ),
            &["state"],
        )
        .expect("gauge");
        registry
            .register(Box::new(db_pool.clone()))
            .expect("register");
        // The build, as Prometheus exporters say it: a gauge of 1 with what it is in labels.
        let build_info = IntGaugeVec::new(
            Opts::new(
                "coso_build_info",
                "The running build: its version and memory allocator (COSO_ALLOCATOR)",
            ),
            &["version", "allocator"],
        )
        .expect("gauge");
        build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION"), crate::allocator::name()])
            .set(1);
        registry.register(Box::new(build_info)).expect("register");
        let retries_pending = IntGauge::new(
            "coso_report_retries_pending",
            "Report deliveries waiting for a retry",
        )
        .expect("gauge");
        registry
            .register(Box::new(retries_pending.clone()))
            .expect("register");
        Self {
            http_requests: counter(
                "coso_http_requests_total",
                "HTTP requests by method, route and status",
                &["method", "route", "status"],
            ),
            http_duration: histogram(
                "coso_http_request_duration_seconds",
                "HTTP request latency",
                &["method", "route"],
            ),
            gql_operations: counter(
                "coso_graphql_operations_total",
                "GraphQL operations by name, type and outcome (ok or the first error code)",
                &["operation", "type", "outcome"],
            ),
            gql_duration: histogram(
                "coso_graphql_operation_duration_seconds",
                "GraphQL operation latency",
                &["operation", "type"],
            ),
            indicator_refreshes: counter(
                "coso_indicator_refreshes_total",
                "Indicator snapshot refreshes by outcome",
                &["outcome"],
            ),
            indicator_duration: histogram(
                "coso_indicator_refresh_duration_seconds",
                "Indicator snapshot refresh duration",
                &["outcome"],
            ),
            report_runs: counter(
                "coso_report_runs_total",
                "Report runs by outcome",
                &["outcome"],
            ),
            deliveries: counter(
                "coso_report_deliveries_total",
                "Report deliveries (one per recipient) by outcome",
                &["outcome"],
            ),
            rate_limited: counter(
                "coso_rate_limited_total",
                "Requests refused by the per-token rate limit",
                &["route"],
            ),
            audit_failures: counter(
                "coso_audit_write_failures_total",
                "Audit rows that could not be written (logged at error)",
                &["kind"],
            ),
            db_pool,
            retries_pending,
            registry,
            operation_names: Mutex::new(HashSet::new()),
        }
    }
}

/// One HTTP request (`route` is one of the known routes or `other`).
pub fn record_http_request(method: &str, route: &str, status: u16, elapsed: Duration) {
    let m = &*METRICS;
    m.http_requests
        .with_label_values(&[method, route, &status.to_string()])
        .inc();
    m.http_duration
        .with_label_values(&[method, route])
        .observe(elapsed.as_secs_f64());
}

/// One GraphQL operation: its name (`anonymous` when it has none), `query` or
/// `mutation`, and `ok` or the stable code of its first error.
pub fn record_graphql_operation(name: &str, kind: &str, outcome: &str, elapsed: Duration) {
    let m = &*METRICS;
    let name = bounded_operation_name(name);
    m.gql_operations
        .with_label_values(&[&name, kind, outcome])
        .inc();
    m.gql_duration
        .with_label_values(&[&name, kind])
        .observe(elapsed.as_secs_f64());
}

/// One indicator refresh (the job or the `refreshIndicators` mutation).
pub fn record_indicator_refresh(elapsed: Duration, ok: bool) {
    let outcome = if ok { "ok" } else { "error" };
    let m = &*METRICS;
    m.indicator_refreshes.with_label_values(&[outcome]).inc();
    m.indicator_duration
        .with_label_values(&[outcome])
        .observe(elapsed.as_secs_f64());
}

/// One report run, by outcome: use a fixed set such as `ok`, `partial`, `failed`,
/// `skipped`.
pub fn record_report_run(outcome: &str) {
    METRICS
        .report_runs
        .with_label_values(&[&label(outcome)])
        .inc();
}

/// One delivery to one recipient, by outcome: `sent`, `failed`, `retry`, ...
pub fn record_delivery(outcome: &str) {
    METRICS
        .deliveries
        .with_label_values(&[&label(outcome)])
        .inc();
}

/// The number of deliveries waiting for a retry now.
pub fn set_retries_pending(n: u64) {
    METRICS
        .retries_pending
        .set(i64::try_from(n).unwrap_or(i64::MAX));
}

/// A request refused by the rate limit.
pub fn record_rate_limited(route: &str) {
    METRICS.rate_limited.with_label_values(&[route]).inc();
}

/// An audit row that could not be written.
pub fn record_audit_failure(kind: &str) {
    METRICS.audit_failures.with_label_values(&[kind]).inc();
}

/// The database pool now: open connections, idle ones and the maximum.
pub fn set_db_pool(open: u32, idle: usize, max: u32) {
    let g = &METRICS.db_pool;
    g.with_label_values(&["open"]).set(i64::from(open));
    g.with_label_values(&["idle"])
        .set(i64::try_from(idle).unwrap_or(i64::MAX));
    g.with_label_values(&["max"]).set(i64::from(max));
}

/// Every metric in the Prometheus text format.
pub fn render() -> String {
    let mut out = Vec::new();
    let families = METRICS.registry.gather();
    if let Err(e) = TextEncoder::new().encode(&families, &mut out) {
        tracing::error!(error = %e, "could not encode the metrics");
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A label value from a caller: letters, digits and `_`, at most 32 characters.
fn label(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(32)
        .collect();
    if clean.is_empty() {
        "unknown".into()
    } else {
        clean
    }
}

/// The operation name as a label: sanitised, and `other` once
/// [`MAX_OPERATION_NAMES`] distinct names have been seen (clients choose the names).
fn bounded_operation_name(name: &str) -> String {
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect();
    if name.is_empty() {
        return "anonymous".into();
    }
    let Ok(mut seen) = METRICS.operation_names.lock() else {
        return "other".into();
    };
    if seen.contains(&name) || seen.len() < MAX_OPERATION_NAMES && seen.insert(name.clone()) {
        name
    } else {
        "other".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_values_show_in_the_text_format() {
        record_report_run("ok");
        record_delivery("sent");
        set_retries_pending(3);
        record_graphql_operation("Some Name!", "query", "ok", Duration::from_millis(3));
        let text = render();
        assert!(text.contains("coso_report_runs_total{outcome=\"ok\"}"));
        assert!(text.contains("coso_report_deliveries_total{outcome=\"sent\"}"));
        assert!(text.contains("coso_report_retries_pending 3"));
        assert!(text.contains("operation=\"SomeName\""));
    }
}
