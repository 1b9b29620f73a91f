//! Observability: `/metrics` (admin token; operation counts), `/ready`, request ids,
//! JSON logs, the per-token rate limit and the query timeout.

use std::io::Write;
use std::sync::{Arc, Mutex};

use coso::config::{Limits, Observability};
use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code};

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

/// The value of the sample of `metric` whose labels include every one of `labels`.
fn sample(text: &str, metric: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")))
        .find(|l| labels.iter().all(|want| l.contains(want)))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
}

#[tokio::test]
async fn metrics_need_an_admin_token_and_count_operations_by_name() {
    let app = TestApp::spawn().await;
    assert_eq!(get(&app, "/metrics", None).await.status(), 401);
    assert_eq!(get(&app, "/metrics", Some(&app.viewer)).await.status(), 403);
    let q = "query MetricsCountUnits { units { totalCount } }";
    for _ in 0..2 {
        app.data(&app.viewer, q, json!({})).await;
    }
    let bad = app
        .gql(
            &app.viewer,
            "mutation MetricsRefused { deleteAward(id: 1) { dbId } }",
            json!({}),
        )
        .await;
    assert_eq!(first_code(&bad), "FORBIDDEN");

    let resp = get(&app, "/metrics", Some(&app.admin)).await;
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    let ops = "coso_graphql_operations_total";
    let ok = [
        "operation=\"MetricsCountUnits\"",
        "outcome=\"ok\"",
        "type=\"query\"",
    ];
    assert_eq!(sample(&text, ops, &ok), Some(2.0), "{text}");
    let refused = [
        "operation=\"MetricsRefused\"",
        "outcome=\"FORBIDDEN\"",
        "type=\"mutation\"",
    ];
    assert_eq!(sample(&text, ops, &refused), Some(1.0));
    let hist = "coso_graphql_operation_duration_seconds_count";
    assert_eq!(
        sample(&text, hist, &["operation=\"MetricsCountUnits\""]),
        Some(2.0)
    );
    assert!(
        sample(
            &text,
            "coso_http_requests_total",
            &["route=\"/graphql\"", "status=\"200\""]
        )
        .is_some()
    );
    assert!(sample(&text, "coso_db_pool_connections", &["state=\"max\""]).is_some());
    assert!(text.contains("# TYPE coso_report_retries_pending gauge"));
    // The indicator refresh (here through the mutation) is counted and timed.
    app.data(
        &app.admin,
        "mutation { refreshIndicators { rows } }",
        json!({}),
    )
    .await;
    let text = get(&app, "/metrics", Some(&app.admin))
        .await
        .text()
        .await
        .unwrap();
    let refreshes = sample(&text, "coso_indicator_refreshes_total", &["outcome=\"ok\""]);
    assert!(refreshes >= Some(1.0), "{text}");
    let timed = "coso_indicator_refresh_duration_seconds_count";
    assert!(sample(&text, timed, &["outcome=\"ok\""]) >= Some(1.0));
}

#[tokio::test]
async fn a_separate_metrics_address_serves_metrics_without_a_token() {
    let observe = Observability {
        metrics_listen: Some("127.0.0.1:0".parse().unwrap()),
        ..Default::default()
    };
    let app = TestApp::spawn_observed(Limits::default(), false, observe).await;
    let base = app.metrics_base.clone().unwrap();
    let resp = app
        .client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("coso_db_pool_connections")
    );
    // Only /metrics is served there.
    let other = app
        .client
        .post(format!("{base}/graphql"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    // The main address still wants an admin token.
    assert_eq!(get(&app, "/metrics", None).await.status(), 401);
}

#[tokio::test]
async fn ready_reports_each_check() {
    let app = TestApp::spawn().await;
    let resp = get(&app, "/ready", None).await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "status": "ready", "checks": { "database": "ok", "migrations": "ok", "scheduler": "ok" } })
    );
    assert_eq!(get(&app, "/health", None).await.status(), 200);

    // The scheduler stops: not ready, and the body says why; alive all the same.
    app.readiness.set_scheduler_running(false);
    let resp = get(&app, "/ready", None).await;
    assert_eq!(resp.status(), 503);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["checks"]["scheduler"], "not running");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(get(&app, "/health", None).await.status(), 200);
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let app = TestApp::spawn().await;
    let with = |id: &str| {
        app.client
            .get(format!("{}/health", app.base))
            .header("X-Request-Id", id)
            .send()
    };
    let echoed = with("client-1234.abc").await.unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "client-1234.abc");
    let generated = get(&app, "/health", None).await;
    let id = generated.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    // Not sane: replaced by a generated one.
    let long = "x".repeat(200);
    for bad in ["has spaces", "quote\"s", long.as_str()] {
        let resp = with(bad).await.unwrap();
        let got = resp.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(got, bad);
        assert_eq!(got.len(), 32);
    }
    // GraphQL answers carry it too (and so do 401s).
    let resp = app.post(None, &json!({ "query": "{ me { name } }" })).await;
    assert_eq!(resp.status(), 401);
    assert!(resp.headers().contains_key("x-request-id"));
}

