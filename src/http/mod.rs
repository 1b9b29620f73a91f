//! HTTP surface (poem). Routes: the dashboard on `GET /` (its files under `/dashboard/`),
//! `GET /health`, `GET /ready`, `GET /metrics` (admin
//! token), `GET /graphql` (queries; GraphiQL for a browser, its assets under `/graphiql/`), `POST /graphql`, `POST /analytics.csv` and
//! `GET /reports/files/{id}`, all behind [`cors`]; subscriptions over WebSocket on
//! `GET /graphql` ([`subscriptions`]); the spreadsheet routes (`POST /imports`,
//! `GET /imports/templates/{kind}.xlsx`, `GET /imports/files/{id}`, `GET /exports/{kind}.xlsx`), and `POST /bench/floor` when `COSO_BENCH_FLOOR` is set
//! ([`floor`]). Every
//! request goes through [`request_id`] (id, span, metrics, slow log) first; the
//! handlers authenticate the bearer token and apply the per-token rate limit
//! ([`auth`]) before anything else.

pub mod admission;
mod analytics;
mod answer;
pub mod auth;
mod breakdown;
pub mod cache;
pub mod cors;
mod dashboard;
mod etag;
mod floor;
mod graphiql;
mod graphql;
mod health;
mod intake;
mod media;
mod metrics;
pub mod persisted;
mod reports;
pub mod request_id;
pub mod subscriptions;

use std::sync::Arc;
use std::time::Duration;

use poem::http::{StatusCode, header};
use poem::middleware::CatchPanic;
use poem::web::Json;
use poem::{Endpoint, EndpointExt, IntoResponse, Response, Route, get};
use sea_orm::DatabaseConnection;
use serde_json::json;

use crate::config::Limits;
use crate::dataset::DatasetCache;
use crate::graphql::AppSchema;
use crate::telemetry::readiness::Readiness;

pub use metrics::metrics_only_routes;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The schema.
    pub schema: AppSchema,
    /// The pool.
    pub db: DatabaseConnection,
    /// Request limits.
    pub limits: Arc<Limits>,
    /// The province-wide dataset cache (indicators, analytics).
    pub datasets: DatasetCache,
    /// Runs analytics queries in worker processes.
    pub analytics: crate::analytics::runner::Runner,
    /// Readiness flags (`GET /ready`).
    pub readiness: Readiness,
    /// The per-token rate limit (none when disabled).
    pub limiter: Option<Arc<auth::TokenLimiter>>,
    /// Requests slower than this are logged at warn.
    pub slow_request: Duration,
    /// Answers to repeated viewer queries, by data version.
    pub cache: Arc<cache::ResponseCache>,
    /// The province's "today" (`crate::clock`).
    pub clock: crate::clock::Clock,
    /// A pinned "today" (`COSO_TODAY`), if any.
    pub today: Option<chrono::NaiveDate>,
    /// Tokens verified from memory (at most a second; also in the schema's data, so a
    /// revocation forgets the token at once).
    pub tokens: crate::service::token_cache::TokenCache,
    /// The origins allowed to call from a browser (`COSO_CORS_ORIGINS`).
    pub cors: cors::Origins,
    /// Documents of automatic persisted queries, by hash.
    pub persisted: Arc<persisted::PersistedQueries>,
    /// The open subscription sockets.
    pub sockets: Arc<subscriptions::Sockets>,
    /// The data version as the `dataChanged` subscribers follow it.
    pub changes: crate::graphql::live::Changes,
    /// The indicator engine's settings (the breakdown workbook computes indicators).
    pub engine: crate::indicators::EngineConfig,
    /// Permits to execute a GraphQL operation ([`crate::config::Limits::graphql_permits`]).
    pub executing: Arc<tokio::sync::Semaphore>,
    /// Serve `POST /bench/floor` (`COSO_BENCH_FLOOR`, for `coso bench graphql` only).
    pub bench_floor: bool,
}

impl AppState {
    /// "Today" for the defaults of a request: the pinned day, or the province's day.
    pub fn today(&self) -> chrono::NaiveDate {
        self.today.unwrap_or_else(|| self.clock.today())
    }
}

/// The routes of the service, inside [`stack`].
pub fn routes(state: AppState) -> impl poem::Endpoint {
    let slow = state.slow_request;
    let origins = state.cors.clone();
    let routes = Route::new()
        .at("/", get(dashboard::index))
        .at("/dashboard/:file", get(dashboard::asset))
        .at("/health", get(health::health))
        .at("/ready", get(health::ready))
        .at("/metrics", get(metrics::scrape))
        .at("/graphql", get(graphql::get).post(graphql::graphql))
        .at("/graphiql/:file", get(graphiql::asset))
        .at("/analytics.csv", poem::post(analytics::analytics_csv))
        .at("/reports/files/:id", get(reports::report_file))
        .at("/imports", poem::post(intake::import))
        .at("/imports/templates/:file", get(intake::template))
        .at("/imports/files/:id", get(intake::import_file))
        .at("/exports/breakdown.xlsx", get(breakdown::download))
        .at("/exports/:file", get(intake::export));
    // The floor of `coso bench graphql`, only in the server the bench starts.
    let routes = match state.bench_floor {
        true => routes.at("/bench/floor", poem::post(floor::floor)),
        false => routes,
    };
    let routes = routes
        .data(state)
        .around(move |ep, req| cors::cors(ep, req, origins.clone()));
    stack(routes, slow)
}

/// The middleware around every route, outermost first: the request id, span, metrics
/// and slow log ([`request_id`]), then the panic catch-all: a panic anywhere in a
/// request answers `500` with `INTERNAL` (the panic is logged), never a dropped
/// connection.
pub fn stack(routes: impl Endpoint + 'static, slow: Duration) -> impl Endpoint {
    routes
        .with(CatchPanic::new().with_handler(panicked))
        .around(move |ep, req| request_id::observe(ep, req, slow))
}

/// The answer to a request that panicked (the panic hook has logged where, with a
/// backtrace; this logs the message in the request's span).
fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = message, "request panicked");
    request_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        "internal error",
    )
}

/// 401 with the code and no detail: a missing, malformed, unknown or revoked token all get
/// the same answer (GraphiQL and other clients show its message instead of failing to parse
/// an empty body).
fn unauthorized() -> Response {
    let mut resp = request_error(
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
        "a valid token is required: Authorization: Bearer <token>",
    );
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    resp
}

/// A request-level error in the GraphQL error shape.
/// Marks an answer as "the database is not reachable, try again": `503` with
/// `Retry-After` (seconds). The token check answers so when it cannot look a token up,
/// and `/graphql` when any operation failed with `DATABASE_UNAVAILABLE` (a token
/// verified from memory gets that far while the database is down).
fn unavailable(resp: &mut Response) {
    resp.set_status(StatusCode::SERVICE_UNAVAILABLE);
    resp.headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
}

fn request_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    Json(body).with_status(status).into_response()
}
