//! The administrative history through the API: editions and their counts, units on a
//! day, the periods of a code, and lineage (splits, an unknown successor, a district
//! that became a unit, Kon Tum's units).

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::TestApp;

const UNITS_ON: &str = r#"query($on: NaiveDate, $p: String, $after: String) {
  unitsOn(on: $on, provinceCode: $p, first: 200, after: $after) {
    totalCount nextAfter nodes { code name kind districtCode provinceCode validFrom validTo }
  }
}"#;

const LINEAGE: &str = r#"query($code: String!, $on: NaiveDate) {
  unitLineage(code: $code, on: $on) {
    unit { code name kind validFrom validTo provinceCode }
    predecessors { known districtCode share change resolution clause effectiveOn
                   unit { code name validFrom provinceCode } }
    successors { known share change resolution clause effectiveOn note
                 unit { code name validFrom provinceCode } }
  }
}"#;

/// Every unit of province 51 valid on `on`, all pages.
async fn units_on(app: &TestApp, on: &str) -> (u64, Vec<Value>) {
    let mut after: Option<String> = None;
    let mut nodes = Vec::new();
    loop {
        let data = app
            .data(
                &app.viewer,
                UNITS_ON,
                json!({ "on": on, "p": "51", "after": after }),
            )
            .await;
        let page = &data["unitsOn"];
        nodes.extend(page["nodes"].as_array().unwrap().iter().cloned());
        match page["nextAfter"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => return (page["totalCount"].as_u64().unwrap(), nodes),
        }
    }
}

fn count_kind(nodes: &[Value], kind: &str) -> usize {
    nodes.iter().filter(|n| n["kind"] == kind).count()
}

async fn lineage(app: &TestApp, code: &str, on: &str) -> Value {
    let data = app
        .data(&app.viewer, LINEAGE, json!({ "code": code, "on": on }))
        .await;
    data["unitLineage"].clone()
}

