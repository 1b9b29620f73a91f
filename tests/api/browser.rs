//! The dashboard (`GET /`) as its users meet it: headless Chromium from the distribution,
//! driven over WebDriver (chromedriver, through fantoccini) against a test server on the
//! demo data pinned to 31/12/2024. A viewer signs in and reads "57/173 (32,9%)"; a viewer
//! of one area sees only that area and not another area's unit; an analyst runs a query
//! and downloads its CSV; an admin opens a report as it was sent. On every page: no
//! console error, and axe-core (pinned, `fixtures/axe-core/`) finds no serious or
//! critical accessibility violation. Screenshots go to `target/screenshots/`.
//!
//! Skipped with the reason printed when `chromium` or `chromedriver` is not installed
//! (`apt-get install -y chromium chromium-driver`), except under
//! `COSO_TEST_REQUIRE_BROWSER=1` (CI), where that fails.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::reports::{RUN, demo_schedules};

/// axe-core 4.14.1 from the npm registry (`axe.min.js`, MPL-2.0, licence beside it).
const AXE: &str = include_str!("fixtures/axe-core/axe.min.js");

/// Runs axe on the page and answers its serious and critical violations, one line each.
const AXE_RUN: &str = "const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then((r) => done(r.violations
  .filter((v) => v.impact === 'serious' || v.impact === 'critical')
  .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)),
  (e) => done([`axe failed: ${e}`]));";

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// One browser at a time: the suite's other tests (some timing-sensitive, like the
/// DataLoader batch windows) share two cores with them.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A chromedriver process and a headless Chromium session on it.
struct Browser {
    _turn: tokio::sync::MutexGuard<'static, ()>,
    client: Client,
    driver: Child,
    port: u16,
    session: String,
    downloads: PathBuf,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Where the screenshots go: `target/screenshots/` of this checkout.
fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    dir
}

