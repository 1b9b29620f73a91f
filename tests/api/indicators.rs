//! Indicators through the API pin the source report's figures on the demo data, follow
//! effective dates, respect district scope, and come from the stored snapshot when one
//! holds the current data version.

use serde_json::{Value, json};

use crate::helpers::{CITY, TestApp, first_code};

const VALUES: &str = r#"query($codes: [String!], $asOf: NaiveDate, $groupBy: [IndicatorGroupBy!]) {
  indicators(codes: $codes, asOf: $asOf, groupBy: $groupBy) {
    code name value numerator denominator unit target status display dataAsOf dataVersion computedAt
    group { kind code name }
  }
}"#;

async fn values(app: &TestApp, token: &str, vars: Value) -> Vec<Value> {
    let data = app.data(token, VALUES, vars).await;
    data["indicators"].as_array().cloned().unwrap_or_default()
}

fn find<'a>(rows: &'a [Value], code: &str, kind: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["code"] == code && r["group"]["kind"] == kind)
        .unwrap_or_else(|| panic!("no {code} for {kind} in {rows:?}"))
}

#[tokio::test]
async fn demo_indicators_reproduce_the_report() {
    let app = TestApp::spawn().await;
    let rows = values(&app, &app.viewer, json!({ "asOf": "2024-12-31" })).await;
    let exec = find(&rows, "party_executive_committee_rate", "province");
    assert_eq!(
        (
            exec["numerator"].as_f64(),
            exec["denominator"].as_f64(),
            exec["value"].as_f64()
        ),
        (Some(173.0), Some(173.0), Some(100.0))
    );
    let standing = find(&rows, "party_standing_committee_rate", "province");
    assert_eq!(standing["display"], "57/173 (32,9%)");
    assert_eq!(standing["value"], 32.9);
    let staffing = find(&rows, "staffing_ratio", "province");
    assert_eq!(staffing["display"], "6,61");
    assert_eq!(staffing["denominator"], 173.0);
    let hq = find(&rows, "hq_new_model_coverage", "province");
    assert_eq!(hq["display"], "60/173 (34,7%)");
    assert_eq!(hq["target"], 100.0);
    assert_eq!(find(&rows, "directives_issued", "province")["value"], 16.0);
    assert!(find(&rows, "volunteer_activities", "province")["value"].as_f64() >= Some(100.0));
    assert_eq!(find(&rows, "union_works_models", "province")["value"], 42.0);
    assert_eq!(find(&rows, "dialogue_questions", "province")["value"], 31.0);
    let awards = app.count(&app.viewer, "awards", json!({})).await as f64;
    assert_eq!(
        find(&rows, "awards", "province")["value"].as_f64(),
        Some(awards)
    );
    assert!(
        rows.iter()
            .all(|r| r["dataVersion"].as_i64() >= Some(1) && r["dataAsOf"].is_string())
    );
}

#[tokio::test]
async fn breakdowns_add_up_and_a_district_token_gets_its_district_only() {
    let app = TestApp::spawn().await;
    let vars = json!({ "asOf": "2024-12-31", "groupBy": ["PROVINCE", "DISTRICT", "KIND"] });
    let rows = values(&app, &app.admin, vars).await;
    for code in [
        "party_standing_committee_rate",
        "hq_new_model_coverage",
        "staffing_ratio",
    ] {
        let total = find(&rows, code, "province")["numerator"]
            .as_f64()
            .unwrap_or(-1.0);
        for kind in ["district", "kind"] {
            let sum: f64 = rows
                .iter()
                .filter(|r| r["code"] == code && r["group"]["kind"] == kind)
                .filter_map(|r| r["numerator"].as_f64())
                .sum();
            assert_eq!(sum, total, "{code} by {kind}");
        }
    }
    let city = rows
        .iter()
        .find(|r| {
            r["code"] == "staffing_ratio"
                && r["group"]["kind"] == "district"
                && r["group"]["code"] == CITY
        })
        .cloned()
        .expect("city row");
    let scoped = values(
        &app,
        &app.city_viewer,
        json!({ "asOf": "2024-12-31", "groupBy": ["PROVINCE", "DISTRICT"] }),
    )
    .await;
    let mine = find(&scoped, "staffing_ratio", "province");
    assert_eq!(
        (mine["numerator"].clone(), mine["denominator"].clone()),
        (city["numerator"].clone(), city["denominator"].clone())
    );
    assert!(
        scoped
            .iter()
            .filter(|r| r["group"]["kind"] == "district")
            .all(|r| r["group"]["code"] == CITY)
    );
}

