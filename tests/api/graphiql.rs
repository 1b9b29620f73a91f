//! GraphiQL as a user meets it: the page and its assets come from the binary with a
//! Content-Security-Policy, and headless Chromium renders it with the schema's
//! documentation (introspection passes) without a request leaving this server.
//! Skipped, with a message, when Chromium is not installed (`apt-get install chromium`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::helpers::TestApp;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

#[tokio::test]
async fn the_graphiql_page_is_served_from_the_binary_under_a_strict_policy() {
    let app = TestApp::spawn_with(Default::default(), false).await;
    let resp = app
        .client
        .get(format!("{}/graphql", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let csp = resp.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self';"));
    assert!(
        !csp.contains("http") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    let html = resp.text().await.unwrap();
    assert!(
        !html.contains("http"),
        "no other origin in the page: {html}"
    );
    assert!(!html.contains("<script>"), "no inline script: {html}");
    for asset in [
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "coso-graphiql.js",
    ] {
        assert!(html.contains(&format!("\"/graphiql/{asset}\"")), "{asset}");
        let resp = app
            .client
            .get(format!("{}/graphiql/{asset}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{asset}");
        assert!(resp.bytes().await.unwrap().len() > 500, "{asset}");
    }
    let missing = format!("{}/graphiql/../Cargo.toml", app.base);
    assert_eq!(app.client.get(missing).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn chromium_renders_graphiql_with_the_schema_and_talks_only_to_the_server() {
    let Some(browser) = chromium() else {
        println!("SKIPPED: no chromium in PATH (apt-get install -y chromium)");
        return;
    };
    let app = TestApp::spawn_with(Default::default(), false).await;
    let dir = tempfile::tempdir().unwrap();
    let netlog = dir.path().join("net.json");
    // The token in the fragment fills GraphiQL's Headers tab (never sent as a URL).
    let url = format!("{}/graphql#token={}", app.base, app.viewer);
    let args = [
        "--headless".to_owned(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-background-networking".into(),
        "--no-first-run".into(),
        format!("--user-data-dir={}", dir.path().join("profile").display()),
        format!("--log-net-log={}", netlog.display()),
        "--virtual-time-budget=15000".into(),
        "--dump-dom".into(),
        url,
    ];
    let out = tokio::task::spawn_blocking(move || Command::new(browser).args(args).output())
        .await
        .unwrap()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    // The documentation explorer lists the root types and every type: the schema
    // came through the standard introspection query.
    for text in ["Root Types", "IndicatorGroupBy", "AnalyticsResult"] {
        assert!(dom.contains(text), "{text} not in the page: {dom}");
    }
    let page = page_requests(&netlog, &app.base);
    assert!(
        page.iter()
            .any(|u| u.ends_with("/graphiql/graphiql.min.js"))
    );
    let elsewhere: Vec<_> = page.iter().filter(|u| !u.starts_with(&app.base)).collect();
    assert!(
        elsewhere.is_empty(),
        "the page asked other hosts: {elsewhere:?}"
    );
}

/// The URLs the page requested (Chromium's own background requests have no origin).
fn page_requests(netlog: &Path, origin: &str) -> Vec<String> {
    let log: Value = serde_json::from_str(&std::fs::read_to_string(netlog).unwrap()).unwrap();
    log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["params"]["initiator"] == origin)
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_owned))
        .collect()
}
