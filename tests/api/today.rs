//! "Today" is the province's day: a server whose clock stands at 00:30 on 2 December in
//! Vietnam (17:30 UTC on 1 December) answers as of 2 December by default, the response
//! cache keeps the days apart, and a real-time server answers the zone's day; a server
//! given a zone that is not an IANA name, or a staffing floor it cannot read, refuses to
//! start and says why.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use coso::config::Limits;
use coso::scheduler::Clock;
use serde_json::json;

use crate::helpers::TestApp;

const DEFAULT_DAY: &str =
    r#"{ indicators(codes: ["staffing_ratio", "directives_issued"]) { asOf } }"#;

fn utc(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, hour, minute, 0)
        .single()
        .expect("time")
}

/// The distinct `asOf` days of the default-day answer, as a viewer (whose repeated
/// queries the response cache answers).
async fn default_days(app: &TestApp) -> Vec<String> {
    let data = app.data(&app.viewer, DEFAULT_DAY, json!({})).await;
    let mut days: Vec<String> = data["indicators"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| v["asOf"].as_str().expect("asOf").to_owned())
        .collect();
    days.dedup();
    days
}

#[tokio::test]
async fn the_default_as_of_is_the_provinces_day_not_the_utc_date() {
    let clock = Clock::manual(utc(1, 17, 30));
    let app = TestApp::spawn_tuned(Limits::default(), true, |s| {
        s.today = None;
        s.scheduler.clock = clock.clone();
    })
    .await;
    // 17:30 UTC on 1 December is 00:30 on 2 December in Quảng Ngãi.
    assert_eq!(default_days(&app).await, ["2026-12-02"]);
    assert_eq!(default_days(&app).await, ["2026-12-02"], "kept from here");
    assert_eq!(
        default_days(&app).await,
        ["2026-12-02"],
        "the cached answer"
    );
    // 16:59 UTC is 23:59 on 1 December there: the same document is about another day,
    // so the cache does not answer it with 2 December's values.
    clock.set(utc(1, 16, 59));
    assert_eq!(default_days(&app).await, ["2026-12-01"]);
    clock.set(utc(1, 17, 0));
    assert_eq!(default_days(&app).await, ["2026-12-02"]);
}

#[tokio::test]
async fn a_real_time_server_answers_the_zones_day() {
    let app = TestApp::spawn_today().await;
    let zone_day = || -> NaiveDate {
        Utc::now()
            .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
            .date_naive()
    };
    let before = zone_day();
    let days = default_days(&app).await;
    let after = zone_day();
    assert_eq!(days.len(), 1, "{days:?}");
    let day: NaiveDate = days[0].parse().expect("a day");
    // Equal to the zone's day, read just before or just after (a midnight may pass).
    assert!(day == before || day == after, "{day} vs {before}..{after}");
}

/// Starts the binary with one bad setting: it must exit at once, non-zero, saying why.
fn refused_start(name: &str, value: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("c.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_coso"))
        .current_dir(dir.path())
        .env("COSO_DATABASE_URL", url)
        .env("COSO_LISTEN", "127.0.0.1:0")
        .env(name, value)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start coso");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("coso started with {name}={value}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("read stderr");
    assert!(!status.success(), "{name}={value}: {status}");
    stderr
}

#[test]
fn a_bad_zone_or_floor_refuses_to_start_and_says_why() {
    let why = refused_start("COSO_TIME_ZONE", "Vietnam/Quang_Ngai");
    assert!(
        why.contains("COSO_TIME_ZONE") || why.contains("--time-zone"),
        "{why}"
    );
    assert!(
        why.contains("`Vietnam/Quang_Ngai` is not an IANA time zone name"),
        "{why}"
    );
    let why = refused_start("COSO_STAFFING_FLOOR", "12 from 2025-03-01");
    assert!(why.contains("holds from the beginning"), "{why}");
    let why = refused_start("COSO_STAFFING_FLOOR", "5, 12 from 1/3/2025");
    assert!(why.contains("from YYYY-MM-DD"), "{why}");
}
