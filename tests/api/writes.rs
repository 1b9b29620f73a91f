//! Writes under load and what they change: concurrent mutations all land (on the
//! embedded SQLite too), and each scope's data age moves only with data it can see.

use serde_json::{Value, json};

use crate::helpers::{CITY, OTHER, TestApp};

const CREATE_OFFICER: &str =
    "mutation($i: CreateOfficerInput!) { createOfficer(input: $i) { dbId unitCode } }";
const CREATE_DIRECTIVE: &str =
    "mutation($i: DirectiveInput!) { createDirective(input: $i) { dbId } }";

/// The first unit of `district`.
async fn unit_of(app: &TestApp, district: &str) -> String {
    let q = "query($d: String) { units(filter: { districtCode: $d }, first: 1) { edges { node { code } } } }";
    let data = app.data(&app.admin, q, json!({ "d": district })).await;
    data["units"]["edges"][0]["node"]["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn officer(unit: &str, name: &str) -> Value {
    json!({
        "unitCode": unit, "fullName": name, "gender": "FEMALE", "birthYear": 1995,
        "rank": "THUONG_UY", "position": "OFFICER", "postedFrom": "2024-06-01"
    })
}

#[tokio::test]
async fn two_dozen_concurrent_mutations_all_land() {
    let app = TestApp::spawn().await;
    let unit = unit_of(&app, CITY).await;
    let officers_before = app.count(&app.viewer, "officers", json!({})).await;
    let directives_before = app.count(&app.viewer, "directives", json!({})).await;
    let mut writes = Vec::new();
    for i in 0..24 {
        let (query, input) = if i % 3 == 0 {
            let d = json!({ "number": format!("{i}/KH-THU"), "kind": "PLAN",
                "issuer": "POLICE_DEPARTMENT", "title": "Kế hoạch thử", "issuedOn": "2024-05-01" });
            (CREATE_DIRECTIVE, d)
        } else {
            (CREATE_OFFICER, officer(&unit, &format!("Lê Thị Thử {i}")))
        };
        let app = &app;
        writes.push(async move { app.gql(&app.admin, query, json!({ "i": input })).await });
    }
    let answers = futures_util::future::join_all(writes).await;
    for answer in &answers {
        assert!(
            answer.get("errors").is_none(),
            "a concurrent write failed: {answer}"
        );
    }
    assert_eq!(
        app.count(&app.viewer, "officers", json!({})).await,
        officers_before + 16
    );
    assert_eq!(
        app.count(&app.viewer, "directives", json!({})).await,
        directives_before + 8
    );
}

#[tokio::test]
async fn racing_writers_cannot_both_take_one_directive_number() {
    let app = TestApp::spawn().await;
    let mut writes = Vec::new();
    for i in 0..10 {
        let d = json!({ "number": "88/KH-DUA", "kind": "PLAN", "issuer": "POLICE_DEPARTMENT",
            "title": format!("Kế hoạch {i}"), "issuedOn": "2024-05-01" });
        let app = &app;
        writes.push(async move {
            app.gql(&app.admin, CREATE_DIRECTIVE, json!({ "i": d }))
                .await
        });
    }
    let answers = futures_util::future::join_all(writes).await;
    let codes: Vec<&str> = answers
        .iter()
        .map(|a| {
            a["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("ok")
        })
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == "ok").count(), 1, "{codes:?}");
    assert!(
        codes
            .iter()
            .all(|c| *c == "ok" || *c == "DUPLICATE_DIRECTIVE_NUMBER"),
        "{codes:?}"
    );
    let taken = app
        .count(&app.viewer, "directives", json!({ "search": "88/KH-DUA" }))
        .await;
    assert!(taken <= 1, "{taken} directives hold the number");
}

/// `dataVersion` and `dataAsOf` of an indicator as `token` sees them.
async fn age(app: &TestApp, token: &str) -> (Value, Value) {
    let q = r#"{ indicators(codes: ["staffing_ratio"]) { dataVersion dataAsOf } }"#;
    let data = app.data(token, q, json!({})).await;
    let v = &data["indicators"][0];
    (v["dataVersion"].clone(), v["dataAsOf"].clone())
}

#[tokio::test]
async fn a_district_sees_its_own_data_age() {
    let app = TestApp::spawn().await;
    let city_viewer = app.city_viewer.clone();
    let (city0, province0) = (age(&app, &city_viewer).await, age(&app, &app.viewer).await);
    assert!(
        city0.1.is_string(),
        "a data age before any write: {city0:?}"
    );

    // Another district's write: the city's age stays, the province's moves.
    let other = unit_of(&app, OTHER).await;
    app.data(
        &app.admin,
        CREATE_OFFICER,
        json!({ "i": officer(&other, "Phạm Văn Khác") }),
    )
    .await;
    let (city1, province1) = (age(&app, &city_viewer).await, age(&app, &app.viewer).await);
    assert_eq!(
        city1, city0,
        "a write in {OTHER} left {CITY}'s data age alone"
    );
    assert_ne!(province1.0, province0.0, "the province's version moved");
    assert_ne!(province1.1, province0.1, "the province's dataAsOf moved");

    // The city's own write, and a province-wide record, move the city's age.
    let unit = unit_of(&app, CITY).await;
    app.data(
        &app.admin,
        CREATE_OFFICER,
        json!({ "i": officer(&unit, "Võ Văn Thành") }),
    )
    .await;
    let city2 = age(&app, &city_viewer).await;
    assert_ne!(city2.0, city1.0, "a write in {CITY} moved its version");
    assert_ne!(city2.1, city1.1, "and its dataAsOf");
    let d = json!({ "number": "7/KH-CAT-THU", "kind": "PLAN", "issuer": "POLICE_DEPARTMENT",
        "title": "Kế hoạch chung", "issuedOn": "2024-05-01" });
    app.data(&app.admin, CREATE_DIRECTIVE, json!({ "i": d }))
        .await;
    let city3 = age(&app, &city_viewer).await;
    assert_ne!(
        city3.0, city2.0,
        "a province-wide record moved every scope's version"
    );
}
