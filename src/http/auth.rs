//! Who is calling: resolves the bearer token to a [`Principal`] and applies the
//! per-token rate limit (governor, keyed by token id) before a handler does anything.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use poem::http::{StatusCode, header};
use poem::{IntoResponse, Request, Response};

use super::{AppState, request_error, unauthorized};
use crate::auth::Principal;
use crate::config::Limits;
use crate::service::ServiceError;
use crate::telemetry::metrics;

/// Requests per token id.
pub type TokenLimiter = DefaultKeyedRateLimiter<i32>;

/// The limiter `limits` ask for: `rate_limit_per_min` per token with a burst of
/// `rate_limit_burst`; none when the rate is 0.
pub fn limiter(limits: &Limits) -> Option<Arc<TokenLimiter>> {
    let per_min = NonZeroU32::new(limits.rate_limit_per_min)?;
    let burst = NonZeroU32::new(limits.rate_limit_burst).unwrap_or(per_min);
    let quota = Quota::per_minute(per_min).allow_burst(burst);
    Some(Arc::new(RateLimiter::keyed(quota)))
}

/// The caller of `req`, or the response refusing it: 401 (no or unknown token), 429
/// `RATE_LIMITED` with `Retry-After`, or 503 when the token cannot be looked up.
pub async fn authorize(
    req: &Request,
    state: &AppState,
    route: &'static str,
) -> Result<Principal, Response> {
    let principal = authenticate(req, state).await?.ok_or_else(unauthorized)?;
    if let Some(limiter) = &state.limiter
        && let Err(not_until) = limiter.check_key(&principal.token_id)
    {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        metrics::record_rate_limited(route);
        let msg = format!("too many requests for this token; retry in {secs} s");
        let mut resp = request_error(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", &msg);
        if let Ok(v) = secs.max(1).to_string().parse() {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Err(resp);
    }
    Ok(principal)
}

/// The credentials of an `Authorization` value whose scheme is `Bearer`, in any case
/// (RFC 9110: the scheme is case-insensitive).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(credentials.trim())
}

/// Resolves the bearer token; `Ok(None)` for a missing or unknown one.
async fn authenticate(req: &Request, state: &AppState) -> Result<Option<Principal>, Response> {
    let Some(secret) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer)
    else {
        return Ok(None);
    };
    state
        .tokens
        .authenticate(&state.db, secret)
        .await
        .map_err(|e| {
            tracing::error!(error = ?e, "token lookup failed");
            // The database being unreachable says so (and is worth a retry); anything else
            // stays "internal error".
            let (code, message) = match &e {
                ServiceError::Unavailable(_) => ("DATABASE_UNAVAILABLE", e.to_string()),
                _ => ("INTERNAL", "internal error".to_owned()),
            };
            let mut resp =
                request_error(StatusCode::SERVICE_UNAVAILABLE, code, &message).into_response();
            super::unavailable(&mut resp);
            resp
        })
}