impl Browser {
    /// A browser with a window of `width` pixels, or None (the reason printed) when
    /// Chromium or chromedriver is missing and the browser is not required.
    async fn start(width: u32) -> Option<Self> {
        let (Some(chromium), Some(chromedriver)) = (
            on_path(&["chromium", "chromium-browser", "google-chrome"]),
            on_path(&["chromedriver"]),
        ) else {
            let reason = "no chromium and chromedriver in PATH (apt-get install -y chromium chromium-driver)";
            assert!(
                std::env::var("COSO_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "COSO_TEST_REQUIRE_BROWSER=1 but {reason}"
            );
            println!("SKIPPED: {reason}");
            let _ = std::io::stdout().flush();
            return None;
        };
        let turn = ONE_AT_A_TIME.lock().await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("profile");
        let downloads = profile.path().join("downloads");
        std::fs::create_dir_all(&downloads).expect("downloads");
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--disable-background-networking", "--lang=vi",
                         format!("--window-size={width},900"),
                         format!("--user-data-dir={}", profile.path().join("chrome").display())],
                "prefs": { "download.default_directory": downloads, "download.prompt_for_download": false }
            }),
        );
        if width < 500 {
            // Narrower than a desktop window may be: a phone's viewport, emulated.
            caps["goog:chromeOptions"]["mobileEmulation"] =
                json!({ "deviceMetrics": { "width": width, "height": 844, "pixelRatio": 2 } });
        }
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() > deadline => panic!("no WebDriver session: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        let session = client
            .session_id()
            .await
            .expect("session id")
            .expect("a session");
        Some(Self {
            _turn: turn,
            client,
            driver,
            port,
            session,
            downloads,
            _profile: profile,
        })
    }

    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .expect("script runs")
    }

    /// Waits until `script` answers true (a page drawn, a result shown).
    async fn until(&self, what: &str, script: &str) {
        // Generous: the whole suite shares the machine with these browsers.
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if self.js(script, vec![]).await == json!(true) {
                return;
            }
            if Instant::now() >= deadline {
                // What the page showed instead, for a person to look at.
                let name: String = what
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { '-' })
                    .collect();
                self.shot(&format!("timeout-{name}")).await;
                panic!("timed out waiting for {what} (screenshot timeout-{name}.png)");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Opens `#/route` and waits for the page to be drawn.
    async fn visit(&self, base: &str, route: &str) {
        self.client
            .goto(&format!("{base}/#/{route}"))
            .await
            .expect("navigates");
        self.drawn(route).await;
    }

    async fn drawn(&self, what: &str) {
        self.until(
            what,
            "return !!document.querySelector('#main h2') && !document.querySelector('#main .loading')",
        )
        .await;
    }

    /// Signs in on the sign-in screen with `token`.
    async fn sign_in(&self, base: &str, token: &str) {
        self.client.goto(&format!("{base}/")).await.expect("opens");
        let input = self
            .client
            .wait()
            .for_element(Locator::Css("input[name=token]"))
            .await
            .expect("the sign-in screen");
        input.send_keys(token).await.expect("types");
        self.client
            .find(Locator::Css("form.signin button[type=submit]"))
            .await
            .expect("button")
            .click()
            .await
            .expect("clicks");
        self.until(
            "the signed-in shell",
            "return !!document.getElementById('role')",
        )
        .await;
        self.drawn("the first page").await;
    }

    async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .expect("text")
    }

    /// Writes the page's screenshot to `target/screenshots/{name}.png`.
    async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(screenshots().join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// The browser console's errors since the last call (chromedriver's log endpoint).
    async fn console_errors(&self) -> Vec<String> {
        let url = format!(
            "http://127.0.0.1:{}/session/{}/se/log",
            self.port, self.session
        );
        let body: Value = reqwest::Client::new()
            .post(url)
            .json(&json!({ "type": "browser" }))
            .send()
            .await
            .expect("log request")
            .json()
            .await
            .expect("log JSON");
        body["value"]
            .as_array()
            .expect("log entries")
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// The page's serious and critical accessibility violations.
    async fn violations(&self) -> Vec<String> {
        self.js(AXE, vec![]).await;
        let found = self
            .client
            .execute_async(AXE_RUN, vec![])
            .await
            .expect("axe runs");
        serde_json::from_value(found).expect("a list")
    }

    /// Screenshot, console and accessibility check of the page as it stands.
    async fn check(&self, name: &str) {
        self.shot(name).await;
        let errors = self.console_errors().await;
        assert!(errors.is_empty(), "{name}: console errors {errors:?}");
        let violations = self.violations().await;
        assert!(violations.is_empty(), "{name}: {violations:#?}");
    }

    async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// The number of elements matching `css`.
async fn count(b: &Browser, css: &str) -> usize {
    b.client
        .find_all(Locator::Css(css))
        .await
        .expect("find")
        .len()
}

#[tokio::test]
async fn a_viewer_signs_in_and_reads_the_article_figures_on_every_page() {
    let Some(b) = Browser::start(1280).await else {
        return;
    };
    let app = TestApp::spawn().await;
    b.client
        .goto(&format!("{}/", app.base))
        .await
        .expect("opens");
    b.until(
        "the sign-in screen",
        "return !!document.querySelector('form.signin')",
    )
    .await;
    b.check("0-sign-in").await;
    b.sign_in(&app.base, &app.viewer).await;
    assert_eq!(
        b.text("[data-code=party_standing_committee_rate] .value")
            .await,
        "57/173 (32,9%)"
    );
    assert_eq!(b.text("#role").await, "Người xem");
    assert_eq!(b.text("#scope").await, "Toàn tỉnh");
    let tile = b.text("[data-code=hq_new_model_coverage]").await;
    assert!(
        tile.contains("60/173 (34,7%)") && tile.contains("Chưa đạt") && tile.contains("31/12/2025"),
        "status in words, target with its date: {tile}"
    );
    // The token is in this tab's sessionStorage only: not in the URL, not in localStorage.
    let kept = b
        .js(
            "return [location.href, localStorage.length, sessionStorage.getItem('coso.token')]",
            vec![],
        )
        .await;
    assert!(
        !kept[0].as_str().unwrap_or_default().contains("coso_"),
        "{kept}"
    );
    assert_eq!(kept[1], 0);
    assert_eq!(kept[2], app.viewer.as_str());
    // A viewer is offered neither analytics nor reports.
    let nav = b.text("#nav").await;
    assert!(
        !nav.contains("Phân tích") && !nav.contains("Báo cáo"),
        "{nav}"
    );
    b.check("1-overview").await;

    // Time to tiles: a fresh navigation of a signed-in tab until the tiles are drawn.
    b.client.goto("about:blank").await.expect("blank");
    let started = Instant::now();
    b.client
        .goto(&format!("{}/#/overview", app.base))
        .await
        .expect("opens");
    b.until(
        "the tiles",
        "return document.querySelectorAll('#tiles .tile').length === 10",
    )
    .await;
    let database = match std::env::var("COSO_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => "PostgreSQL",
        _ => "SQLite",
    };
    println!(
        "dashboard: overview tiles drawn {} ms after navigation (demo data, {database}, debug build)",
        started.elapsed().as_millis()
    );

    // The other pages a viewer may open.
    b.visit(&app.base, "breakdown").await;
    assert_eq!(
        count(&b, "#main tbody tr").await,
        12,
        "the 12 districts of 2024"
    );
    b.check("2-breakdown").await;
    b.visit(&app.base, "gaps").await;
    assert!(b.text("#gap-total").await.starts_with("116 "), "173 - 57");
    b.check("3-gaps").await;
    b.client
        .find(Locator::Css("#main tbody a"))
        .await
        .expect("a unit link")
        .click()
        .await
        .expect("follows");
    b.until(
        "the unit page",
        "return location.hash.startsWith('#/unit/') && !!document.getElementById('officer-count')",
    )
    .await;
    b.check("4-unit").await;
    b.visit(&app.base, "series").await;
    assert!(
        count(&b, "#main svg.chart path").await >= 2,
        "two series drawn"
    );
    b.check("5-series").await;
    b.visit(&app.base, "trajectory").await;
    assert!(b.text("#hq-covered").await.starts_with("60/173"));
    b.check("6-trajectory").await;
    // Pages beyond the role are not drawn: the router sends the viewer to the overview.
    b.client
        .goto(&format!("{}/#/analytics", app.base))
        .await
        .expect("opens");
    b.until(
        "the overview",
        "return location.hash === '#/overview' && !!document.getElementById('tiles')",
    )
    .await;

    // English on request, same figures with English separators.
    b.client
        .find(Locator::Css("button.lang"))
        .await
        .expect("language switch")
        .click()
        .await
        .expect("switches");
    b.until(
        "English",
        "return document.documentElement.lang === 'en' && !!document.getElementById('tiles')",
    )
    .await;
    assert_eq!(
        b.text("[data-code=party_standing_committee_rate] .value")
            .await,
        "57/173 (32.9%)"
    );
    b.check("1-overview-en").await;
    b.close().await;
}

/// The cells of the first sheet of the workbook downloaded under a name starting with
/// `prefix` (waits for it), as JSON values (text or number).
async fn xlsx_rows(b: &Browser, prefix: &str) -> Vec<Vec<Value>> {
    use calamine::{Data, Reader, Xlsx};
    let deadline = Instant::now() + Duration::from_secs(20);
    let file = loop {
        let found = std::fs::read_dir(&b.downloads)
            .expect("downloads")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                name.starts_with(prefix) && name.ends_with(".xlsx")
            });
        if let Some(f) = found {
            break f;
        }
        assert!(Instant::now() < deadline, "no XLSX downloaded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Chromium writes the file whole under its name once complete.
    let bytes = std::fs::read(&file).expect("XLSX");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("opens");
    let sheet = book.worksheet_range_at(0).expect("a sheet").expect("reads");
    sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => json!(s),
                    Data::Float(f) => json!((f * 1e6).round() / 1e6),
                    Data::Int(i) => json!(i),
                    Data::Empty => Value::Null,
                    other => json!(other.to_string()),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn an_area_viewer_sees_only_its_area_on_a_phone() {
    let Some(b) = Browser::start(390).await else {
        return;
    };
    let app = TestApp::spawn().await;
    b.sign_in(&app.base, &app.city_viewer).await;
    assert_eq!(b.text("#scope").await, "Thành phố Quảng Ngãi (522)");
    assert_eq!(
        b.text("[data-code=party_standing_committee_rate] .value")
            .await,
        "7/23 (30,4%)"
    );
    b.check("phone-1-overview").await;
    b.visit(&app.base, "breakdown").await;
    assert_eq!(count(&b, "#main tbody tr").await, 1);
    assert!(
        b.text("#main tbody tr")
            .await
            .starts_with("Thành phố Quảng Ngãi")
    );
    b.check("phone-2-breakdown").await;
    // The XLSX download (made by the server) holds the rows shown, with the numbers.
    b.client
        .find(Locator::Id("xlsx"))
        .await
        .expect("xlsx")
        .click()
        .await
        .expect("downloads");
    let rows = xlsx_rows(&b, "coso-district-").await;
    let names = app
        .data(
            &app.viewer,
            "{ indicatorDefinitions { code name } }",
            json!({}),
        )
        .await;
    let rate = names["indicatorDefinitions"]
        .as_array()
        .expect("definitions")
        .iter()
        .find(|d| d["code"] == "party_standing_committee_rate")
        .expect("the rate")["name"]
        .clone();
    let column = rows[0].iter().position(|h| *h == rate).expect("its column");
    assert_eq!(rows.len(), 2, "a header and the area's row: {rows:?}");
    assert_eq!(rows[1][0], "Thành phố Quảng Ngãi");
    assert_eq!(rows[1][1], "522");
    assert_eq!(rows[1][column], json!(0.304), "30,4% as a fraction");
    // A unit of the area, then one of Huyện Bình Sơn (524): not shown.
    b.visit(&app.base, "unit/21010").await;
    assert!(b.text("#un-h").await.contains("Phường Lê Hồng Phong"));
    b.visit(&app.base, "unit/21040").await;
    assert_eq!(count(&b, "#not-in-scope").await, 1);
    assert_eq!(count(&b, "#officer-count").await, 0);
    assert_eq!(count(&b, "#lineage").await, 0);
    b.check("phone-4-unit-outside").await;
    b.close().await;
}

#[tokio::test]
async fn an_analyst_runs_a_query_and_downloads_the_csv() {
    let Some(b) = Browser::start(1280).await else {
        return;
    };
    let app = TestApp::spawn().await;
    b.sign_in(&app.base, &app.analyst).await;
    let nav = b.text("#nav").await;
    assert!(
        nav.contains("Phân tích") && !nav.contains("Báo cáo"),
        "{nav}"
    );
    b.visit(&app.base, "analytics").await;
    assert!(b.text(".tablelist").await.contains("indicator_values"));
    let sql = "SELECT code, name FROM units WHERE district_code = '522' ORDER BY code";
    let area = b
        .client
        .find(Locator::Css("textarea.sql"))
        .await
        .expect("editor");
    area.clear().await.expect("clears");
    area.send_keys(sql).await.expect("types");
    b.client
        .find(Locator::Id("run-sql"))
        .await
        .expect("run")
        .click()
        .await
        .expect("runs");
    b.until(
        "the result",
        "return document.querySelectorAll('#analytics-result tbody tr').length > 0",
    )
    .await;
    assert_eq!(b.text("#analytics-result tbody tr td").await, "21010");
    b.check("7-analytics").await;
    // An error keeps its code.
    area.clear().await.expect("clears");
    area.send_keys("SELEC 1").await.expect("types");
    b.client
        .find(Locator::Id("run-sql"))
        .await
        .expect("run")
        .click()
        .await
        .expect("runs");
    b.until(
        "the error",
        "return !!document.querySelector('#analytics-result .error')",
    )
    .await;
    assert!(
        b.text("#analytics-result .error")
            .await
            .contains("SQL_SYNTAX")
    );
    // The CSV of the query, downloaded.
    area.clear().await.expect("clears");
    area.send_keys(sql).await.expect("types");
    b.client
        .find(Locator::Id("csv-sql"))
        .await
        .expect("csv")
        .click()
        .await
        .expect("downloads");
    let file = b.downloads.join("coso-analytics.csv");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !file.is_file() {
        assert!(Instant::now() < deadline, "no CSV downloaded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let csv = std::fs::read_to_string(&file).expect("CSV");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().map(|l| l.trim_start_matches('\u{feff}')),
        Some("code,name")
    );
    assert!(
        lines.next().unwrap_or_default().starts_with("21010,"),
        "{csv}"
    );
    assert!(b.console_errors().await.is_empty());
    b.close().await;
}

#[tokio::test]
async fn an_admin_opens_an_archived_report_in_a_sandboxed_frame() {
    let Some(b) = Browser::start(1280).await else {
        return;
    };
    let app = TestApp::spawn_on_report_day().await;
    let (province, _) = demo_schedules(&app).await;
    let run = app.data(&app.admin, RUN, json!({ "id": province })).await["runReportNow"].clone();
    assert_eq!(run["status"], "sent", "{run}");
    b.sign_in(&app.base, &app.admin).await;
    // The overview refreshes by itself when the data changes: the page subscribes to
    // `dataChanged` over the WebSocket (live.js), the poll being only its fallback.
    assert_eq!(b.text("[data-code=directives_issued] .value").await, "16");
    b.until(
        "the dashboard's subscription",
        "return document.documentElement.dataset.live === 'socket'",
    )
    .await;
    let directive = json!({ "number": "99-KH/CAT", "kind": "PLAN", "issuer": "POLICE_DEPARTMENT",
                            "title": "Kế hoạch", "issuedOn": "2024-12-01" });
    app.data(
        &app.admin,
        "mutation($i: DirectiveInput!) { createDirective(input: $i) { id } }",
        json!({ "i": directive }),
    )
    .await;
    b.until(
        "the overview to refresh by itself",
        "return document.querySelector('[data-code=directives_issued] .value')?.textContent === '17'",
    )
    .await;
    b.visit(&app.base, "reports").await;
    assert!(b.text("#runs").await.contains("sent"));
    b.client
        .find(Locator::Css(".open-archive"))
        .await
        .expect("an archive")
        .click()
        .await
        .expect("opens");
    b.until(
        "the report",
        "return !!document.getElementById('report-frame')",
    )
    .await;
    let frame = b
        .js(
            "const f = document.getElementById('report-frame'); return [f.getAttribute('sandbox'), f.srcdoc]",
            vec![],
        )
        .await;
    assert_eq!(frame[0], "", "sandboxed: no script, an opaque origin");
    let html = frame[1].as_str().unwrap_or_default();
    assert!(
        html.contains("Báo cáo tháng 12/2024"),
        "the December report"
    );
    assert!(html.contains("57/173 (32,9%)"), "its figures");
    assert!(
        !html.contains("cid:") && html.contains("src=\"data:image/png;base64,"),
        "its charts inlined"
    );
    b.js(
        "document.getElementById('report-frame').scrollIntoView()",
        vec![],
    )
    .await;
    b.check("8-reports").await;
    b.close().await;
}

/// Issue 12's figure: the overview of the national tier, tiles drawn after a navigation.
/// A benchmark, not a test (it prints, it asserts only that the tiles come): seed a
/// database with `coso seed --synthetic l`, then
/// `COSO_BENCH_DATABASE_URL=postgres://.../coso_national COSO_TEST_BIN=target/release/coso
/// cargo test --test api national_overview -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a benchmark on a database seeded with the national tier (COSO_BENCH_DATABASE_URL)"]
async fn national_overview_tiles_timing() {
    let url = std::env::var("COSO_BENCH_DATABASE_URL")
        .expect("COSO_BENCH_DATABASE_URL: a database seeded with `coso seed --synthetic l`");
    let Some(b) = Browser::start(1280).await else {
        return;
    };
    let server =
        crate::process::ServerProcess::start_on(&url, &[("COSO_TODAY", "2026-11-30")]).await;
    let token = server.token("admin", None);
    b.sign_in(&server.base, &token).await;
    let mut times = Vec::new();
    for _ in 0..7 {
        b.client.goto("about:blank").await.expect("blank");
        let started = Instant::now();
        b.client
            .goto(&format!("{}/#/overview", server.base))
            .await
            .expect("opens");
        b.until(
            "the tiles",
            "return document.querySelectorAll('#tiles .tile').length >= 10",
        )
        .await;
        times.push(started.elapsed().as_millis());
    }
    b.shot("national-overview").await;
    let first = times[0];
    let mut rest = times[1..].to_vec();
    rest.sort_unstable();
    println!(
        "national tier overview: tiles drawn {first} ms after the first navigation, then {rest:?} ms \
         (median {} ms); server {}",
        rest[rest.len() / 2],
        std::env::var("COSO_TEST_BIN").unwrap_or_else(|_| "the tests' debug build".into())
    );
    b.close().await;
}
