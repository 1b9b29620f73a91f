//! Indicators across the 2025 restructurings, as a dashboard asks for them: a series as
//! it was (its denominator 173, 170, 96 and the breaks marked), the same series on
//! today's 96 units (its 2024 points computed from the officers of 2024, Kon Tum's
//! included, checked against the analytics tables), and the breakdowns by former
//! province and by area (checked against the areas' own unit lists).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use coso::config::Limits;
use coso::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{CITY, TestApp};

/// The day the demo is seeded to and the server's "today".
const TODAY: &str = "2026-12-01";

/// The whole demo (2024, Kon Tum, both restructurings, activity up to `TODAY`).
async fn demo_today() -> TestApp {
    let today: NaiveDate = TODAY.parse().expect("day");
    let app = TestApp::spawn_tuned(Limits::default(), false, |s| s.today = Some(today)).await;
    coso::seed::seed_demo_until(&app.db, today)
        .await
        .expect("seed");
    app
}

const SERIES: &str = r#"query($code: String!, $from: NaiveDate!, $to: NaiveDate!, $basis: SeriesBasis, $g: [IndicatorGroupBy!]) {
    indicatorSeries(code: $code, from: $from, to: $to, basis: $basis, groupBy: $g) {
        asOf numerator denominator structureChanged group { kind code name } } }"#;

/// (day, numerator, denominator, structure changed) of the province points.
async fn province_points(
    app: &TestApp,
    code: &str,
    range: (&str, &str),
    basis: &str,
) -> Vec<(String, f64, f64, bool)> {
    let vars = json!({ "code": code, "from": range.0, "to": range.1, "basis": basis });
    let data = app.data(&app.analyst, SERIES, vars).await;
    data["indicatorSeries"]
        .as_array()
        .expect("points")
        .iter()
        .filter(|p| p["group"]["kind"] == "province")
        .map(|p| {
            (
                p["asOf"].as_str().expect("asOf").to_owned(),
                p["numerator"].as_f64().expect("numerator"),
                p["denominator"].as_f64().expect("denominator"),
                p["structureChanged"].as_bool().expect("flag"),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_series_as_it_was_changes_its_denominator_at_each_restructuring_and_marks_it() {
    let app = demo_today().await;
    let points = province_points(
        &app,
        "hq_new_model_coverage",
        ("2024-11-01", "2025-08-31"),
        "AS_WAS",
    )
    .await;
    let shape: Vec<(&str, f64, bool)> = points.iter().map(|p| (p.0.as_str(), p.2, p.3)).collect();
    assert_eq!(
        shape,
        [
            ("2024-11-30", 173.0, false),
            ("2024-12-31", 173.0, false),
            ("2025-01-31", 170.0, true),
            ("2025-02-28", 170.0, false),
            ("2025-03-31", 170.0, false),
            ("2025-04-30", 170.0, false),
            ("2025-05-31", 170.0, false),
            ("2025-06-30", 170.0, false),
            ("2025-07-31", 96.0, true),
            ("2025-08-31", 96.0, false),
        ]
    );
    // The article's figure is untouched: 60 of 173 at the end of 2024.
    assert_eq!(points[1].1, 60.0);
}

/// Officers in post on `day` in every unit of the data, old Kon Tum's included (the
/// analytics tables hold every officer; the territory only limits the units).
async fn officers_in_post(app: &TestApp, day: &str) -> f64 {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM officers WHERE posted_from <= '{day}' \
         AND (posted_to IS NULL OR posted_to > '{day}')"
    );
    let data = app
        .data(
            &app.analyst,
            "query($sql: String!) { analyticsQuery(sql: $sql) { rows } }",
            json!({ "sql": sql }),
        )
        .await;
    data["analyticsQuery"]["rows"][0][0]
        .as_f64()
        .expect("a count")
}

#[tokio::test]
async fn a_series_on_current_units_counts_todays_96_units_at_every_point() {
    let app = demo_today().await;
    let range = ("2024-06-01", "2026-11-30");
    let rebased = province_points(&app, "staffing_ratio", range, "CURRENT_UNITS").await;
    assert_eq!(rebased.len(), 30);
    assert!(rebased.iter().all(|p| p.2 == 96.0 && !p.3), "{rebased:?}");
    // 2024 on today's units: every officer of 2024 (Quảng Ngãi's and Kon Tum's) in
    // the unit their unit became.
    let end_2024 = rebased
        .iter()
        .find(|p| p.0 == "2024-12-31")
        .expect("Dec 2024");
    assert_eq!(end_2024.1, officers_in_post(&app, "2024-12-31").await);
    let as_was = province_points(&app, "staffing_ratio", range, "AS_WAS").await;
    let was_2024 = as_was
        .iter()
        .find(|p| p.0 == "2024-12-31")
        .expect("Dec 2024");
    assert_eq!((was_2024.1, was_2024.2), (1144.0, 173.0));
    assert!(end_2024.1 > was_2024.1, "Kon Tum's officers count too");
    // Since 1/7/2025 the units are today's: both bases agree point for point.
    let since_july = |ps: &[(String, f64, f64, bool)]| -> Vec<(String, f64, f64)> {
        ps.iter()
            .filter(|p| p.0.as_str() >= "2025-07-31")
            .map(|p| (p.0.clone(), p.1, p.2))
            .collect()
    };
    assert_eq!(since_july(&rebased), since_july(&as_was));
}

const BY: &str = r#"query($d: NaiveDate, $g: [IndicatorGroupBy!]) {
    indicators(codes: ["staffing_ratio"], asOf: $d, groupBy: $g) {
        numerator denominator group { kind code name } } }"#;

/// code -> (name, numerator, denominator) of the rows of one breakdown.
async fn breakdown(
    app: &TestApp,
    token: &str,
    day: &str,
    g: &str,
) -> BTreeMap<String, (String, f64, f64)> {
    let data = app.data(token, BY, json!({ "d": day, "g": [g] })).await;
    data["indicators"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["group"]["code"].as_str().expect("code").to_owned(),
                (
                    r["group"]["name"].as_str().unwrap_or_default().to_owned(),
                    r["numerator"].as_f64().expect("numerator"),
                    r["denominator"].as_f64().expect("denominator"),
                ),
            )
        })
        .collect()
}