#[tokio::test]
async fn effective_dates_are_respected_and_series_follow_them() {
    let app = TestApp::spawn().await;
    let officer = json!({ "unitCode": "21010", "fullName": "Lê Thị Hoa", "gender": "FEMALE", "birthYear": 1995, "rank": "THIEU_UY", "position": "OFFICER", "postedFrom": "2025-03-15" });
    app.data(
        &app.admin,
        "mutation($i: CreateOfficerInput!) { createOfficer(input: $i) { dbId } }",
        json!({ "i": officer }),
    )
    .await;
    let num = async |day: &str| {
        let rows = values(
            &app,
            &app.viewer,
            json!({ "codes": ["staffing_ratio"], "asOf": day }),
        )
        .await;
        find(&rows, "staffing_ratio", "province")["numerator"]
            .as_f64()
            .unwrap_or(-1.0)
    };
    let (before, after) = (num("2025-03-14").await, num("2025-03-15").await);
    assert_eq!(after, before + 1.0, "counts from the day of posting");
    let q = r#"{ indicatorSeries(code: "staffing_ratio", from: "2025-01-01", to: "2025-06-30", period: MONTH) { asOf numerator group { kind } } }"#;
    let series = app.data(&app.viewer, q, json!({})).await["indicatorSeries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let days: Vec<&str> = series.iter().filter_map(|p| p["asOf"].as_str()).collect();
    assert_eq!(
        days,
        [
            "2025-01-31",
            "2025-02-28",
            "2025-03-31",
            "2025-04-30",
            "2025-05-31",
            "2025-06-30"
        ]
    );
    assert_eq!(series[1]["numerator"].as_f64(), Some(before));
    assert_eq!(series[2]["numerator"].as_f64(), Some(after));
    let body = app
        .gql(
            &app.viewer,
            r#"{ indicators(codes: ["no_such_indicator"]) { value } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_code(&body), "INVALID_INPUT");
}

#[tokio::test]
async fn a_refresh_stores_a_snapshot_that_later_reads_use() {
    let app = TestApp::spawn().await;
    let refresh = "mutation { refreshIndicators { rows dataVersion computedAt } }";
    let first = app.data(&app.admin, refresh, json!({})).await["refreshIndicators"].clone();
    assert!(
        first["rows"].as_u64() > Some(173 * 5),
        "every breakdown is stored: {first}"
    );
    let again = app.data(&app.admin, refresh, json!({})).await["refreshIndicators"].clone();
    assert_eq!(again["rows"], 0, "once per data version and day");
    let rows = values(&app, &app.viewer, json!({ "groupBy": ["DISTRICT"] })).await;
    assert!(
        rows.iter().all(|r| r["computedAt"] == first["computedAt"]),
        "read from the snapshot"
    );
    let body = app.gql(&app.analyst, refresh, json!({})).await;
    assert_eq!(first_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn gap_lists_trajectory_and_categories_match_the_demo() {
    let app = TestApp::spawn().await;
    let gaps = r#"query($code: String!, $d: String) { indicatorGaps(code: $code, asOf: "2024-12-31", districtCode: $d, first: 5) {
        totalCount units { rank unitCode districtCode hqStatus detail } } }"#;
    let standing = app
        .data(
            &app.viewer,
            gaps,
            json!({ "code": "party_standing_committee_rate" }),
        )
        .await;
    assert_eq!(standing["indicatorGaps"]["totalCount"], 116);
    assert_eq!(
        standing["indicatorGaps"]["units"].as_array().map(Vec::len),
        Some(5)
    );
    assert_eq!(standing["indicatorGaps"]["units"][0]["rank"], 1);
    let hq = app
        .data(
            &app.viewer,
            gaps,
            json!({ "code": "hq_new_model_coverage" }),
        )
        .await;
    assert_eq!(hq["indicatorGaps"]["totalCount"], 113);
    assert!(
        hq["indicatorGaps"]["units"]
            .as_array()
            .expect("units")
            .iter()
            .all(|u| u["hqStatus"] != "in_use")
    );
    let city = app
        .data(
            &app.viewer,
            gaps,
            json!({ "code": "hq_new_model_coverage", "d": CITY }),
        )
        .await;
    let scoped = app
        .data(
            &app.city_viewer,
            gaps,
            json!({ "code": "hq_new_model_coverage" }),
        )
        .await;
    assert_eq!(
        city["indicatorGaps"]["totalCount"],
        scoped["indicatorGaps"]["totalCount"]
    );
    assert!(
        scoped["indicatorGaps"]["units"]
            .as_array()
            .expect("units")
            .iter()
            .all(|u| u["districtCode"] == CITY)
    );
    let body = app
        .gql(
            &app.viewer,
            r#"{ indicatorGaps(code: "directives_issued") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_code(&body), "INVALID_INPUT");

    let t = r#"{ hqTrajectory(asOf: "2024-12-31") { units covered missing needed targetPct targetDate monthsLeft requiredPerMonth achievedLast12Months achievedPerMonth projectedDate onTrack } }"#;
    let t = app.data(&app.viewer, t, json!({})).await["hqTrajectory"].clone();
    assert_eq!(
        (
            t["units"].as_u64(),
            t["covered"].as_u64(),
            t["missing"].as_u64()
        ),
        (Some(173), Some(60), Some(113))
    );
    assert_eq!(t["targetDate"], "2025-12-31");
    assert_eq!(t["monthsLeft"], 12);
    let required = t["requiredPerMonth"].as_f64().unwrap_or_default();
    assert!((required - 113.0 / 12.0).abs() < 1e-9, "{t}");
    let achieved = t["achievedLast12Months"].as_f64().unwrap_or_default();
    assert!((t["achievedPerMonth"].as_f64().unwrap_or_default() - achieved / 12.0).abs() < 1e-9);

    let c = r#"{ indicatorCategories(code: "dialogue_questions", asOf: "2024-12-31") { kind code count answeredShare } }"#;
    let cats = app.data(&app.viewer, c, json!({})).await["indicatorCategories"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(cats.len(), 6);
    assert_eq!(
        cats.iter().filter_map(|c| c["count"].as_u64()).sum::<u64>(),
        31
    );
}

#[tokio::test]
async fn remembered_answers_never_outlive_a_write() {
    let app = TestApp::spawn().await;
    let vars = json!({ "codes": ["staffing_ratio"], "asOf": "2024-11-26" });
    let officers = async || {
        let rows = values(&app, &app.city_viewer, vars.clone()).await;
        find(&rows, "staffing_ratio", "province")["numerator"]
            .as_f64()
            .unwrap_or(-1.0)
    };
    let before = officers().await;
    assert_eq!(
        officers().await,
        before,
        "the same question, the same answer"
    );
    let officer = json!({ "unitCode": "21010", "fullName": "Trần Văn Nam", "gender": "MALE", "birthYear": 1996, "rank": "THIEU_UY", "position": "OFFICER", "postedFrom": "2024-01-05" });
    app.data(
        &app.admin,
        "mutation($i: CreateOfficerInput!) { createOfficer(input: $i) { dbId } }",
        json!({ "i": officer }),
    )
    .await;
    assert_eq!(officers().await, before + 1.0, "the write is seen at once");
}

/// `groupCodes` keeps the groups asked for and nothing else; the same values as the whole
/// breakdown's; over 100 codes is refused with its code.
#[tokio::test]
async fn group_codes_keep_only_the_groups_asked_for() {
    let app = TestApp::spawn().await;
    let q = r#"query($codes: [String!]) {
      indicators(asOf: "2024-12-31", groupBy: [DISTRICT, UNIT], groupCodes: $codes) {
        code numerator denominator group { kind code }
      }
    }"#;
    let all = app.data(&app.admin, q, json!({ "codes": null })).await;
    let unit = "21010";
    let some = app
        .data(&app.admin, q, json!({ "codes": [CITY, unit] }))
        .await;
    let rows = some["indicators"].as_array().cloned().unwrap_or_default();
    let expected = all["indicators"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["group"]["code"] == CITY || a["group"]["code"] == unit)
        .count();
    assert!(
        expected >= 18,
        "the city's and the unit's values: {expected}"
    );
    assert_eq!(rows.len(), expected, "{rows:?}");
    for r in &rows {
        let code = r["group"]["code"].as_str().unwrap_or_default();
        assert!(code == CITY || code == unit, "{r}");
        let same = all["indicators"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["code"] == r["code"] && a["group"] == r["group"]);
        assert_eq!(same, Some(r), "the same value as in the whole breakdown");
    }
    let many: Vec<String> = (0..101).map(|i| format!("{i}")).collect();
    let body = app.gql(&app.admin, q, json!({ "codes": many })).await;
    assert_eq!(first_code(&body), "INVALID_INPUT", "{body}");
}
