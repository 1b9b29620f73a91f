//! The demo data, read through the API, reproduces every figure of the source report;
//! the demo as `coso` seeds it goes on after 2024 up to the province's day.

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn demo_units_are_the_173_real_units_of_quang_ngai() {
    let app = TestApp::spawn().await;
    let t = &app.viewer;
    assert_eq!(app.count(t, "units", json!({})).await, 173);
    assert_eq!(app.count(t, "units", json!({ "kind": "XA" })).await, 148);
    assert_eq!(app.count(t, "units", json!({ "kind": "PHUONG" })).await, 17);
    assert_eq!(
        app.count(t, "units", json!({ "kind": "THI_TRAN" })).await,
        8
    );
    assert_eq!(app.count(t, "districts", json!({})).await, 12);
    let data = app
        .data(
            t,
            r#"{ unit(code: "21010") { name kind district { code name } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["unit"]["name"], "Phường Lê Hồng Phong");
    assert_eq!(data["unit"]["kind"], "PHUONG");
    assert_eq!(data["unit"]["district"]["code"], "522");
}

#[tokio::test]
async fn demo_facts_match_the_report() {
    let app = TestApp::spawn().await;
    let t = &app.viewer;
    let officers = app.count(t, "officers", json!({})).await;
    assert!(officers == 1143 || officers == 1144, "officers: {officers}");
    assert_eq!(format!("{:.2}", officers as f64 / 173.0), "6.61");
    assert_eq!(
        app.count(t, "officers", json!({ "position": "CHIEF" }))
            .await,
        173
    );
    let exec = json!({ "body": "EXECUTIVE_COMMITTEE", "activeOn": "2024-12-31" });
    assert_eq!(app.count(t, "partyMemberships", exec).await, 173);
    let standing = json!({ "body": "STANDING_COMMITTEE", "activeOn": "2024-12-31" });
    assert_eq!(app.count(t, "partyMemberships", standing).await, 57);
    let in_use = json!({ "model": "NEW", "status": "IN_USE", "statusOn": "2024-12-31" });
    assert_eq!(app.count(t, "headquarters", in_use).await, 60);
    assert_eq!(app.count(t, "directives", json!({})).await, 16);
    let volunteer = app
        .count(
            t,
            "unionActivities",
            json!({ "kind": "VOLUNTEER_ACTIVITY" }),
        )
        .await;
    assert!(volunteer >= 100, "volunteer activities: {volunteer}");
    let works = json!({ "kind": "WORK_OR_MODEL", "maintained": true });
    assert_eq!(app.count(t, "unionActivities", works).await, 42);
    assert_eq!(app.count(t, "dialogueQuestions", json!({})).await, 31);
    assert!(
        app.count(t, "awards", json!({ "form": "CERTIFICATE_OF_MERIT" }))
            .await
            > 0
    );
}

#[tokio::test]
async fn every_chief_sits_on_the_executive_committee_and_questions_cover_six_topics() {
    let app = TestApp::spawn().await;
    let q = r#"{ units(first: 200) { edges { node { code chief { rank partyMemberships { body } } } } } }"#;
    let data = app.data(&app.analyst, q, json!({})).await;
    let edges = data["units"]["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 173);
    let mut standing = 0;
    for e in edges {
        let chief = &e["node"]["chief"];
        assert!(
            ["THIEU_TA", "TRUNG_TA"].contains(&chief["rank"].as_str().unwrap_or("")),
            "{e}"
        );
        let bodies: Vec<&str> = chief["partyMemberships"]
            .as_array()
            .expect("memberships")
            .iter()
            .filter_map(|m| m["body"].as_str())
            .collect();
        assert!(bodies.contains(&"EXECUTIVE_COMMITTEE"), "{e}");
        standing += usize::from(bodies.contains(&"STANDING_COMMITTEE"));
    }
    assert_eq!(standing, 57);
    let topics = [
        "GRASSROOTS_SECURITY",
        "PROJECT_06",
        "PARTY_BUILDING",
        "ORGANISATION_PERSONNEL",
        "EMULATION_COMMENDATION",
        "LOGISTICS_TECHNICAL",
    ];
    let mut total = 0;
    for topic in topics {
        let n = app
            .count(&app.viewer, "dialogueQuestions", json!({ "topic": topic }))
            .await;
        assert!(n > 0, "no question on {topic}");
        total += n;
    }
    assert_eq!(total, 31);
}

/// The single integer a query returns.
async fn number(db: &DatabaseConnection, sql: &str) -> i64 {
    let stmt = Statement::from_string(db.get_database_backend(), sql.to_owned());
    let row = db.query_one_raw(stmt).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// What start-up seeds: the article's 2024, then the 96 units of today, up to today.
#[tokio::test]
async fn the_demo_goes_on_to_the_96_units_of_today() {
    let app = TestApp::spawn_with(Default::default(), false).await;
    let report = coso::seed::seed_demo(&app.db).await.unwrap();
    assert!(!report.skipped && report.officers > 3000, "{report:?}");
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .date_naive();
    for (table, column) in [
        ("officer", "posted_from"),
        ("officer", "posted_to"),
        ("party_membership", "started_on"),
        ("headquarters", "in_use_on"),
        ("union_activity", "started_on"),
        ("dialogue_question", "answered_on"),
        ("award", "awarded_on"),
    ] {
        let late = format!("SELECT COUNT(*) FROM {table} WHERE {column} > '{today}'");
        assert_eq!(number(&app.db, &late).await, 0, "{table}.{column}");
    }
    let units = "FROM unit_period p WHERE p.province_code = '51' AND p.valid_from = '2025-07-01'";
    assert_eq!(
        number(&app.db, &format!("SELECT COUNT(*) {units}")).await,
        96
    );
    let with_chief = format!(
        "SELECT COUNT(*) {units} AND EXISTS (SELECT 1 FROM officer o WHERE o.unit_code = p.code \
         AND o.position = 'chief' AND o.posted_from <= '{today}' \
         AND (o.posted_to IS NULL OR o.posted_to > '{today}'))"
    );
    assert_eq!(number(&app.db, &with_chief).await, 96);
    let covered = format!(
        "SELECT COUNT(*) {units} AND EXISTS (SELECT 1 FROM headquarters h WHERE h.unit_code = p.code \
         AND h.model = 'new' AND h.in_use_on <= '{today}' \
         AND (h.closed_on IS NULL OR h.closed_on > '{today}'))"
    );
    assert!(number(&app.db, &covered).await >= 87);
    // Every month since July 2025 has activities, the last two months included.
    let recent = today - chrono::TimeDelta::days(61);
    let lately = format!("SELECT COUNT(*) FROM union_activity WHERE started_on > '{recent}'");
    assert!(number(&app.db, &lately).await >= 4);
}
