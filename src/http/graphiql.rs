//! GraphiQL on `GET /graphql`: the page and its pinned assets (GraphiQL, React), all
//! embedded in the binary (see `assets/README.md`), with a Content-Security-Policy
//! that lets the page load and talk to nothing but this server.

use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{Response, handler};

/// What the page may do: scripts, styles, fonts and requests from this origin only
/// (GraphiQL sets element styles from script, and its CSS embeds icons and fonts as
/// `data:` URLs); no framing, no plugins, no other origin.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>coso GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/react.production.min.js"></script>
  <script src="/graphiql/react-dom.production.min.js"></script>
  <script src="/graphiql/graphiql.min.js"></script>
  <script src="/graphiql/coso-graphiql.js"></script>
</body>
</html>
"#;

/// The embedded files: name, content type, bytes.
const ASSETS: [(&str, &str, &[u8]); 5] = [
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    (
        "coso-graphiql.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/coso-graphiql.js"),
    ),
];

/// The GraphiQL page (`GET /graphql` without a query, from a browser).
pub fn page_response() -> Response {
    Response::builder()
        .content_type("text/html; charset=utf-8")
        .header(header::CONTENT_SECURITY_POLICY, CSP)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "no-referrer")
        .body(PAGE)
}

/// One of the page's assets, or 404.
#[handler]
pub async fn asset(Path(name): Path<String>) -> Response {
    let Some((_, content_type, bytes)) = ASSETS.iter().find(|(n, _, _)| *n == name) else {
        return Response::builder().status(StatusCode::NOT_FOUND).finish();
    };
    Response::builder()
        .content_type(*content_type)
        .header(header::CACHE_CONTROL, "public, max-age=86400")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(*bytes)
}
