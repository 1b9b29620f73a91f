//! `POST /analytics.csv` with `{"sql": "...", "limit": n}`: the result of an analytics
//! query as a CSV download (analysts and admins), audited like `analyticsQuery`.

use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::{Body, Request, Response, handler};
use serde_json::json;

use super::request_id::RequestId;
use super::{AppState, auth, request_error};
use crate::analytics;
use crate::auth::Principal;
use crate::service::{self, audit};
use crate::telemetry::metrics;

/// The body of `POST /analytics.csv`.
#[derive(serde::Deserialize)]
struct CsvRequest {
    sql: String,
    limit: Option<usize>,
}

#[handler]
pub async fn analytics_csv(req: &Request, body: Body, Data(state): Data<&AppState>) -> Response {
    let principal = match auth::authorize(req, state, "/analytics.csv").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let request_id = req.data::<RequestId>().map(|r| r.0.as_str());
    let parsed = match body.into_bytes_limit(state.limits.max_body_bytes).await {
        Ok(bytes) => serde_json::from_slice::<CsvRequest>(&bytes).ok(),
        Err(_) => None,
    };
    let args = parsed
        .as_ref()
        .map_or(json!({}), |r| json!({ "sql": r.sql, "limit": r.limit }));
    let (resp, outcome) = answer(state, &principal, parsed).await;
    let entry = audit::Entry::by(&principal, request_id, "export", "analytics.csv", args);
    if let Err(e) = audit::record(&state.db, entry.outcome(outcome)).await {
        tracing::error!(error = ?e, "could not write an audit row");
        metrics::record_audit_failure("export");
    }
    resp
}

/// The response and its outcome for the audit row.
async fn answer(
    state: &AppState,
    principal: &Principal,
    parsed: Option<CsvRequest>,
) -> (Response, &'static str) {
    if !principal.can_read_personal_data() {
        let msg = "analytics needs an analyst or admin token";
        return (
            request_error(StatusCode::FORBIDDEN, "FORBIDDEN", msg),
            "FORBIDDEN",
        );
    }
    let Some(request) = parsed else {
        let msg = "the body must be {\"sql\": \"SELECT ...\", \"limit\": n}";
        return (
            request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg),
            "BAD_REQUEST",
        );
    };
    let scope = &principal.scope;
    let result = service::analytics::query(
        &state.db,
        &state.datasets,
        scope,
        request.sql,
        request.limit,
    );
    match result.await {
        Ok((out, _)) => match analytics::convert::csv(&out.frame) {
            Ok(bytes) => {
                let resp = Response::builder()
                    .content_type("text/csv; charset=utf-8")
                    .header(
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"coso-analytics.csv\"",
                    )
                    .body(bytes);
                (resp, "ok")
            }
            Err(_) => {
                let status = StatusCode::INTERNAL_SERVER_ERROR;
                (
                    request_error(status, "INTERNAL", "internal error"),
                    "INTERNAL",
                )
            }
        },
        Err(e) => (
            request_error(StatusCode::BAD_REQUEST, e.code(), &e.to_string()),
            e.code(),
        ),
    }
}