#[tokio::test]
async fn today_breaks_down_by_former_province_and_by_area() {
    let app = demo_today().await;
    let former = breakdown(&app, &app.viewer, TODAY, "FORMER_PROVINCE").await;
    let shape: Vec<(&str, f64)> = former.iter().map(|(c, v)| (c.as_str(), v.2)).collect();
    assert_eq!(shape, [("51", 56.0), ("62", 40.0)]);
    assert!(former["62"].0.contains("Kon Tum"), "{former:?}");
    let province = breakdown(&app, &app.viewer, TODAY, "PROVINCE").await;
    assert_eq!(
        former.values().map(|v| v.1).sum::<f64>(),
        province["51"].1,
        "the former provinces add up to the province"
    );
    // Each area's row counts the units the area itself lists on the day.
    let areas = app
        .data(
            &app.viewer,
            "query($on: NaiveDate) { areas { code kind units(on: $on) { code } } }",
            json!({ "on": TODAY }),
        )
        .await;
    let listed: BTreeMap<String, f64> = areas["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .filter(|a| a["kind"] != "UNIT")
        .map(|a| {
            let n = a["units"].as_array().expect("units").len() as f64;
            (a["code"].as_str().expect("code").to_owned(), n)
        })
        .filter(|(_, n)| *n > 0.0)
        .collect();
    let by_area = breakdown(&app, &app.viewer, TODAY, "AREA").await;
    let counted: BTreeMap<String, f64> = by_area.iter().map(|(c, v)| (c.clone(), v.2)).collect();
    assert!(!counted.is_empty());
    assert_eq!(counted, listed);
    // In 2024 the district areas are the districts: 173 units between them.
    let in_2024 = breakdown(&app, &app.viewer, "2024-12-31", "AREA").await;
    assert_eq!(in_2024.values().map(|v| v.2).sum::<f64>(), 173.0);
    assert_eq!(in_2024[CITY].2, 23.0);
}

#[tokio::test]
async fn an_area_token_breaks_down_into_its_own_area_only() {
    let app = demo_today().await;
    let (_, token) = coso::service::tokens::create(&app.db, Role::Viewer, Some(CITY.into()), "t")
        .await
        .expect("token");
    let mine = breakdown(&app, &token, "2024-12-31", "AREA").await;
    let codes: Vec<&str> = mine.keys().map(String::as_str).collect();
    assert_eq!(codes, [CITY]);
    assert_eq!(mine[CITY].2, 23.0);
    // Its series on today's units counts the units its area holds today.
    let vars = json!({ "code": "staffing_ratio", "from": "2024-12-01", "to": "2024-12-31",
        "basis": "CURRENT_UNITS" });
    let data = app.data(&token, SERIES, vars).await;
    let point = &data["indicatorSeries"][0];
    let today = breakdown(&app, &token, TODAY, "PROVINCE").await;
    let today_units = today.values().map(|v| v.2).sum::<f64>();
    assert_eq!(point["denominator"].as_f64(), Some(today_units));
    let all: Value = app
        .data(&app.viewer, BY, json!({ "d": TODAY, "g": ["PROVINCE"] }))
        .await;
    assert!(today_units < all["indicators"][0]["denominator"].as_f64().expect("den"));
}

/// The text of the first archive of a run.
async fn archived_text(app: &TestApp, run: &Value) -> String {
    let q = "query($id: ID!) { reportArchive(id: $id) { text html } }";
    let id = run["archives"][0]["dbId"].to_string();
    let archive = app.data(&app.admin, q, json!({ "id": id })).await["reportArchive"].clone();
    let html = archive["html"].as_str().expect("html");
    let text = archive["text"].as_str().expect("text").to_owned();
    assert_eq!(
        html.contains("1677/NQ-UBTVQH15"),
        text.contains("1677/NQ-UBTVQH15")
    );
    text
}

#[tokio::test]
async fn a_report_whose_change_since_the_last_one_crosses_a_restructuring_says_so() {
    use chrono::DateTime;
    let at = |s: &str| DateTime::parse_from_rfc3339(s).expect("time").to_utc();
    // The report of June 2025 (sent on 5 July), then July's (on 5 August).
    let clock = coso::scheduler::Clock::manual(at("2025-07-05T01:00:00Z"));
    let today: NaiveDate = TODAY.parse().expect("day");
    let app = TestApp::spawn_tuned(Limits::default(), false, |s| {
        s.today = Some(today);
        s.scheduler.clock = clock.clone();
    })
    .await;
    coso::seed::seed_demo_until(&app.db, today)
        .await
        .expect("seed");
    let (province, _) = crate::reports::demo_schedules(&app).await;
    let run = async || -> Value {
        let vars = json!({ "id": province });
        let out = app.data(&app.admin, crate::reports::RUN, vars).await["runReportNow"].clone();
        assert_eq!(out["status"], "sent", "{out}");
        out
    };
    let june = archived_text(&app, &run().await).await;
    assert!(!june.contains("sắp xếp đơn vị hành chính"), "{june}");
    clock.set(at("2025-08-05T01:00:00Z"));
    let july = archived_text(&app, &run().await).await;
    assert!(
        july.contains("Lưu ý: từ báo cáo kỳ trước (số liệu ngày 30/06/2025)"),
        "{july}"
    );
    assert!(
        july.contains("ngày 01/07/2025 theo Nghị quyết 1677/NQ-UBTVQH15"),
        "{july}"
    );
    assert!(july.contains("số đơn vị từ 170 thành 96"), "{july}");
    // The next month's report compares like with like again.
    clock.set(at("2025-09-05T01:00:00Z"));
    let august = archived_text(&app, &run().await).await;
    assert!(!august.contains("Lưu ý: từ báo cáo kỳ trước"), "{august}");
}
