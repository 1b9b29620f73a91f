//! The first stage of every request: its id (a sane incoming `X-Request-Id`, else a new
//! one, returned in the `X-Request-Id` response header), the `request` span every log
//! line of the request is in, the HTTP metrics, and a warn line for slow requests with
//! their GraphQL operation names.

use std::sync::Arc;
use std::time::{Duration, Instant};

use poem::http::HeaderValue;
use poem::{Endpoint, IntoResponse, Request, Response};
use rand::RngCore;
use tracing::Instrument;

use crate::telemetry::metrics;

/// The header carrying the id, both ways.
pub const HEADER: &str = "x-request-id";

/// The id of the current request (in the request's data).
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The GraphQL operations a response answered (in the response's data), comma-separated.
#[derive(Clone, Debug)]
pub struct OperationNames(pub String);

/// Wraps `ep`: see the module doc.
pub async fn observe<E: Endpoint>(
    ep: Arc<E>,
    mut req: Request,
    slow: Duration,
) -> poem::Result<Response> {
    let id = incoming(&req).unwrap_or_else(generate);
    req.set_data(RequestId(id.clone()));
    let method = req.method().to_string();
    let route = route_label(req.uri().path());
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %method,
        path = %req.uri().path(),
        graphql.operation = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut resp = match ep.call(req).instrument(span.clone()).await {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    let elapsed = started.elapsed();
    let status = resp.status().as_u16();
    metrics::record_http_request(&method, route, status, elapsed);
    let ms = elapsed.as_millis() as u64;
    let ops = resp.data::<OperationNames>().map(|o| o.0.clone());
    span.in_scope(|| match elapsed >= slow {
        true => tracing::warn!(status, elapsed_ms = ms, operation = ops, "slow request"),
        false => tracing::debug!(status, elapsed_ms = ms, operation = ops, "request"),
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(HEADER, v);
    }
    Ok(resp)
}

/// The incoming id, when it is 1 to 128 characters of letters, digits and `-_.:`.
fn incoming(req: &Request) -> Option<String> {
    let v = req.headers().get(HEADER)?.to_str().ok()?;
    let sane = !v.is_empty()
        && v.len() <= 128
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    sane.then(|| v.to_owned())
}

/// A new id: 128 random bits in hex.
fn generate() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The route label of a path (known routes only, so the label set is bounded).
fn route_label(path: &str) -> &'static str {
    match path {
        "/graphql" => "/graphql",
        "/analytics.csv" => "/analytics.csv",
        "/health" => "/health",
        "/ready" => "/ready",
        "/metrics" => "/metrics",
        _ => "other",
    }
}
