//! The staffing floor is a dated rule (5 officers, 12 from 1/3/2025 by default;
//! `COSO_STAFFING_FLOOR`): a monthly series across 1 March 2025 counts each month against
//! its own floor (checked against the officers of every unit, as a client reads them),
//! every figure says which floor applied, the gap list says it too, and a server
//! configured with another rule answers with that one.

use coso::config::Limits;
use coso::indicators::StaffingFloor;
use serde_json::{Value, json};

use crate::helpers::TestApp;

const SERIES: &str = r#"{ indicatorSeries(code: "units_below_staffing_floor", from: "2025-01-01", to: "2025-04-30", period: MONTH) {
    asOf numerator denominator rule group { kind } } }"#;

const UNITS: &str = r#"query($d: NaiveDate) { indicators(codes: ["staffing_ratio"], asOf: $d, groupBy: [UNIT]) {
    numerator denominator rule group { kind code } } }"#;

const GAPS: &str = r#"query($d: NaiveDate) { indicatorGaps(code: "units_below_staffing_floor", asOf: $d, first: 1) {
    totalCount units { detail } } }"#;

/// (day, units below the floor, rule) of each province point of the series.
async fn series(app: &TestApp) -> Vec<(String, f64, String)> {
    let data = app.data(&app.viewer, SERIES, json!({})).await;
    data["indicatorSeries"]
        .as_array()
        .expect("points")
        .iter()
        .filter(|p| p["group"]["kind"] == "province")
        .map(|p| {
            (
                p["asOf"].as_str().expect("asOf").to_owned(),
                p["numerator"].as_f64().expect("numerator"),
                p["rule"].as_str().expect("rule").to_owned(),
            )
        })
        .collect()
}

/// How many units valid on `day` have fewer than `floor` officers in post, from each
/// unit's officers (`staffing_ratio` by unit).
async fn units_with_fewer_than(app: &TestApp, day: &str, floor: f64) -> f64 {
    let data = app.data(&app.viewer, UNITS, json!({ "d": day })).await;
    let rows: &Vec<Value> = data["indicators"].as_array().expect("rows");
    rows.iter()
        .filter(|r| r["group"]["kind"] == "unit" && r["denominator"] == 1.0)
        .filter(|r| r["numerator"].as_f64().expect("officers") < floor)
        .count() as f64
}

#[tokio::test]
async fn a_series_across_1_march_2025_counts_each_month_against_its_floor() {
    let app = TestApp::spawn().await;
    let points = series(&app).await;
    let days: Vec<&str> = points.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        days,
        ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30"]
    );
    for (day, below, rule) in &points {
        let floor = if day.as_str() < "2025-03-01" {
            assert_eq!(rule, "staffing floor 5 from the beginning");
            5.0
        } else {
            assert_eq!(rule, "staffing floor 12 from 2025-03-01");
            12.0
        };
        assert_eq!(
            *below,
            units_with_fewer_than(&app, day, floor).await,
            "{day}"
        );
    }
    // The article's day keeps its 5-officer floor; every unit figure says its rule.
    let data = app
        .data(&app.viewer, UNITS, json!({ "d": "2024-12-31" }))
        .await;
    let rows = data["indicators"].as_array().expect("rows");
    assert!(
        rows.iter()
            .all(|r| r["rule"] == "staffing floor 5 from the beginning")
    );
    let gaps = |day: &'static str| {
        let app = &app;
        async move {
            let data = app.data(&app.viewer, GAPS, json!({ "d": day })).await;
            data["indicatorGaps"]["units"][0]["detail"]
                .as_str()
                .map(str::to_owned)
        }
    };
    let before = gaps("2025-02-28").await;
    assert!(
        before
            .as_deref()
            .is_none_or(|d| d.ends_with("(tối thiểu 5)")),
        "{before:?}"
    );
    let after = gaps("2025-03-31").await.expect("a unit below 12");
    assert!(after.ends_with("(tối thiểu 12)"), "{after}");
    // Figures without a floor say no rule; the definition gives the whole rule.
    let defs = app
        .data(
            &app.viewer,
            "{ indicatorDefinitions { code rule } }",
            json!({}),
        )
        .await;
    for def in defs["indicatorDefinitions"].as_array().expect("defs") {
        let expected = match def["code"].as_str() {
            Some("units_below_staffing_floor" | "staffing_ratio") => {
                json!("staffing floor 5, 12 from 2025-03-01")
            }
            _ => Value::Null,
        };
        assert_eq!(def["rule"], expected, "{def}");
    }
}

#[tokio::test]
async fn a_server_configured_with_another_floor_answers_with_it() {
    let app = TestApp::spawn_tuned(Limits::default(), true, |s| {
        s.staffing_floor = StaffingFloor::parse("4, 8 from 2025-03-15").expect("rule");
    })
    .await;
    let points = series(&app).await;
    let rules: Vec<&str> = points.iter().map(|p| p.2.as_str()).collect();
    assert_eq!(
        rules,
        [
            "staffing floor 4 from the beginning",
            "staffing floor 4 from the beginning",
            "staffing floor 8 from 2025-03-15",
            "staffing floor 8 from 2025-03-15",
        ]
    );
    for (day, below, _) in &points {
        let floor = if day.as_str() < "2025-03-15" {
            4.0
        } else {
            8.0
        };
        assert_eq!(
            *below,
            units_with_fewer_than(&app, day, floor).await,
            "{day}"
        );
    }
}
