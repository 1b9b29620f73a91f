//! The reference dashboard at `GET /` and its files under `GET /dashboard/{file}`: plain
//! JavaScript modules and CSS from `assets/dashboard/`, embedded in the binary, that talk
//! to `POST /graphql` (and `POST /analytics.csv`, `GET /reports/files/{id}`) with the
//! user's token like any other client. Served under a Content-Security-Policy that lets
//! the page load and talk to nothing but this server; each file carries a strong `ETag`
//! and is revalidated (`no-cache`), so a new binary's files are never mixed with old ones.

use std::sync::OnceLock;

use poem::http::{HeaderMap, StatusCode, header};
use poem::web::Path;
use poem::{Response, handler};
use sha2::{Digest, Sha256};

/// What the page may do: its own scripts and styles (inline styles only for the SVG
/// charts' attributes and the archived reports it shows), images from this origin, data
/// and blob URLs (a report's charts, fetched with the token), requests to this origin
/// only; the archived report is a sandboxed `srcdoc` frame; nothing may frame the page.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; frame-src 'self'; \
    base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const JS: &str = "text/javascript; charset=utf-8";

/// The embedded files: name, content type, bytes. `index.html` is served at `/`.
const FILES: [(&str, &str, &[u8]); 16] = [
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../../assets/dashboard/index.html"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/dashboard/style.css"),
    ),
    (
        "app.js",
        JS,
        include_bytes!("../../assets/dashboard/app.js"),
    ),
    (
        "api.js",
        JS,
        include_bytes!("../../assets/dashboard/api.js"),
    ),
    (
        "i18n.js",
        JS,
        include_bytes!("../../assets/dashboard/i18n.js"),
    ),
    ("ui.js", JS, include_bytes!("../../assets/dashboard/ui.js")),
    (
        "chart.js",
        JS,
        include_bytes!("../../assets/dashboard/chart.js"),
    ),
    (
        "live.js",
        JS,
        include_bytes!("../../assets/dashboard/live.js"),
    ),
    (
        "overview.js",
        JS,
        include_bytes!("../../assets/dashboard/overview.js"),
    ),
    (
        "breakdown.js",
        JS,
        include_bytes!("../../assets/dashboard/breakdown.js"),
    ),
    (
        "gaps.js",
        JS,
        include_bytes!("../../assets/dashboard/gaps.js"),
    ),
    (
        "unit.js",
        JS,
        include_bytes!("../../assets/dashboard/unit.js"),
    ),
    (
        "series.js",
        JS,
        include_bytes!("../../assets/dashboard/series.js"),
    ),
    (
        "trajectory.js",
        JS,
        include_bytes!("../../assets/dashboard/trajectory.js"),
    ),
    (
        "analytics.js",
        JS,
        include_bytes!("../../assets/dashboard/analytics.js"),
    ),
    (
        "reports.js",
        JS,
        include_bytes!("../../assets/dashboard/reports.js"),
    ),
];

/// Each file's strong ETag (a SHA-256 prefix of its bytes), computed once.
fn etags() -> &'static [String] {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    TAGS.get_or_init(|| {
        FILES
            .iter()
            .map(|(_, _, bytes)| format!("\"{}\"", &hex::encode(Sha256::digest(bytes))[..20]))
            .collect()
    })
}

/// The file `name`: 304 when the client holds the same version, 404 when there is none.
fn serve(name: &str, headers: &HeaderMap) -> Response {
    let Some(i) = FILES.iter().position(|(n, _, _)| *n == name) else {
        return Response::builder().status(StatusCode::NOT_FOUND).finish();
    };
    let (_, content_type, bytes) = FILES[i];
    let tag = &etags()[i];
    let held = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let builder = Response::builder()
        .header(header::ETAG, tag.as_str())
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "no-referrer")
        .header(header::CONTENT_SECURITY_POLICY, CSP);
    if held {
        return builder.status(StatusCode::NOT_MODIFIED).finish();
    }
    builder.content_type(content_type).body(bytes)
}

/// The dashboard's page.
#[handler]
pub async fn index(headers: &HeaderMap) -> Response {
    serve("index.html", headers)
}

/// One of the dashboard's files, or 404.
#[handler]
pub async fn asset(Path(name): Path<String>, headers: &HeaderMap) -> Response {
    serve(&name, headers)
}
