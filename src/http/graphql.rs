//! `POST /graphql` and `GET /graphql`: authenticates and rate-limits the
//! token, enforces the body-size and batch limits, fills in persisted queries
//! ([`super::persisted`]), runs each operation with the
//! caller's context (queries under the timeout; mutations are never cut), gives every
//! error a stable code and records each operation's metrics. Both methods share every
//! step after reading the request; GET answers carry an `ETag` ([`super::etag`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::dataloader::DataLoader;
use async_graphql::{BatchRequest, BatchResponse, ErrorExtensionValues, ServerError};
use async_graphql_poem::GraphQLProtocol;
use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::web::websocket::WebSocket;
use poem::{Body, Request, Response, handler};

use super::cache::{Cached, Key, ResponseCache};
use super::media::Media;
use super::persisted::Refused;
use super::request_id::{OperationNames, RequestId};
use super::{AppState, admission, answer, auth, etag, request_error};
use crate::auth::Principal;
use crate::graphql::audit::{self, AuditState};
use crate::graphql::context::{Budget, LoaderCache, RequestData};
use crate::graphql::error::ensure_code;
use crate::graphql::loaders::AppLoader;
use crate::graphql::operation::OperationInfo;
use crate::telemetry::metrics;

/// `POST /graphql`.
#[handler]
pub async fn graphql(req: &Request, body: Body, Data(state): Data<&AppState>) -> Response {
    let media = Media::of(req);
    let principal = match auth::authorize(req, state, "/graphql").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let (mut requests, single, raw) = match read_batch(body, state).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    for request in &mut requests {
        if let Err(refused) = state.persisted.resolve(request) {
            return refused_persisted(&refused, media);
        }
    }
    let incoming = Incoming {
        requests,
        single,
        raw,
        media,
        revalidate: None,
    };
    answer(req, state, &principal, incoming).await
}

/// `GET /graphql`: a subscription socket ([`super::subscriptions`]) when it asks for a
/// WebSocket, else a query in the query string.
#[handler]
pub async fn get(
    req: &Request,
    ws: Option<WebSocket>,
    protocol: Option<GraphQLProtocol>,
    Data(state): Data<&AppState>,
) -> Response {
    match (ws, protocol) {
        (Some(ws), Some(protocol)) => super::subscriptions::upgrade(ws, protocol, state),
        (Some(_), None) => {
            let msg = "a subscription socket needs Sec-WebSocket-Protocol: graphql-transport-ws";
            request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg)
        }
        (None, _) => get_query(req, state).await,
    }
}

/// A query in the query string (`query`, `variables`, `operationName`, `extensions`),
/// answered like the same query by POST; only queries (a mutation: `405`). Without
/// `query` or `extensions`, a browser asking for HTML gets GraphiQL.
async fn get_query(req: &Request, state: &AppState) -> Response {
    let media = Media::of(req);
    let max = state.limits.max_body_bytes;
    if req.uri().query().map_or(0, str::len) > max {
        let msg = format!("the query string is larger than {max} bytes; send the query by POST");
        return request_error(StatusCode::URI_TOO_LONG, "BODY_TOO_LARGE", &msg);
    }
    let Ok(params) = req.params::<GetParams>() else {
        let msg = "the query string must be query=...&variables=...&operationName=...";
        return request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg);
    };
    if params.query.is_none() && params.extensions.is_none() {
        if Media::wants_html(req) {
            return super::graphiql::page_response();
        }
        let msg = "GET /graphql needs a query: /graphql?query={...}";
        return request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg);
    }
    let principal = match auth::authorize(req, state, "/graphql").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut request = match params.request() {
        Ok(r) => r,
        Err(msg) => return request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &msg),
    };
    if let Err(refused) = state.persisted.resolve(&mut request) {
        return refused_persisted(&refused, media);
    }
    if !is_query(&mut request) {
        let msg = "only queries may be sent by GET; send mutations by POST";
        let mut resp = request_error(StatusCode::METHOD_NOT_ALLOWED, "MUTATION_BY_GET", msg);
        resp.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return resp;
    }
    // The same request in the POST body's form: the response cache key.
    let raw = serde_json::to_vec(&serde_json::json!({
        "query": request.query,
        "operationName": request.operation_name,
        "variables": request.variables,
    }))
    .unwrap_or_default();
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let incoming = Incoming {
        requests: vec![request],
        single: true,
        raw,
        media,
        revalidate: Some(if_none_match),
    };
    answer(req, state, &principal, incoming).await
}