fn codes(links: &Value) -> Vec<String> {
    let mut out: Vec<String> = links
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["unit"]["code"].as_str().map(str::to_owned))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn the_province_has_173_then_170_then_96_units() {
    let app = TestApp::spawn_today().await;
    for (on, want) in [
        ("2024-12-31", 173),
        ("2025-01-01", 170),
        ("2025-06-30", 170),
        ("2025-07-01", 96),
    ] {
        let (total, nodes) = units_on(&app, on).await;
        assert_eq!(total, want, "{on}");
        assert_eq!(nodes.len(), want as usize, "{on}");
    }
    let (_, old) = units_on(&app, "2024-12-31").await;
    assert_eq!(count_kind(&old, "XA"), 148);
    assert_eq!(count_kind(&old, "PHUONG"), 17);
    assert_eq!(count_kind(&old, "THI_TRAN"), 8);
    // Today (no `on`): the 96 units, no districts.
    let data = app
        .data(
            &app.viewer,
            r#"{ unitsOn(provinceCode: "51", first: 200) { totalCount nodes { kind districtCode } } }"#,
            json!({}),
        )
        .await;
    let nodes = data["unitsOn"]["nodes"].as_array().unwrap().clone();
    assert_eq!(data["unitsOn"]["totalCount"], 96);
    assert_eq!(count_kind(&nodes, "XA"), 86);
    assert_eq!(count_kind(&nodes, "PHUONG"), 9);
    assert_eq!(count_kind(&nodes, "DAC_KHU"), 1);
    assert!(nodes.iter().all(|n| n["districtCode"].is_null()));
    // Kon Tum's own list until 30 Jun 2025.
    let data = app
        .data(
            &app.viewer,
            r#"{ unitsOn(on: "2025-06-30", provinceCode: "62") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["unitsOn"]["totalCount"], 102);
    // Seeding again changes nothing.
    let report = coso::seed::seed_demo(&app.db).await.unwrap();
    assert!(report.skipped);
    let (total, again) = units_on(&app, "2024-12-31").await;
    assert_eq!((total, again), (173, old));
    let data = app
        .data(&app.viewer, "{ unitEditions { unitCount } }", json!({}))
        .await;
    assert_eq!(data["unitEditions"].as_array().unwrap().len(), 4);
    // A database seeded before the history existed gets it on the next seed.
    for table in ["unit_lineage", "unit_period", "unit_edition"] {
        app.db
            .execute_unprepared(&format!("DELETE FROM {table}"))
            .await
            .unwrap();
    }
    let data = app
        .data(&app.viewer, "{ unitEditions { validFrom } }", json!({}))
        .await;
    assert_eq!(data["unitEditions"], json!([]));
    assert!(coso::seed::seed_demo(&app.db).await.unwrap().skipped);
    // Another document than before: not an answer from the response cache.
    let data = app
        .data(&app.viewer, "{ unitEditions { act unitCount } }", json!({}))
        .await;
    let counts: Vec<u64> = data["unitEditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["unitCount"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [173, 102, 170, 96]);
}

#[tokio::test]
async fn editions_carry_their_act_and_counts_by_kind() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            &app.analyst,
            r#"{ unitEditions(provinceCode: "51") { validFrom validTo act unitCount countsByKind { kind count } } }"#,
            json!({}),
        )
        .await;
    let eds = data["unitEditions"].as_array().unwrap();
    let summary: Vec<(Value, Value, Value)> = eds
        .iter()
        .map(|e| {
            (
                e["validFrom"].clone(),
                e["validTo"].clone(),
                e["unitCount"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (json!("2020-02-01"), json!("2024-12-31"), json!(173)),
            (json!("2025-01-01"), json!("2025-06-30"), json!(170)),
            (json!("2025-07-01"), Value::Null, json!(96)),
        ]
    );
    assert_eq!(eds[1]["act"], "1279/NQ-UBTVQH15");
    assert_eq!(
        eds[2]["countsByKind"],
        json!([
            { "kind": "XA", "count": 86 },
            { "kind": "PHUONG", "count": 9 },
            { "kind": "DAC_KHU", "count": 1 },
        ])
    );
    // In force on one day: the 1 Jan 2025 list of Quảng Ngãi and Kon Tum's list.
    let data = app
        .data(
            &app.city_viewer,
            r#"{ unitEditions(on: "2025-03-01") { provinceCode unitCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["unitEditions"],
        json!([{ "provinceCode": "62", "unitCount": 102 }, { "provinceCode": "51", "unitCount": 170 }])
    );
}

#[tokio::test]
async fn a_code_keeps_its_periods_and_a_name_moves_to_another_code() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            &app.viewer,
            r#"{ unitPeriods(code: "21025") { name kind validFrom validTo districtCode } }"#,
            json!({}),
        )
        .await;
    let periods = data["unitPeriods"].as_array().unwrap();
    assert_eq!(periods.len(), 3);
    assert_eq!(periods[0]["name"], "Phường Nguyễn Nghiêm");
    assert_eq!(periods[0]["validTo"], "2024-12-31");
    assert_eq!(periods[0]["districtCode"], "522");
    assert_eq!(periods[2]["name"], "Phường Cẩm Thành");
    assert_eq!(periods[2]["validFrom"], "2025-07-01");
    assert!(periods[2]["validTo"].is_null());
    // Xã An Phú: 21262 in 2025-01, 21034 since 2025-07-01.
    let jan = lineage(&app, "21262", "2025-03-01").await;
    assert_eq!(jan["unit"]["name"], "Xã An Phú");
    let jul = lineage(&app, "21034", "2025-07-01").await;
    assert_eq!(jul["unit"]["name"], "Xã An Phú");
    assert!(codes(&jan["successors"]).contains(&"21034".to_owned()));
    assert!(codes(&jul["predecessors"]).contains(&"21262".to_owned()));
    // 21262 in 2024 was Xã Nghĩa An; no unit 21262 exists today.
    assert_eq!(
        lineage(&app, "21262", "2024-06-01").await["unit"]["name"],
        "Xã Nghĩa An"
    );
    assert!(lineage(&app, "21262", "2025-07-01").await.is_null());
}

