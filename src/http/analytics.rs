//! `POST /analytics.csv` with `{"sql": "...", "limit": n}`: the result of an analytics
//! query as a CSV download (analysts and admins), audited like `analyticsQuery`.

use poem::error::ReadBodyError;
use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::{Body, Request, Response, handler};
use serde_json::json;

use super::request_id::RequestId;
use super::{AppState, auth, request_error};
use crate::analytics;
use crate::auth::Principal;
use crate::service::{self, audit};

/// The body of `POST /analytics.csv`.
#[derive(serde::Deserialize)]
struct CsvRequest {
    sql: String,
    limit: Option<usize>,
}

/// What the body gave: a request, a body over the size limit, or something unreadable.
enum Parsed {
    Request(CsvRequest),
    TooLarge,
    Bad,
}

async fn parse(body: Body, max_bytes: usize) -> Parsed {
    match body.into_bytes_limit(max_bytes).await {
        Ok(bytes) => serde_json::from_slice(&bytes).map_or(Parsed::Bad, Parsed::Request),
        Err(ReadBodyError::PayloadTooLarge) => Parsed::TooLarge,
        Err(_) => Parsed::Bad,
    }
}

#[handler]
pub async fn analytics_csv(req: &Request, body: Body, Data(state): Data<&AppState>) -> Response {
    let principal = match auth::authorize(req, state, "/analytics.csv").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let request_id = req.data::<RequestId>().map(|r| r.0.as_str());
    let parsed = parse(body, state.limits.max_body_bytes).await;
    let args = match &parsed {
        Parsed::Request(r) => json!({ "sql": r.sql, "limit": r.limit }),
        _ => json!({}),
    };
    let (resp, outcome) = answer(state, &principal, parsed).await;
    let entry = audit::Entry::by(&principal, request_id, "export", "analytics.csv", args);
    crate::graphql::audit::append(&state.db, entry.outcome(outcome)).await;
    resp
}

/// The response and its outcome for the audit row.
async fn answer(
    state: &AppState,
    principal: &Principal,
    parsed: Parsed,
) -> (Response, &'static str) {
    if !principal.can_read_personal_data() {
        let msg = "analytics needs an analyst or admin token";
        return (
            request_error(StatusCode::FORBIDDEN, "FORBIDDEN", msg),
            "FORBIDDEN",
        );
    }
    let request = match parsed {
        Parsed::Request(request) => request,
        Parsed::TooLarge => {
            let msg = format!(
                "the body is larger than {} bytes (COSO_MAX_BODY_BYTES)",
                state.limits.max_body_bytes
            );
            let status = StatusCode::PAYLOAD_TOO_LARGE;
            return (
                request_error(status, "BODY_TOO_LARGE", &msg),
                "BODY_TOO_LARGE",
            );
        }
        Parsed::Bad => {
            let msg = "the body must be {\"sql\": \"SELECT ...\", \"limit\": n}";
            return (
                request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg),
                "BAD_REQUEST",
            );
        }
    };
    let result = service::analytics::query(
        &state.db,
        &state.datasets,
        &state.analytics,
        &principal.scope,
        request.sql,
        request.limit,
    );
    match result.await {
        Ok((out, _)) => match analytics::convert::csv(&out.columns, &out.rows) {
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
            Err(e) => {
                tracing::error!(error = %e, "analytics: writing the CSV failed");
                let status = StatusCode::INTERNAL_SERVER_ERROR;
                (
                    request_error(status, "INTERNAL", "internal error"),
                    "INTERNAL",
                )
            }
        },
        Err(e) => (error_response(&e), e.code()),
    }
}

/// The HTTP answer to a failed query: 503 with `Retry-After` when busy, 500 for our own
/// failures, 400 for the query's.
fn error_response(e: &analytics::AnalyticsError) -> Response {
    let status = match (e.retry_after(), e.code()) {
        (Some(_), _) | (_, "DATABASE_UNAVAILABLE") => StatusCode::SERVICE_UNAVAILABLE,
        (_, "INTERNAL") => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let mut resp = request_error(status, e.code(), &e.to_string());
    if let Some(secs) = e.retry_after()
        && let Ok(value) = header::HeaderValue::from_str(&secs.to_string())
    {
        resp.headers_mut().insert(header::RETRY_AFTER, value);
    }
    resp
}
