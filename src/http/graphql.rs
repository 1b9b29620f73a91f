//! `POST /graphql`: authenticates and rate-limits the
//! token, enforces the body-size and batch limits, runs each operation with the
//! caller's context (queries under the timeout; mutations are never cut), gives every
//! error a stable code and records each operation's metrics.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::{BatchRequest, BatchResponse, ErrorExtensionValues, ServerError};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Body, Request, Response, handler};

use super::cache::{Cached, Key, ResponseCache};
use super::request_id::{OperationNames, RequestId};
use super::{AppState, answer, auth, request_error};
use crate::auth::Principal;
use crate::graphql::audit::{self, AuditState};
use crate::graphql::context::{Budget, RequestData};
use crate::graphql::error::ensure_code;
use crate::graphql::loaders::AppLoader;
use crate::graphql::operation::OperationInfo;
use crate::telemetry::metrics;

#[handler]
pub async fn graphql(req: &Request, body: Body, Data(state): Data<&AppState>) -> Response {
    let principal = match auth::authorize(req, state, "/graphql").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let (requests, single, raw) = match read_batch(body, state).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let request_id = req
        .data::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let started = Instant::now();
    // The province's day (or the pinned one), the same for the cache key and every
    // operation of the request.
    let today = state.today();
    let cached = match single
        .then(|| ResponseCache::key(&principal, today, &raw))
        .flatten()
    {
        Some(key) => match crate::service::version::current(&state.db).await {
            Ok(v) => Some((key, v.map_or(0, |v| v.version))),
            Err(_) => None,
        },
        None => None,
    };
    let hit = |cached: &Option<(Key, i64)>| {
        let (key, version) = cached.as_ref()?;
        let hit = state.cache.get(key, *version)?;
        metrics::record_graphql_operation(&hit.name, "query", "ok", started.elapsed());
        Some(json_body(hit.body, hit.name))
    };
    if let Some(resp) = hit(&cached) {
        return resp;
    }
    // A miss: one request computes, the others asking the same wait and take its answer.
    let gate = cached.as_ref().map(|(key, _)| state.cache.gate(key));
    let _computing = match &gate {
        Some(gate) => Some(gate.lock().await),
        None => None,
    };
    if let Some(resp) = hit(&cached) {
        return resp;
    }
    let batch = Batch::new(&state.limits);
    let mut responses = Vec::with_capacity(requests.len());
    let mut names = Vec::with_capacity(requests.len());
    let mut all_queries = true;
    let mut unreachable = false;
    for request in requests {
        let (response, name, kind) =
            execute(state, (&principal, &request_id), &batch, today, request).await;
        all_queries &= kind == "query" && response.errors.is_empty();
        unreachable |= response
            .errors
            .iter()
            .any(|e| code_of(e) == "DATABASE_UNAVAILABLE");
        responses.push(response);
        names.push(name);
    }
    let names = names.join(",");
    tracing::Span::current().record("graphql.operation", names.as_str());
    let body = match single {
        true => BatchResponse::Single(responses.remove(0)),
        false => BatchResponse::Batch(responses),
    };
    let max = state.limits.max_response_bytes;
    let serialized = answer::to_json(&body, max);
    drop(body);
    let bytes = match serialized {
        Ok(bytes) => bytes,
        Err(unsent) => return unsent_answer(unsent, max, names),
    };
    if bytes.len() >= answer::TRIM_ABOVE {
        answer::release_memory_soon();
    }
    if let Some((key, version)) = cached
        && all_queries
    {
        let name = names.clone();
        state.cache.put(
            key,
            Cached {
                version,
                body: bytes.clone(),
                name,
            },
        );
    }
    let mut resp = json_body(bytes, names);
    if unreachable {
        super::unavailable(&mut resp);
    }
    resp
}

/// The answer to a request whose answer could not be sent: `RESPONSE_TOO_LARGE`, or
/// `INTERNAL` (logged).
fn unsent_answer(unsent: answer::Unsent, max: usize, names: String) -> Response {
    answer::release_memory_soon();
    let mut resp = match unsent {
        answer::Unsent::TooLarge => {
            let msg = format!(
                "the answer is larger than {max} bytes; ask for fewer fields, values or rows"
            );
            request_error(StatusCode::OK, "RESPONSE_TOO_LARGE", &msg)
        }
        answer::Unsent::Internal(e) => {
            tracing::error!(error = %e, "answer serialisation failed");
            let msg = "internal error";
            request_error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", msg)
        }
    };
    resp.set_data(OperationNames(names));
    resp
}

/// A JSON answer carrying its operation names (for the request log).
fn json_body(bytes: bytes::Bytes, names: String) -> Response {
    let mut resp = Response::builder()
        .content_type("application/json")
        .body(bytes);
    resp.set_data(OperationNames(names));
    resp
}