#[tokio::test]
async fn splits_and_an_unknown_remainder_are_data() {
    let app = TestApp::spawn().await;
    let tra_bui = lineage(&app, "21142", "2025-03-01").await;
    assert_eq!(codes(&tra_bui["successors"]), ["21136", "21157"]);
    for s in tra_bui["successors"].as_array().unwrap() {
        assert_eq!(s["share"], "PART");
        assert_eq!(s["resolution"], "1677/NQ-UBTVQH15");
        assert_eq!(s["effectiveOn"], "2025-07-01");
    }
    let clauses: Vec<&str> = tra_bui["successors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["clause"].as_str().unwrap())
        .collect();
    assert_eq!(clauses, ["30", "31"]);

    let nghia_my = lineage(&app, "21286", "2024-12-31").await;
    let succ = nghia_my["successors"].as_array().unwrap();
    assert_eq!(succ.len(), 2);
    let known: Vec<&Value> = succ.iter().filter(|s| s["known"] == true).collect();
    let unknown: Vec<&Value> = succ.iter().filter(|s| s["known"] == false).collect();
    assert_eq!(known.len(), 1);
    assert_eq!(known[0]["unit"]["code"], "21238");
    assert_eq!(unknown.len(), 1);
    assert!(unknown[0]["unit"].is_null());
    assert_eq!(unknown[0]["share"], "PART");
    assert_eq!(unknown[0]["resolution"], "1279/NQ-UBTVQH15");
    assert!(unknown[0]["note"].as_str().unwrap().contains("REMAINDER"));
    // Nghĩa Mỹ does not exist after 2024.
    assert!(lineage(&app, "21286", "2025-01-01").await.is_null());
}

#[tokio::test]
async fn ly_son_has_no_predecessor_commune_and_kon_tum_units_have_a_history() {
    let app = TestApp::spawn().await;
    let ly_son = lineage(&app, "21548", "2025-07-01").await;
    assert_eq!(ly_son["unit"]["kind"], "DAC_KHU");
    let preds = ly_son["predecessors"].as_array().unwrap();
    assert_eq!(preds.len(), 1);
    assert!(preds[0]["unit"].is_null());
    assert_eq!(preds[0]["districtCode"], "536");
    assert_eq!(preds[0]["change"], "district_to_unit");
    assert_eq!(preds[0]["clause"], "91");
    assert!(lineage(&app, "21548", "2024-12-31").await.is_null());

    let kon_tum = lineage(&app, "23293", "2026-01-01").await;
    assert_eq!(kon_tum["unit"]["name"], "Phường Kon Tum");
    assert_eq!(kon_tum["unit"]["provinceCode"], "51");
    assert_eq!(
        codes(&kon_tum["predecessors"]),
        ["23281", "23287", "23290", "23293", "23299"]
    );
    for p in kon_tum["predecessors"].as_array().unwrap() {
        assert_eq!(p["unit"]["provinceCode"], "62");
        assert_eq!(p["unit"]["validFrom"], "2024-05-01");
        assert_eq!(p["clause"], "88");
    }
}

#[tokio::test]
async fn every_2024_unit_leads_to_a_unit_of_today() {
    // About 350 requests: no rate limit here.
    let limits = coso::config::Limits {
        rate_limit_per_min: 0,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, true).await;
    let (_, old) = units_on(&app, "2024-12-31").await;
    assert_eq!(old.len(), 173);
    for unit in &old {
        let code = unit["code"].as_str().unwrap();
        let first = lineage(&app, code, "2024-12-31").await;
        let mut reached = false;
        for mid in codes(&first["successors"]) {
            let second = lineage(&app, &mid, "2025-01-01").await;
            let ends = second["successors"].as_array().unwrap();
            reached |= ends.iter().any(|e| e["unit"]["validFrom"] == "2025-07-01");
        }
        assert!(reached, "{code} has no path to a unit of 2025-07-01");
    }
}

/// The district breakdown goes on by area across 1/7/2025: each of the 96 units counts in
/// the district area that carries its district on, and area 522 (Thành phố Quảng Ngãi)
/// holds the five units it is defined to hold (see tests/api/areas.rs).
#[tokio::test]
async fn the_district_breakdown_goes_on_by_area_after_the_districts_end() {
    let app = TestApp::spawn().await;
    let q = r#"query($d: NaiveDate) { indicators(codes: ["hq_new_model_coverage"], asOf: $d, groupBy: [PROVINCE, DISTRICT]) {
        denominator group { kind code name } } }"#;
    // after: the 12 districts, Lý Sơn (536) and Kon Tum's 10, each the area of some of the 96
    for (day, units, areas) in [("2024-12-31", 173.0, 12), ("2025-08-01", 96.0, 23)] {
        let rows = app.data(&app.viewer, q, json!({ "d": day })).await["indicators"]
            .as_array()
            .unwrap()
            .clone();
        let province = rows
            .iter()
            .find(|r| r["group"]["kind"] == "province")
            .unwrap();
        assert_eq!(province["denominator"], units, "{day}");
        let by_area: Vec<&Value> = rows
            .iter()
            .filter(|r| r["group"]["kind"] == "district")
            .collect();
        let total: f64 = by_area
            .iter()
            .filter_map(|r| r["denominator"].as_f64())
            .sum();
        assert_eq!(total, units, "every unit in one area on {day}");
        assert_eq!(by_area.len(), areas, "{day}");
        assert!(
            by_area.iter().all(|r| r["group"]["name"].is_string()),
            "{day}: named"
        );
        let city = by_area
            .iter()
            .find(|r| r["group"]["code"] == "522")
            .unwrap();
        assert_eq!(city["group"]["name"], "Thành phố Quảng Ngãi");
        let want = if day == "2024-12-31" { 23.0 } else { 5.0 };
        assert_eq!(city["denominator"], want, "{day}");
    }
}

