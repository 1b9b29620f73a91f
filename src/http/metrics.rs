//! `GET /metrics`: the Prometheus text format. On the main address it needs an admin
//! token; `COSO_METRICS_LISTEN` adds a second address serving only this route without
//! a token (keep that address on a private network).

use poem::http::StatusCode;
use poem::web::Data;
use poem::{EndpointExt, IntoResponse, Request, Response, Route, get, handler};
use sea_orm::{DatabaseConnection, DbBackend};

use super::{AppState, auth, request_error};
use crate::telemetry::metrics;

#[handler]
pub async fn scrape(req: &Request, Data(state): Data<&AppState>) -> Response {
    let principal = match auth::authorize(req, state, "metrics").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if !principal.is_admin() {
        return request_error(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "metrics need an admin token",
        );
    }
    render(&state.db)
}

/// The routes of the metrics-only listener.
pub fn metrics_only_routes(db: DatabaseConnection) -> impl poem::Endpoint {
    Route::new().at("/metrics", get(open_metrics)).data(db)
}

#[handler]
async fn open_metrics(Data(db): Data<&DatabaseConnection>) -> Response {
    render(db)
}

fn render(db: &DatabaseConnection) -> Response {
    pool_gauges(db);
    metrics::render()
        .with_content_type("text/plain; version=0.0.4; charset=utf-8")
        .into_response()
}

/// Samples the pool into the gauges (at scrape time).
fn pool_gauges(db: &DatabaseConnection) {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            metrics::set_db_pool(
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            );
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            metrics::set_db_pool(
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            );
        }
        _ => {}
    }
}