/// The operations of the body, whether it was a single request (not a JSON array), and
/// the body itself.
async fn read_batch(
    body: Body,
    state: &AppState,
) -> Result<(Vec<async_graphql::Request>, bool, Vec<u8>), Response> {
    let max = state.limits.max_body_bytes;
    let bytes = match body.into_bytes_limit(max).await {
        Ok(b) => b,
        Err(poem::error::ReadBodyError::PayloadTooLarge) => {
            let msg = format!("request body is larger than {max} bytes");
            return Err(request_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BODY_TOO_LARGE",
                &msg,
            ));
        }
        Err(_) => {
            let msg = "could not read the request body";
            return Err(request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg));
        }
    };
    if is_empty_batch(&bytes) {
        let msg = format!(
            "the batch is empty: send one operation, or an array of 1 to {} operations",
            state.limits.max_batch
        );
        return Err(request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &msg));
    }
    let Ok(batch) = serde_json::from_slice::<BatchRequest>(&bytes) else {
        let msg = "the body must be a GraphQL request in JSON: {\"query\": \"...\", \"variables\": {...}}";
        return Err(request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg));
    };
    let requests = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(rs) => rs,
    };
    if requests.is_empty() || requests.len() > state.limits.max_batch {
        let msg = format!("a batch holds 1 to {} operations", state.limits.max_batch);
        return Err(request_error(
            StatusCode::BAD_REQUEST,
            "BATCH_TOO_LARGE",
            &msg,
        ));
    }
    let single = requests.len() == 1 && !bytes.trim_ascii_start().starts_with(b"[");
    Ok((requests, single, bytes.to_vec()))
}

/// Whether the body is a JSON array with nothing in it.
fn is_empty_batch(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Vec<serde::de::IgnoredAny>>(bytes).is_ok_and(|v| v.is_empty())
}

/// Runs one operation (a query under the timeout); returns its response, name and kind.
/// What the operations of one HTTP request share: the complexity budget and the deadline.
struct Batch {
    budget: Arc<Budget>,
    deadline: tokio::time::Instant,
}

impl Batch {
    fn new(limits: &crate::config::Limits) -> Self {
        Self {
            budget: Budget::new(limits.max_complexity),
            deadline: tokio::time::Instant::now() + Duration::from_millis(limits.query_timeout_ms),
        }
    }
}

async fn execute(
    state: &AppState,
    (principal, request_id): (&Principal, &str),
    batch: &Batch,
    today: chrono::NaiveDate,
    request: async_graphql::Request,
) -> (async_graphql::Response, String, &'static str) {
    let audit = AuditState::default();
    let data = RequestData {
        loader: DataLoader::with_cache(
            AppLoader {
                db: state.db.clone(),
                scope: principal.scope.clone(),
            },
            tokio::spawn,
            HashMapCache::default(),
        )
        .delay(Duration::from_millis(state.limits.batch_window_ms)),
        principal: principal.clone(),
        today,
        request_id: request_id.to_owned(),
        audit: audit.clone(),
        budget: batch.budget.clone(),
    };
    let info = Arc::new(OperationInfo::default());
    let started = Instant::now();
    let limit = Duration::from_millis(state.limits.query_timeout_ms);
    let document = request.query.clone();
    let run = state.schema.execute(request.data(data).data(info.clone()));
    tokio::pin!(run);
    let mut response = tokio::select! {
        response = &mut run => response,
        () = tokio::time::sleep_until(batch.deadline) => match info.get() {
            // A write is never cut: a dropped commit may still land, and the caller
            // could not know whether it did. It runs to its end.
            Some((name, "mutation")) => {
                tracing::warn!(operation = name, "mutation over the query timeout; letting it finish");
                run.await
            }
            _ => {
                // What the cut query had built is dropped with it: hand it back.
                answer::release_memory_soon();
                timed_out(state, (principal, request_id), &audit, &document, limit).await
            }
        },
    };
    response.errors.iter_mut().for_each(ensure_code);
    let (name, kind) = info.get().unwrap_or(("invalid", "unknown"));
    let outcome = response.errors.first().map_or("ok".to_owned(), code_of);
    metrics::record_graphql_operation(name, kind, &outcome, started.elapsed());
    (response, name.to_owned(), kind)
}

/// The `TIMEOUT` answer of a query; the audited fields it was running (analytics
/// queries) get their rows with outcome `TIMEOUT`. A query cut before its resolvers
/// started still gets the row of each analytics field its document asks for.
async fn timed_out(
    state: &AppState,
    (principal, request_id): (&Principal, &str),
    audit: &AuditState,
    document: &str,
    limit: Duration,
) -> async_graphql::Response {
    let pending = audit.take_pending();
    if pending.is_empty() && asks_for_analytics(document) {
        let args = serde_json::json!({ "document": document });
        let entry = crate::service::audit::Entry::by(
            principal,
            Some(request_id),
            "analytics",
            "analyticsQuery",
            args,
        );
        audit::append(&state.db, entry.outcome("TIMEOUT")).await;
    }
    for entry in pending {
        audit::append(&state.db, entry.outcome("TIMEOUT")).await;
    }
    let msg = format!("the operation took longer than {} ms", limit.as_millis());
    let mut error = ServerError::new(msg, None);
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", "TIMEOUT");
    error.extensions = Some(ext);
    async_graphql::Response::from_errors(vec![error])
}

fn code_of(e: &ServerError) -> String {
    e.extensions
        .as_ref()
        .and_then(|x| x.get("code"))
        .map_or_else(
            || "INTERNAL".into(),
            |v| v.to_string().trim_matches('"').to_owned(),
        )
}

/// Whether any operation of `document` selects `analyticsQuery` at its root.
fn asks_for_analytics(document: &str) -> bool {
    use async_graphql::parser::types::Selection;
    let Ok(doc) = async_graphql::parser::parse_query(document) else {
        return false;
    };
    doc.operations.iter().any(|(_, op)| {
        op.node.selection_set.node.items.iter().any(|item| {
            matches!(&item.node, Selection::Field(f) if f.node.name.node == "analyticsQuery")
        })
    })
}