/// The query string of `GET /graphql`.
#[derive(serde::Deserialize)]
struct GetParams {
    query: Option<String>,
    variables: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    extensions: Option<String>,
}

impl GetParams {
    /// The GraphQL request (the variables and extensions are JSON objects).
    fn request(self) -> Result<async_graphql::Request, String> {
        let object = |what: &str, text: Option<String>| match text.filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&t)
                .map(|m| Some(serde_json::Value::Object(m)))
                .map_err(|_| format!("`{what}` must be a JSON object")),
        };
        let variables = object("variables", self.variables)?;
        let extensions = object("extensions", self.extensions)?;
        let mut request = async_graphql::Request::new(self.query.unwrap_or_default());
        if let Some(name) = self.operation_name.filter(|n| !n.is_empty()) {
            request = request.operation_name(name);
        }
        if let Some(v) = variables {
            request = request.variables(async_graphql::Variables::from_json(v));
        }
        if let Some(serde_json::Value::Object(ext)) = extensions {
            for (k, v) in ext {
                if let Ok(v) = async_graphql::Value::from_json(v) {
                    request.extensions.0.insert(k, v);
                }
            }
        }
        Ok(request)
    }
}

/// Whether the operation the request runs is a query (or the document does not parse
/// or name one: GraphQL then answers why).
fn is_query(request: &mut async_graphql::Request) -> bool {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    let name = request.operation_name.clone();
    if crate::graphql::cost::nests_too_deep(&request.query) {
        return true;
    }
    let Ok(doc) = request.parsed_query() else {
        return true;
    };
    let ty = match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.get(name.as_str()).map(|op| op.node.ty)
        }
        (DocumentOperations::Multiple(_), None) => None,
    };
    ty.is_none_or(|t| t == OperationType::Query)
}

/// The answer to a persisted query that could not be used: `200` for an unknown hash
/// (Apollo clients then send the document), `400` otherwise.
fn refused_persisted(refused: &Refused, media: Media) -> Response {
    let status = match refused {
        Refused::NotFound => StatusCode::OK,
        _ => StatusCode::BAD_REQUEST,
    };
    let body = async_graphql::Response::from_errors(vec![refused.error()]);
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let mut resp = Response::builder()
        .status(status)
        .content_type(media.content_type())
        .body(bytes);
    resp.set_data(OperationNames("persisted".into()));
    resp
}

/// A request to `/graphql`, read.
struct Incoming {
    requests: Vec<async_graphql::Request>,
    /// One operation, not in a JSON array.
    single: bool,
    /// The request as sent (POST) or in the POST form (GET): the response cache key.
    raw: Vec<u8>,
    media: Media,
    /// For GET: the `If-None-Match` header, if any.
    revalidate: Option<Option<String>>,
}

