//! HTTP surface (poem): `GET /health`, GraphiQL on `GET /graphql`, and `POST /graphql`,
//! which authenticates the bearer token, enforces the body-size and batch limits, runs
//! each operation with the caller's context and gives every error a stable code.

use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::http::GraphiQLSource;
use async_graphql::{BatchRequest, BatchResponse};
use chrono::Utc;
use poem::http::{StatusCode, header};
use poem::web::{Data, Html, Json};
use poem::{Body, EndpointExt, IntoResponse, Request, Response, Route, get, handler};
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::json;

use crate::analytics;
use crate::auth::Principal;
use crate::config::Limits;
use crate::dataset::DatasetCache;
use crate::graphql::AppSchema;
use crate::graphql::context::RequestData;
use crate::graphql::error::ensure_code;
use crate::graphql::loaders::AppLoader;
use crate::service::{self, tokens};

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
}

/// The routes of the service.
pub fn routes(state: AppState) -> impl poem::Endpoint {
    Route::new()
        .at("/health", get(health))
        .at("/graphql", get(graphiql).post(graphql))
        .at("/analytics.csv", poem::post(analytics_csv))
        .at("/reports/files/:id", get(report_file))
        .data(state)
}

#[handler]
async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

#[handler]
async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("coso GraphiQL")
            .finish(),
    )
}

#[handler]
async fn graphql(req: &Request, body: Body, Data(state): Data<&AppState>) -> Response {
    let principal = match authenticate(req, &state.db).await {
        Ok(Some(p)) => p,
        Ok(None) => return unauthorized(),
        Err(resp) => return resp,
    };
    let bytes = match body.into_bytes_limit(state.limits.max_body_bytes).await {
        Ok(b) => b,
        Err(poem::error::ReadBodyError::PayloadTooLarge) => {
            let msg = format!(
                "request body is larger than {} bytes",
                state.limits.max_body_bytes
            );
            return request_error(StatusCode::PAYLOAD_TOO_LARGE, "BODY_TOO_LARGE", &msg);
        }
        Err(_) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "could not read the request body",
            );
        }
    };
    let batch: BatchRequest = match serde_json::from_slice(&bytes) {
        Ok(b) => b,
        Err(_) => {
            let msg = "the body must be a GraphQL request in JSON: {\"query\": \"...\", \"variables\": {...}}";
            return request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg);
        }
    };
    let requests = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(rs) => rs,
    };
    if requests.is_empty() || requests.len() > state.limits.max_batch {
        let msg = format!("a batch holds 1 to {} operations", state.limits.max_batch);
        return request_error(StatusCode::BAD_REQUEST, "BATCH_TOO_LARGE", &msg);
    }
    let single = requests.len() == 1 && !bytes.trim_ascii_start().starts_with(b"[");
    let mut responses = Vec::with_capacity(requests.len());
    for request in requests {
        let data = RequestData {
            loader: DataLoader::with_cache(
                AppLoader {
                    db: state.db.clone(),
                    scope: principal.scope.clone(),
                },
                tokio::spawn,
                HashMapCache::default(),
            )
            .delay(std::time::Duration::from_millis(
                state.limits.batch_window_ms,
            )),
            principal: principal.clone(),
            today: Utc::now().date_naive(),
        };
        let mut response = state.schema.execute(request.data(data)).await;
        response.errors.iter_mut().for_each(ensure_code);
        responses.push(response);
    }
    let body = match single {
        true => BatchResponse::Single(responses.remove(0)),
        false => BatchResponse::Batch(responses),
    };
    Json(body).into_response()
}

/// Resolves the bearer token; `Ok(None)` for a missing or unknown one.
async fn authenticate(
    req: &Request,
    db: &DatabaseConnection,
) -> Result<Option<Principal>, Response> {
    let Some(secret) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
    else {
        return Ok(None);
    };
    tokens::authenticate(db, secret).await.map_err(|e| {
        tracing::error!(error = ?e, "token lookup failed");
        request_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "INTERNAL",
            "internal error",
        )
    })
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

/// The body of `POST /analytics.csv`.
#[derive(serde::Deserialize)]
struct CsvRequest {
    sql: String,
    limit: Option<usize>,
}

/// `POST /analytics.csv` with `{"sql": "...", "limit": n}`: the result of an analytics
/// query as a CSV download (analysts and admins).
#[handler]
async fn analytics_csv(req: &Request, body: Body, Data(state): Data<&AppState>) -> Response {
    let principal = match authenticate(req, &state.db).await {
        Ok(Some(p)) => p,
        Ok(None) => return unauthorized(),
        Err(resp) => return resp,
    };
    if !principal.can_read_personal_data() {
        return request_error(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "analytics needs an analyst or admin token",
        );
    }
    let parsed = match body.into_bytes_limit(state.limits.max_body_bytes).await {
        Ok(bytes) => serde_json::from_slice::<CsvRequest>(&bytes).ok(),
        Err(_) => None,
    };
    let Some(request) = parsed else {
        return request_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the body must be {\"sql\": \"SELECT ...\", \"limit\": n}",
        );
    };
    let answer = service::analytics::query(
        &state.db,
        &state.datasets,
        &principal.scope,
        request.sql,
        request.limit,
    );
    match answer.await {
        Ok((out, _)) => match analytics::convert::csv(&out.frame) {
            Ok(bytes) => Response::builder()
                .content_type("text/csv; charset=utf-8")
                .header(
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"coso-analytics.csv\"",
                )
                .body(bytes),
            Err(_) => request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            ),
        },
        Err(e) => request_error(StatusCode::BAD_REQUEST, e.code(), &e.to_string()),
    }
}

/// `GET /reports/files/{id}`: a file of an archived report (a chart or an attachment),
/// byte for byte as it was sent (province admins).
#[handler]
async fn report_file(
    req: &Request,
    poem::web::Path(id): poem::web::Path<String>,
    Data(state): Data<&AppState>,
) -> Response {
    let principal = match authenticate(req, &state.db).await {
        Ok(Some(p)) => p,
        Ok(None) => return unauthorized(),
        Err(resp) => return resp,
    };
    if !principal.is_admin() || principal.scope.district.is_some() {
        let msg = "archived reports need a province admin token";
        return request_error(StatusCode::FORBIDDEN, "FORBIDDEN", msg);
    }
    let not_found = || request_error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such report file");
    let Ok(id) = id.parse::<i32>() else {
        return not_found();
    };
    match entity::report_archive_file::Entity::find_by_id(id)
        .one(&state.db)
        .await
    {
        Ok(Some(f)) => {
            let ascii = crate::mail::ascii_fallback(&f.name);
            let encoded: String = f
                .name
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            let disposition = format!(
                "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
                if f.role == "inline" {
                    "inline"
                } else {
                    "attachment"
                }
            );
            Response::builder()
                .content_type(f.content_type.as_str())
                .header(header::CONTENT_DISPOSITION, disposition)
                .body(f.bytes)
        }
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = ?e, "report file lookup failed");
            request_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "INTERNAL",
                "internal error",
            )
        }
    }
}