const REACH: &str = r#"query($code: String!, $on: NaiveDate) {
  unitLineage(code: $code, on: $on) {
    unit { code validFrom }
    ancestry { complete links { depth known fromDistrictCode share change resolution clause effectiveOn
      from { code name validFrom } to { code name validFrom } } }
    descent { complete links { depth known share change resolution clause effectiveOn
      from { code name validFrom } to { code name validFrom } } }
  }
}"#;

async fn reach(app: &TestApp, code: &str, on: &str) -> Value {
    app.data(&app.viewer, REACH, json!({ "code": code, "on": on }))
        .await["unitLineage"]
        .clone()
}

/// (depth, from code, to code) of each link of a reach, in its order.
fn hops(reach: &Value) -> Vec<(u64, String, String)> {
    reach["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["depth"].as_u64().unwrap(),
                l["from"]["code"].as_str().unwrap_or("-").to_owned(),
                l["to"]["code"].as_str().unwrap_or("?").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn ancestry_and_descent_follow_the_lineage_through_both_restructurings() {
    let app = TestApp::spawn().await;
    // Nghĩa Phú (2024) -> Xã An Phú 21262 (1/1/2025) -> Xã An Phú 21034 (1/7/2025).
    let nghia_phu = reach(&app, "21253", "2024-06-01").await;
    assert_eq!(nghia_phu["ancestry"]["links"], json!([]));
    let descent = &nghia_phu["descent"];
    assert_eq!(descent["complete"], true);
    let first = &descent["links"][0];
    assert_eq!(
        (first["depth"].clone(), first["to"]["code"].clone()),
        (json!(1), json!("21262"))
    );
    assert_eq!(first["to"]["name"], "Xã An Phú");
    assert_eq!(first["to"]["validFrom"], "2025-01-01");
    assert_eq!(first["change"], "merged");
    assert_eq!(first["resolution"], "1279/NQ-UBTVQH15");
    assert_eq!(first["effectiveOn"], "2025-01-01");
    let second = &descent["links"][1];
    assert_eq!(second["depth"], 2);
    assert_eq!(second["from"]["code"], "21262");
    assert_eq!(second["to"]["code"], "21034");
    assert_eq!(second["to"]["name"], "Xã An Phú");
    assert_eq!(second["to"]["validFrom"], "2025-07-01");
    assert_eq!(second["resolution"], "1677/NQ-UBTVQH15");
    assert_eq!(second["effectiveOn"], "2025-07-01");
    assert!(second["clause"].is_string());
    assert_eq!(descent["links"].as_array().unwrap().len(), 2);

    // Today's Xã An Phú: its ancestry reaches both 2024 communes at depth 2.
    let an_phu = reach(&app, "21034", "2026-12-01").await;
    assert_eq!(an_phu["unit"]["validFrom"], "2025-07-01");
    assert_eq!(an_phu["descent"]["links"], json!([]));
    let ancestry = &an_phu["ancestry"];
    assert_eq!(ancestry["complete"], true);
    let deep: Vec<&Value> = ancestry["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["depth"] == 2)
        .collect();
    for code in ["21253", "21262"] {
        let link = deep
            .iter()
            .find(|l| l["from"]["code"] == code)
            .unwrap_or_else(|| panic!("{code} at depth 2"));
        assert_eq!(link["from"]["validFrom"], "2020-02-01", "{code} of 2024");
        assert_eq!(link["to"]["code"], "21262");
        assert_eq!(link["to"]["validFrom"], "2025-01-01");
        assert_eq!(link["share"], "WHOLE");
    }
    assert_eq!(
        hops(&reach(&app, "21262", "2024-06-01").await["descent"]),
        [
            (1, "21262".into(), "21262".into()),
            (2, "21262".into(), "21034".into())
        ]
    );
    // Depths only grow along the list.
    let depths: Vec<u64> = hops(ancestry).iter().map(|h| h.0).collect();
    assert!(depths.windows(2).all(|w| w[0] <= w[1]), "{depths:?}");

    // Phường Lê Hồng Phong 21010 -> (unchanged) 21010 -> Phường Nghĩa Lộ 21028.
    let lhp = reach(&app, "21010", "2024-12-31").await;
    assert_eq!(
        hops(&lhp["descent"]),
        [
            (1, "21010".into(), "21010".into()),
            (2, "21010".into(), "21028".into())
        ]
    );
    assert_eq!(lhp["descent"]["links"][0]["change"], "unchanged");
    assert_eq!(lhp["descent"]["links"][1]["to"]["name"], "Phường Nghĩa Lộ");
}

#[tokio::test]
async fn a_split_reaches_both_successors_and_an_unknown_successor_is_a_link() {
    let app = TestApp::spawn().await;
    // Trà Bùi: unchanged on 1/1/2025, then split into Cà Đam and Tây Trà Bồng.
    let tra_bui = reach(&app, "21142", "2024-12-31").await;
    let hops_of = hops(&tra_bui["descent"]);
    assert_eq!(
        hops_of,
        [
            (1, "21142".into(), "21142".into()),
            (2, "21142".into(), "21136".into()),
            (2, "21142".into(), "21157".into())
        ]
    );
    for l in &tra_bui["descent"]["links"].as_array().unwrap()[1..] {
        assert_eq!(l["share"], "PART");
        assert_eq!(l["change"], "split");
    }
    // Each successor's ancestry reaches the 2024 Trà Bùi at depth 2.
    for code in ["21136", "21157"] {
        let up = reach(&app, code, "2025-07-01").await;
        assert!(
            hops(&up["ancestry"]).contains(&(2, "21142".into(), "21142".into())),
            "{code}"
        );
    }
    // Nghĩa Mỹ: part to Sông Vệ (and on to its 1/7/2025 unit), the rest unknown.
    let nghia_my = reach(&app, "21286", "2024-12-31").await;
    let links = nghia_my["descent"]["links"].as_array().unwrap();
    let unknown: Vec<&Value> = links.iter().filter(|l| l["known"] == false).collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0]["depth"], 1);
    assert!(unknown[0]["to"].is_null());
    assert_eq!(unknown[0]["from"]["code"], "21286");
    assert_eq!(unknown[0]["share"], "PART");
    assert!(links.iter().any(|l| l["depth"] == 2
        && l["from"]["code"] == "21238"
        && l["to"]["validFrom"] == "2025-07-01"));
    assert_eq!(nghia_my["descent"]["complete"], true);
    // Lý Sơn: its ancestry is the district it was.
    let ly_son = reach(&app, "21548", "2025-07-01").await;
    let links = ly_son["ancestry"]["links"].as_array().unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["fromDistrictCode"], "536");
    assert!(links[0]["from"].is_null());
    assert_eq!(links[0]["known"], true);
}