/// Runs the operations of a request as `principal` and answers: from the response
/// cache when it has the answer, else by running them (one at a time, sharing the
/// budget and the deadline).
async fn answer(
    req: &Request,
    state: &AppState,
    principal: &Principal,
    incoming: Incoming,
) -> Response {
    let Incoming {
        requests,
        single,
        raw,
        media,
        revalidate,
    } = incoming;
    let shape = Shape { media, revalidate };
    let request_id = req
        .data::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let started = Instant::now();
    // The province's day (or the pinned one), the same for the cache key and every
    // operation of the request.
    let today = state.today();
    // A question asked for the first time is neither looked up nor kept (`cache`).
    let cached = match single
        .then(|| ResponseCache::key(principal, today, &raw))
        .flatten()
        .filter(|key| state.cache.worth_checking(key))
    {
        Some(key) => match state.datasets.version(&state.db).await {
            Ok(v) => Some((key, v.map_or(0, |v| v.version))),
            Err(_) => None,
        },
        None => None,
    };
    let hit = |cached: &Option<(Key, i64)>| {
        let (key, version) = cached.as_ref()?;
        let hit = state.cache.get(key, *version)?;
        metrics::record_graphql_operation(&hit.name, "query", "ok", started.elapsed());
        Some(shape.ok(principal, hit.body, hit.name, true))
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
    let mut refused = false;
    let mut unreachable = false;
    for request in requests {
        let run = execute(state, (principal, &request_id), &batch, today, request).await;
        all_queries &= run.kind == "query" && run.response.errors.is_empty();
        refused |= run.refused;
        unreachable |= run
            .response
            .errors
            .iter()
            .any(|e| code_of(e) == "DATABASE_UNAVAILABLE");
        responses.push(run.response);
        names.push(run.name);
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
    if single && refused && media == Media::GraphqlResponse {
        let mut resp = shape.ok(principal, bytes, names, false);
        resp.set_status(StatusCode::BAD_REQUEST);
        return resp;
    }
    let mut resp = shape.ok(principal, bytes, names, all_queries);
    if unreachable {
        super::unavailable(&mut resp);
    }
    resp
}

/// How the answer is sent: its media type and, for GET, its HTTP caching.
struct Shape {
    media: Media,
    revalidate: Option<Option<String>>,
}

impl Shape {
    /// A `200` answer of `bytes` (tagged for GET when `clean`: every operation a query
    /// without errors), or `304` when the client's `If-None-Match` holds its tag.
    fn ok(
        &self,
        principal: &Principal,
        bytes: bytes::Bytes,
        names: String,
        clean: bool,
    ) -> Response {
        let mut builder = Response::builder().content_type(self.media.content_type());
        if let Some(if_none_match) = &self.revalidate {
            builder = builder
                .header(header::CACHE_CONTROL, "private, no-cache")
                .header(header::VARY, "Authorization, Accept");
            if clean {
                let tag = etag::of(principal, self.media, &bytes);
                if if_none_match
                    .as_deref()
                    .is_some_and(|h| etag::matches(h, &tag))
                {
                    let mut resp = builder
                        .status(StatusCode::NOT_MODIFIED)
                        .header(header::ETAG, tag)
                        .finish();
                    resp.set_data(OperationNames(names));
                    return resp;
                }
                builder = builder.header(header::ETAG, tag);
            }
        }
        let mut resp = builder.body(bytes);
        resp.set_data(OperationNames(names));
        resp
    }
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

/// One operation's outcome.
struct Run {
    response: async_graphql::Response,
    name: String,
    kind: &'static str,
    /// Refused before it ran: the document did not parse or validate (or was over a
    /// limit); `400` in `application/graphql-response+json`.
    refused: bool,
}

async fn execute(
    state: &AppState,
    (principal, request_id): (&Principal, &str),
    batch: &Batch,
    today: chrono::NaiveDate,
    request: async_graphql::Request,
) -> Run {
    let audit = AuditState::default();
    let data = RequestData {
        loader: DataLoader::with_cache(
            AppLoader {
                db: state.db.clone(),
                scope: principal.scope.clone(),
            },
            tokio::spawn,
            LoaderCache::new(),
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
    // A turn to execute (`admission`), waited for within the deadline.
    let run = admission::admitted(
        state.executing.clone(),
        admission::SLICE,
        state.schema.execute(request.data(data).data(info.clone())),
    );
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
    // The operation is chosen (and the slot filled) only once the document parsed and
    // validated: errors without it are the request's.
    let refused = info.get().is_none() && !response.errors.is_empty() && outcome != "TIMEOUT";
    Run {
        response,
        name: name.to_owned(),
        kind,
        refused,
    }
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
    if crate::graphql::cost::nests_too_deep(document) {
        return false;
    }
    let Ok(doc) = async_graphql::parser::parse_query(document) else {
        return false;
    };
    doc.operations.iter().any(|(_, op)| {
        op.node.selection_set.node.items.iter().any(|item| {
            matches!(&item.node, Selection::Field(f) if f.node.name.node == "analyticsQuery")
        })
    })
}
