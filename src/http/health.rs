//! `GET /health` (the process answers) and `GET /ready` (it can serve: the database
//! answers, every migration is applied, the scheduler runs). Neither needs a token.

use std::time::Duration;

use migration::MigratorTrait;
use poem::handler;
use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{IntoResponse, Response};
use serde_json::{Value, json};

use super::AppState;

/// Bound on each database check.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[handler]
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// 200 `{"status": "ready", "checks": {...}}` or 503 `{"status": "not_ready", ...}`
/// where each failed check says why.
#[handler]
pub async fn ready(Data(state): Data<&AppState>) -> Response {
    let database = match tokio::time::timeout(CHECK_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database ping failed");
            Err("unreachable")
        }
        Err(_) => Err("timed out"),
    };
    let migrations = match database {
        Ok(()) => pending_migrations(state).await,
        Err(_) => Err("not checked: database unreachable".to_owned()),
    };
    let scheduler = match state.readiness.scheduler_running() {
        true => Ok(()),
        false => Err("not running"),
    };
    let ok = database.is_ok() && migrations.is_ok() && scheduler.is_ok();
    let check = |r: Result<(), String>| r.err().unwrap_or_else(|| "ok".into());
    let body = json!({
        "status": if ok { "ready" } else { "not_ready" },
        "checks": {
            "database": check(database.map_err(str::to_owned)),
            "migrations": check(migrations),
            "scheduler": check(scheduler.map_err(str::to_owned)),
        }
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    Json(body).with_status(status).into_response()
}

async fn pending_migrations(state: &AppState) -> Result<(), String> {
    let pending = migration::Migrator::get_pending_migrations_read_only(&state.db);
    match tokio::time::timeout(CHECK_TIMEOUT, pending).await {
        Ok(Ok(p)) if p.is_empty() => Ok(()),
        Ok(Ok(p)) => Err(format!("{} pending", p.len())),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: migration status failed");
            Err("status unknown".into())
        }
        Err(_) => Err("timed out".into()),
    }
}