/// A writer into a shared buffer, for the log formatter.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn json_logs_are_one_parseable_object_per_line_with_the_request_id() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let filter = tracing_subscriber::EnvFilter::new("info");
    let subscriber = coso::telemetry::subscriber("json", filter, move || writer.clone());
    tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("request", request_id = "req-42", method = "POST");
        let _in = span.enter();
        tracing::warn!(
            elapsed_ms = 812u64,
            operation = "Slow \"quoted\"",
            "slow request"
        );
        let _inner = tracing::info_span!("refresh", rows = 3).entered();
        tracing::info!("second line");
    });
    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["level"], "WARN");
    assert_eq!(lines[0]["fields"]["message"], "slow request");
    assert_eq!(lines[0]["fields"]["operation"], "Slow \"quoted\"");
    assert_eq!(lines[0]["span"]["request_id"], "req-42");
    assert_eq!(lines[1]["span"]["name"], "refresh", "{text}");
    assert_eq!(lines[1]["spans"][0]["request_id"], "req-42");
}

#[tokio::test]
async fn the_timeout_cuts_queries_not_writes_and_audits_what_it_cut() {
    let limits = Limits {
        query_timeout_ms: 1,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, true).await;
    // A cut analytics query still has its audit row.
    let q = r#"{ analyticsQuery(sql: "SELECT COUNT(*) AS n FROM officers") { rowCount } }"#;
    assert_eq!(
        first_code(&app.gql(&app.analyst, q, json!({})).await),
        "TIMEOUT"
    );
    // A write runs to its end (a cut commit could land unseen), and is audited.
    let w = r#"mutation SlowWrite { createDirective(input: { number: "77-KH/CAT", kind: PLAN, issuer: POLICE_DEPARTMENT, title: "x", issuedOn: "2024-01-02" }) { number } }"#;
    let done = app.data(&app.admin, w, json!({})).await;
    assert_eq!(done["createDirective"]["number"], "77-KH/CAT");

    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let rows = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Kind.is_in(["analytics", "mutation"]))
        .order_by_asc(entity::audit_log::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let got: Vec<_> = rows
        .iter()
        .map(|r| (r.operation.as_str(), r.outcome.as_str()))
        .collect();
    assert_eq!(
        got,
        [("analyticsQuery", "TIMEOUT"), ("createDirective", "ok")]
    );
    assert!(rows[0].arguments.contains("SELECT COUNT(*)"));
}

#[test]
fn slow_requests_are_logged_at_warn_with_their_operation_names() {
    use coso::http::request_id::{OperationNames, observe};
    use poem::{Endpoint, EndpointExt};

    #[poem::handler]
    fn answer() -> poem::Response {
        let mut resp = poem::Response::builder().finish();
        resp.set_data(OperationNames("SlowDashboard,Other".into()));
        resp
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let filter = tracing_subscriber::EnvFilter::new("info");
    let subscriber = coso::telemetry::subscriber("json", filter, move || writer.clone());
    let resp = tracing::subscriber::with_default(subscriber, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let ep = poem::Route::new()
            .at("/graphql", poem::post(answer))
            .around(|ep, req| observe(ep, req, std::time::Duration::ZERO));
        let req = poem::Request::builder()
            .method(poem::http::Method::POST)
            .uri(poem::http::Uri::from_static("/graphql"))
            .header("x-request-id", "slow-1")
            .finish();
        rt.block_on(ep.call(req)).unwrap()
    });
    assert_eq!(resp.headers()["x-request-id"], "slow-1");
    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    let line: Value = serde_json::from_str(text.lines().next().expect("a log line")).unwrap();
    assert_eq!(line["level"], "WARN");
    assert_eq!(line["fields"]["message"], "slow request");
    assert_eq!(line["fields"]["operation"], "SlowDashboard,Other");
    assert_eq!(line["span"]["request_id"], "slow-1");
}

#[tokio::test]
async fn each_token_is_rate_limited_with_a_stable_code() {
    let limits = Limits {
        rate_limit_per_min: 2,
        rate_limit_burst: 2,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, false).await;
    let body = json!({ "query": "{ me { name } }" });
    for _ in 0..2 {
        assert_eq!(app.post(Some(&app.viewer), &body).await.status(), 200);
    }
    let refused = app.post(Some(&app.viewer), &body).await;
    assert_eq!(refused.status(), 429);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(first_code(&refused), "RATE_LIMITED");
    // Another token has its own allowance.
    assert_eq!(app.post(Some(&app.analyst), &body).await.status(), 200);
}

#[tokio::test]
async fn a_slow_operation_times_out_with_a_stable_code() {
    let limits = Limits {
        query_timeout_ms: 1,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, true).await;
    let q = r#"{ indicators(asOf: "2024-12-31", groupBy: [PROVINCE, DISTRICT]) { code value } }"#;
    let body = app.gql(&app.admin, q, json!({})).await;
    assert_eq!(first_code(&body), "TIMEOUT", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1 ms")
    );
}