const CHANGES: &str = r#"query($from: NaiveDate!, $to: NaiveDate!, $p: String, $all: Boolean, $first: Int, $after: String) {
  administrativeChanges(from: $from, to: $to, provinceCode: $p, includeUnchanged: $all, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { depth known share change resolution clause effectiveOn
      from { code validFrom provinceCode } fromDistrictCode to { code validFrom provinceCode } } }
  }
}"#;

/// Every change of a range, all pages of `first`; and the total count.
async fn all_changes(app: &TestApp, vars: Value, first: u64) -> (u64, Vec<Value>) {
    let mut after: Option<String> = None;
    let mut out = Vec::new();
    let mut total: Option<u64> = None;
    loop {
        let mut v = vars.clone();
        v["first"] = json!(first);
        v["after"] = json!(after);
        let page = app.data(&app.viewer, CHANGES, v).await["administrativeChanges"].clone();
        let count = page["totalCount"].as_u64().unwrap();
        assert_eq!(
            *total.get_or_insert(count),
            count,
            "the same total on every page"
        );
        let edges = page["edges"].as_array().unwrap();
        assert!(edges.len() as u64 <= first);
        out.extend(edges.iter().map(|e| e["node"].clone()));
        if page["pageInfo"]["hasNextPage"] != true {
            return (count, out);
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        assert!(out.len() < 2_000, "paging ends");
    }
}

#[tokio::test]
async fn administrative_changes_of_2025_list_the_two_resolutions_by_day() {
    let app = TestApp::spawn().await;
    let range = json!({ "from": "2025-01-01", "to": "2025-12-31", "p": "51" });
    let (total, changes) = all_changes(&app, range.clone(), 37).await;
    assert_eq!(total, changes.len() as u64);
    let resolutions: std::collections::BTreeSet<&str> = changes
        .iter()
        .map(|c| c["resolution"].as_str().unwrap())
        .collect();
    assert_eq!(
        resolutions.into_iter().collect::<Vec<_>>(),
        ["1279/NQ-UBTVQH15", "1677/NQ-UBTVQH15"]
    );
    // By day: the 1279 links first (10 of them changed something), then 1677's.
    let days: Vec<&str> = changes
        .iter()
        .map(|c| c["effectiveOn"].as_str().unwrap())
        .collect();
    assert!(days.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(days.iter().filter(|d| **d == "2025-01-01").count(), 10);
    assert!(
        changes
            .iter()
            .all(|c| c["change"] != "unchanged" && c["change"] != "continued")
    );
    assert!(changes.iter().any(|c| c["from"]["code"] == "21253"
        && c["to"]["code"] == "21262"
        && c["change"] == "merged"));
    assert!(changes.iter().any(|c| c["from"]["code"] == "21262"
        && c["to"]["code"] == "21034"
        && c["from"]["validFrom"] == "2025-01-01"));
    assert!(
        changes
            .iter()
            .any(|c| c["known"] == false && c["from"]["code"] == "21286")
    );
    assert!(changes.iter().any(|c| c["fromDistrictCode"] == "536"));
    // Kon Tum's units came into province 51: their links touch it.
    assert!(changes.iter().any(|c| c["from"]["provinceCode"] == "62"));
    // A page size does not change the list.
    let (_, again) = all_changes(&app, range.clone(), 200).await;
    assert_eq!(again, changes);
    // With the links that changed nothing: every link of both days.
    let mut all = range.clone();
    all["all"] = json!(true);
    let (with_unchanged, rows) = all_changes(&app, all, 200).await;
    assert_eq!(with_unchanged, rows.len() as u64);
    let jan = rows
        .iter()
        .filter(|c| c["effectiveOn"] == "2025-01-01")
        .count();
    assert_eq!(jan, 175, "the 175 rows of the 1279 mapping");
    assert!(with_unchanged > total);
    // Kon Tum alone on 1/1/2025: nothing changed there.
    let (kt, _) = all_changes(
        &app,
        json!({ "from": "2025-01-01", "to": "2025-01-01", "p": "62" }),
        50,
    )
    .await;
    assert_eq!(kt, 0);

    // The summary: units before and after each edition's day.
    let q = r#"query($from: NaiveDate!, $to: NaiveDate!, $p: String) {
      administrativeChangeSummary(from: $from, to: $to, provinceCode: $p) {
        effectiveOn provinceCode act unitsBefore unitsBeforeByProvince { provinceCode count }
        districtsBefore unitsAfter changes } }"#;
    let rows = app.data(&app.viewer, q, range.clone()).await["administrativeChangeSummary"].clone();
    assert_eq!(rows.as_array().unwrap().len(), 2, "{rows}");
    assert_eq!(rows[0]["effectiveOn"], "2025-01-01");
    assert_eq!(rows[0]["act"], "1279/NQ-UBTVQH15");
    assert_eq!(
        (
            rows[0]["unitsBefore"].clone(),
            rows[0]["unitsAfter"].clone()
        ),
        (json!(173), json!(170))
    );
    assert_eq!(rows[0]["changes"], 10);
    assert_eq!(rows[1]["effectiveOn"], "2025-07-01");
    assert_eq!(rows[1]["unitsAfter"], 96);
    assert_eq!(
        rows[1]["unitsBeforeByProvince"],
        json!([{ "provinceCode": "51", "count": 170 }, { "provinceCode": "62", "count": 102 }])
    );
    assert_eq!(rows[1]["unitsBefore"], 272);
    assert_eq!(rows[1]["districtsBefore"], 1);
}

#[tokio::test]
async fn administrative_changes_of_a_quiet_range_are_empty_and_bad_ranges_are_refused() {
    let app = TestApp::spawn().await;
    let quiet = json!({ "from": "2023-01-01", "to": "2024-12-31", "p": "51" });
    let (total, rows) = all_changes(&app, quiet.clone(), 50).await;
    assert_eq!((total, rows.len()), (0, 0));
    let q = r#"query($from: NaiveDate!, $to: NaiveDate!) {
      administrativeChangeSummary(from: $from, to: $to) { effectiveOn } }"#;
    let data = app.data(&app.viewer, q, quiet).await;
    assert_eq!(data["administrativeChangeSummary"], json!([]));

    for (from, to, first) in [
        ("2025-12-31", "2025-01-01", 10),
        ("2025-01-01", "2025-12-31", 201),
        ("2025-01-01", "2025-12-31", -1),
        ("1000-01-01", "2025-12-31", 10),
    ] {
        let body = app
            .gql(
                &app.viewer,
                CHANGES,
                json!({ "from": from, "to": to, "first": first }),
            )
            .await;
        let code = crate::helpers::first_code(&body);
        assert!(
            code == "INVALID_INPUT" || (from == "1000-01-01" && code == "DATE_OUT_OF_RANGE"),
            "{from}..{to} first {first}: {body}"
        );
        assert!(body["data"].is_null(), "{body}");
    }
    let body = app
        .gql(
            &app.viewer,
            q,
            json!({ "from": "2025-12-31", "to": "2025-01-01" }),
        )
        .await;
    assert_eq!(crate::helpers::first_code(&body), "INVALID_INPUT", "{body}");
}

