//! HTTP surface (poem). Routes: `GET /health`, `GET /ready`, `GET /metrics` (admin
//! token), GraphiQL on `GET /graphql`, `POST /graphql`, `POST /analytics.csv` and
//! `GET /reports/files/{id}`. Every
//! request goes through [`request_id`] (id, span, metrics, slow log) first; the
//! handlers authenticate the bearer token and apply the per-token rate limit
//! ([`auth`]) before anything else.

mod analytics;
pub mod auth;
pub mod cache;
mod graphql;
mod health;
mod metrics;
mod reports;
pub mod request_id;

use std::sync::Arc;
use std::time::Duration;

use poem::http::{StatusCode, header};
use poem::web::Json;
use poem::{EndpointExt, IntoResponse, Response, Route, get};
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
}

/// The routes of the service.
pub fn routes(state: AppState) -> impl poem::Endpoint {
    let slow = state.slow_request;
    Route::new()
        .at("/health", get(health::health))
        .at("/ready", get(health::ready))
        .at("/metrics", get(metrics::scrape))
        .at("/graphql", get(graphql::graphiql).post(graphql::graphql))
        .at("/analytics.csv", poem::post(analytics::analytics_csv))
        .at("/reports/files/:id", get(reports::report_file))
        .data(state)
        .around(move |ep, req| request_id::observe(ep, req, slow))
}

/// 401 with no detail.
fn unauthorized() -> Response {
    Response::builder()
        .status(StatusCode::UNAUTHORIZED)
        .header(header::WWW_AUTHENTICATE, "Bearer")
        .finish()
}

/// A request-level error in the GraphQL error shape.
fn request_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    Json(body).with_status(status).into_response()
}
