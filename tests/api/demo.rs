//! The demo data, read through the API, reproduces every figure of the source report.

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