#[tokio::test]
async fn units_of_an_area_follow_what_it_holds_each_day() {
    let app = TestApp::spawn().await;
    let q =
        r#"query($f: UnitFilter) { units(filter: $f, first: 200) { totalCount nodes { code } } }"#;
    let of = |area: &str, on: &str| json!({ "f": { "areaCode": area, "activeOn": on } });
    let city_2024 = app.data(&app.viewer, q, of("522", "2024-12-31")).await;
    assert_eq!(city_2024["units"]["totalCount"], 23);
    let city_now = app.data(&app.viewer, q, of("522", "2025-07-01")).await;
    let codes: Vec<&str> = city_now["units"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["21025", "21028", "21034", "21172", "21211"]);
    // An unknown area holds nothing; a token of another area sees none of 522's units.
    let none = app
        .data(&app.viewer, q, of("no-such-area", "2024-12-31"))
        .await;
    assert_eq!(none["units"]["totalCount"], 0);
    let city_token = app.data(&app.city_viewer, q, of("522", "2024-12-31")).await;
    assert_eq!(city_token["units"]["totalCount"], 23);
    let other = app.data(&app.city_viewer, q, of("524", "2024-12-31")).await;
    assert_eq!(other["units"]["totalCount"], 0);
}

/// An ancestry costs one statement per level, not per link: the statements of a unit
/// with 2 links in one level and of one with many over two levels differ by the level.
#[tokio::test]
async fn a_reach_costs_a_statement_per_level_not_per_link() {
    let app = TestApp::spawn().await;
    let q = r#"query($c: String!, $on: NaiveDate) { unitLineage(code: $c, on: $on) {
        ancestry { complete links { depth from { code } to { code } } } } }"#;
    let mut measured = Vec::new();
    for (code, on) in [("21262", "2025-03-01"), ("21040", "2025-07-01")] {
        // The token is then verified from memory: the count is the lineage's alone.
        app.data(&app.viewer, "{ __typename }", json!({})).await;
        let before = app.statements.get();
        let data = app
            .data(&app.viewer, q, json!({ "c": code, "on": on }))
            .await;
        let statements = app.statements.get() - before;
        let links = data["unitLineage"]["ancestry"]["links"]
            .as_array()
            .unwrap()
            .len();
        let depth = data["unitLineage"]["ancestry"]["links"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|l| l["depth"].as_u64())
            .max()
            .unwrap_or(0);
        eprintln!("{code}: {links} links over {depth} levels, {statements} statements");
        measured.push((links, depth, statements));
    }
    let (few, deep) = (measured[0], measured[1]);
    assert_eq!((few.0, few.1), (2, 1));
    assert!(deep.0 >= 10 && deep.1 == 2, "{deep:?}");
    assert_eq!(deep.2, few.2 + 1, "one more level, one more statement");
}

