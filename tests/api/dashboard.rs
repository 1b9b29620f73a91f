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
