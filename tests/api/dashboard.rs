//! The dashboard's files over HTTP: `GET /` and every file of `assets/dashboard/` come from
//! the binary byte for byte, under a Content-Security-Policy that allows nothing but this
//! server and no inline script, with an ETag that answers 304; the JavaScript and CSS
//! together stay under 250 kB gzip-compressed (the figure is printed). The page in a
//! browser is tested in `browser.rs`.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::helpers::TestApp;

const LIMIT_GZIP_BYTES: usize = 250 * 1024;

fn gzip_len(bytes: &[u8]) -> usize {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip").len()
}

#[tokio::test]
async fn the_dashboard_is_served_from_the_binary_small_and_under_a_strict_policy() {
    let app = TestApp::spawn_with(Default::default(), false).await;
    let page = app
        .client
        .get(format!("{}/", app.base))
        .send()
        .await
        .expect("GET /");
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/html")
    );
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("a policy")
        .to_owned();
    for part in [
        "default-src 'none'",
        "script-src 'self';",
        "connect-src 'self';",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    assert!(
        !csp.contains("http") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    let html = page.text().await.expect("page");
    assert!(!html.contains("<script>"), "no inline script");
    assert!(
        !html.contains("http:") && !html.contains("https:"),
        "no other origin"
    );

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/dashboard");
    let (mut raw, mut gzipped, mut files) = (0, 0, 0);
    for entry in std::fs::read_dir(&dir).expect("assets/dashboard") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let on_disk = std::fs::read(&path).expect("file");
        let resp = app
            .client
            .get(format!("{}/dashboard/{name}", app.base))
            .send()
            .await
            .expect("GET file");
        assert_eq!(resp.status(), 200, "{name} is embedded");
        let headers = resp.headers().clone();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(
            headers["cache-control"], "no-cache",
            "{name} is revalidated"
        );
        let served = resp.bytes().await.expect("body");
        assert!(
            served.as_ref() == on_disk.as_slice(),
            "{name} is served as it is in assets/dashboard/ (rebuild after editing)"
        );
        let etag = headers["etag"].to_str().expect("etag").to_owned();
        let again = app
            .client
            .get(format!("{}/dashboard/{name}", app.base))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("revalidation");
        assert_eq!(again.status(), 304, "{name}");
        if name.ends_with(".js") || name.ends_with(".css") {
            let kind = headers["content-type"].to_str().unwrap_or_default();
            assert!(
                kind.starts_with("text/javascript") || kind.starts_with("text/css"),
                "{name}: {kind}"
            );
            raw += on_disk.len();
            gzipped += gzip_len(&on_disk);
            files += 1;
        }
    }
    println!(
        "dashboard: {files} JavaScript and CSS files, {raw} bytes, {gzipped} bytes gzip-compressed"
    );
    assert!(
        gzipped < LIMIT_GZIP_BYTES,
        "{gzipped} bytes compressed, over 250 kB"
    );
    for missing in ["../Cargo.toml", "nothing.js", "%2e%2e%2fCargo.toml"] {
        let resp = app
            .client
            .get(format!("{}/dashboard/{missing}", app.base))
            .send()
            .await
            .expect("GET");
        assert_eq!(resp.status(), 404, "{missing}");
    }
}

/// `GET /exports/breakdown.xlsx` as `token`: status and body.
async fn breakdown_xlsx(app: &TestApp, token: Option<&str>, query: &str) -> (u16, Vec<u8>) {
    let mut req = app
        .client
        .get(format!("{}/exports/breakdown.xlsx?{query}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.bytes().await.expect("body").to_vec())
}

/// The first sheet's first two columns (name, code) and its header row.
fn sheet(bytes: &[u8]) -> (Vec<String>, Vec<(String, String)>) {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("opens");
    let range = book.worksheet_range_at(0).expect("a sheet").expect("reads");
    let mut rows = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    let header = rows.next().expect("a header");
    (header, rows.map(|r| (r[0].clone(), r[1].clone())).collect())
}

#[tokio::test]
async fn the_breakdown_workbook_holds_what_the_indicators_query_answers_the_token() {
    let app = TestApp::spawn().await;
    let q = "{ indicators(asOf: \"2024-12-31\", groupBy: [DISTRICT], codes: [\"party_standing_committee_rate\"]) { group { kind code name } } }";
    for token in [&app.viewer, &app.city_viewer] {
        let data = app.data(token, q, serde_json::json!({})).await;
        let groups: Vec<(String, String)> = data["indicators"]
            .as_array()
            .expect("values")
            .iter()
            .filter(|v| v["group"]["kind"] == "district")
            .map(|v| {
                let g = &v["group"];
                (
                    g["name"].as_str().unwrap().to_owned(),
                    g["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let (status, bytes) =
            breakdown_xlsx(&app, Some(token), "asOf=2024-12-31&by=DISTRICT&lang=en").await;
        assert_eq!(status, 200);
        let (header, rows) = sheet(&bytes);
        assert_eq!(header[..2], ["Name", "Code"]);
        assert!(header.len() > 5, "every indicator: {header:?}");
        assert_eq!(rows, groups, "the rows the token may see");
    }
    let (_, bytes) = breakdown_xlsx(&app, Some(&app.city_viewer), "asOf=2024-12-31&by=UNIT").await;
    let (header, rows) = sheet(&bytes);
    assert_eq!(header[..2], ["Tên", "Mã"], "Vietnamese by default");
    assert!(rows.iter().any(|(_, code)| code == "21010"));
    assert!(
        !rows.iter().any(|(_, code)| code == "21040"),
        "not a unit of Bình Sơn"
    );
    let (status, _) = breakdown_xlsx(&app, None, "by=DISTRICT").await;
    assert_eq!(status, 401);
    for bad in ["by=PROVINCE", "asOf=31/12/2024"] {
        let (status, body) = breakdown_xlsx(&app, Some(&app.viewer), bad).await;
        assert_eq!(status, 400, "{bad}");
        assert!(String::from_utf8_lossy(&body).contains("BAD_REQUEST"));
    }
}
