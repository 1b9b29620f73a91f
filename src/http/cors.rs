//! Cross-origin access for browser clients, around every API route (inside the request
//! id stage): origins on `COSO_CORS_ORIGINS` get the `Access-Control-*` headers on every
//! answer and their preflights (`OPTIONS` with `Access-Control-Request-Method`) are
//! answered `204` here; any other origin gets no CORS header at all (its preflight goes
//! on to the route, which refuses `OPTIONS` with `405`). With the list empty (the
//! default) nothing is added. Tokens travel in `Authorization`, never in cookies, so
//! credentials are not allowed.

use std::sync::Arc;

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};

/// How long a browser may keep a preflight's answer, in seconds.
pub const MAX_AGE_SECS: u32 = 600;
/// The methods an allowed origin may use.
const METHODS: &str = "GET, POST";
/// The request headers an allowed origin may send.
const HEADERS: &str = "Authorization, Content-Type, X-Request-Id";
/// The response headers a script of an allowed origin may read.
const EXPOSE: &str = "ETag, Retry-After, WWW-Authenticate, X-Request-Id";

/// The allow-list (normalised origins, `scheme://host[:port]`).
#[derive(Clone, Debug, Default)]
pub struct Origins(Arc<[String]>);

impl Origins {
    /// The list of `COSO_CORS_ORIGINS`.
    pub fn new(origins: &[String]) -> Self {
        Self(origins.iter().cloned().collect())
    }

    fn allows(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }
}

/// Parses one origin of `COSO_CORS_ORIGINS`: `http` or `https`, a host, an optional
/// port and nothing else (no path, query, user or wildcard); answers it normalised.
pub fn parse_origin(value: &str) -> Result<String, String> {
    let url = url::Url::parse(value.trim()).map_err(|e| format!("{value:?}: {e}"))?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && !value.trim().ends_with('/');
    if !plain {
        return Err(format!(
            "{value:?} is not an origin: write scheme://host[:port], e.g. https://dash.example.vn"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// Wraps `ep`: see the module doc.
pub async fn cors<E: Endpoint>(
    ep: Arc<E>,
    req: Request,
    origins: Origins,
) -> poem::Result<Response> {
    if origins.0.is_empty() {
        return Ok(ep.call(req).await?.into_response());
    }
    let allowed = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| origins.allows(o))
        .and_then(|o| HeaderValue::from_str(o).ok());
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut resp = match (&allowed, preflight) {
        (Some(_), true) => preflight_answer(),
        _ => match ep.call(req).await {
            Ok(r) => r.into_response(),
            Err(e) => e.into_response(),
        },
    };
    let headers = resp.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = allowed {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE),
        );
    }
    Ok(resp)
}

/// The answer to an allowed origin's preflight.
fn preflight_answer() -> Response {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(header::ACCESS_CONTROL_ALLOW_METHODS, METHODS)
        .header(header::ACCESS_CONTROL_ALLOW_HEADERS, HEADERS)
        .header(header::ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECS.to_string())
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(
            parse_origin("https://Dash.Example.vn").as_deref(),
            Ok("https://dash.example.vn")
        );
        assert_eq!(
            parse_origin("http://10.0.0.5:8080").as_deref(),
            Ok("http://10.0.0.5:8080")
        );
        for bad in [
            "*",
            "dash.example.vn",
            "https://dash.example.vn/",
            "https://dash.example.vn/app",
            "https://u@dash.example.vn",
            "ftp://dash.example.vn",
            "https://dash.example.vn?x=1",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }
}