/// A reach is cut at 1,000 links and says so: 1,100 links from one period (written here,
/// to unknown successors) give 1,000 links and `complete: false`; the direct list stops
/// at 100.
#[tokio::test]
async fn a_reach_over_1000_links_is_cut_and_says_so() {
    use sea_orm::{ActiveValue::NotSet, EntityTrait, Set};
    let app = TestApp::spawn().await;
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let rows: Vec<entity::unit_lineage::ActiveModel> = (0..1_100)
        .map(|i| entity::unit_lineage::ActiveModel {
            id: NotSet,
            from_code: Set(Some("21013".into())),
            from_valid_from: Set(Some(day("2020-02-01"))),
            from_district_code: Set(None),
            to_code: Set(None),
            to_valid_from: Set(None),
            share: Set("part".into()),
            change: Set("split".into()),
            resolution: Set(Some(format!("{i}/TEST"))),
            clause: Set(None),
            effective_on: Set(day("2025-01-01")),
            note: Set(None),
        })
        .collect();
    for chunk in rows.chunks(200) {
        entity::unit_lineage::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&app.db)
            .await
            .unwrap();
    }
    let q = r#"{ unitLineage(code: "21013", on: "2024-06-01") {
        successors { known } descent { complete links { depth known } } } }"#;
    let data = app.data(&app.viewer, q, json!({})).await;
    let descent = &data["unitLineage"]["descent"];
    assert_eq!(descent["complete"], false);
    assert_eq!(descent["links"].as_array().unwrap().len(), 1_000);
    assert_eq!(
        data["unitLineage"]["successors"].as_array().unwrap().len(),
        100
    );
    // Without the extra links: complete.
    app.db
        .execute_unprepared("DELETE FROM unit_lineage WHERE resolution LIKE '%/TEST'")
        .await
        .unwrap();
    let q = r#"{ unitLineage(code: "21013", on: "2024-06-02") { descent { complete links { depth } } } }"#;
    let data = app.data(&app.viewer, q, json!({})).await;
    assert_eq!(data["unitLineage"]["descent"]["complete"], true);
    assert_eq!(
        data["unitLineage"]["descent"]["links"],
        json!([{ "depth": 1 }, { "depth": 2 }])
    );
}
