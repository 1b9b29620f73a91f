//! Global object identification (the Relay server spec): every entity's global `id`
//! fetches it back through `node` and `nodes`, with the access rule of its list; bad ids
//! and too many ids are refused with their codes; arguments take global ids.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code};
use crate::reports::{RUN, demo_schedules};

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id } }";

/// One id of every type with a global id, from the lists an admin reads: (type, id).
async fn one_of_each(app: &TestApp) -> Vec<(String, String)> {
    let (province, _) = demo_schedules(app).await;
    let run = app.data(&app.admin, RUN, json!({ "id": province })).await;
    assert_eq!(run["runReportNow"]["status"], "sent", "{run}");
    import_record(app, None).await;
    let doc = r#"{
      units(first: 1) { edges { node { __typename id } } }
      districts(first: 1) { edges { node { __typename id } } }
      areas { __typename id }
      officers(first: 1) { edges { node { __typename id } } }
      partyMemberships(first: 1) { edges { node { __typename id } } }
      headquarters(first: 1) { edges { node { __typename id } } }
      directives(first: 1) { edges { node { __typename id } } }
      unionActivities(first: 1) { edges { node { __typename id } } }
      dialogueQuestions(first: 1) { edges { node { __typename id session { __typename id } } } }
      awards(first: 1) { edges { node { __typename id } } }
      apiTokens { __typename id }
      reportSchedules { __typename id recipients { __typename id } }
      reportRuns(first: 1) { __typename id
        deliveries { __typename id } archives { __typename id files { __typename id } } }
      imports(limit: 1) { __typename id }
      auditLog(first: 1) { edges { node { __typename id } } }
    }"#;
    let data = app.data(&app.admin, doc, json!({})).await;
    let mut out = Vec::new();
    collect(&data, &mut out);
    out
}

/// Every `{ __typename, id }` object in an answer.
fn collect(v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            if let (Some(Value::String(t)), Some(Value::String(id))) =
                (map.get("__typename"), map.get("id"))
            {
                out.push((t.clone(), id.clone()));
            }
            map.values().for_each(|x| collect(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}

/// Records a spreadsheet import (province-wide, or of an area).
async fn import_record(app: &TestApp, area: Option<&str>) -> i32 {
    let row = entity::import_record::ActiveModel {
        at: Set(chrono::Utc::now()),
        token_id: Set(None),
        token_name: Set("cli".into()),
        area_code: Set(area.map(str::to_owned)),
        kind: Set("officers".into()),
        file_name: Set("officers.xlsx".into()),
        sha256: Set("0".repeat(64)),
        size_bytes: Set(1),
        dry_run: Set(true),
        complete: Set(false),
        rows: Set(0),
        created: Set(0),
        updated: Set(0),
        unchanged: Set(0),
        ended: Set(0),
        error_count: Set(0),
        outcome: Set("dry_run".into()),
        file: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("import record");
    row.id
}

fn encoded(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

#[tokio::test]
async fn every_entity_id_fetches_it_back_through_node_and_nodes() {
    let app = TestApp::spawn_on_report_day().await;
    let ids = one_of_each(&app).await;
    let types: std::collections::BTreeSet<&str> = ids.iter().map(|(t, _)| t.as_str()).collect();
    let expected = [
        "Unit",
        "District",
        "Area",
        "Officer",
        "PartyMembership",
        "Headquarters",
        "Directive",
        "UnionActivity",
        "DialogueSession",
        "DialogueQuestion",
        "Award",
        "ApiToken",
        "ReportSchedule",
        "ReportRecipient",
        "ReportRun",
        "ReportDelivery",
        "ReportArchive",
        "ArchivedFile",
        "ImportRecord",
        "AuditEntry",
    ];
    assert_eq!(
        types,
        expected.into_iter().collect(),
        "one id of every type"
    );
    for (kind, id) in &ids {
        let node = app.data(&app.admin, NODE, json!({ "id": id })).await["node"].clone();
        assert_eq!(node["__typename"], kind.as_str(), "{id}");
        assert_eq!(node["id"], id.as_str(), "{kind}: the same id back");
    }
    // `nodes`: the same, in the order asked, an unknown record as null in its place.
    let mut asked: Vec<String> = ids.iter().map(|(_, id)| id.clone()).collect();
    asked.insert(3, encoded("Officer:999999"));
    let nodes = app
        .data(
            &app.admin,
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({ "ids": asked }),
        )
        .await["nodes"]
        .clone();
    let nodes = nodes.as_array().expect("a list");
    assert_eq!(nodes.len(), asked.len());
    for (i, id) in asked.iter().enumerate() {
        if i == 3 {
            assert!(nodes[i].is_null(), "no such officer: null");
        } else {
            assert_eq!(nodes[i]["id"], id.as_str());
        }
    }
    // The fields of the type come with it, as from its list.
    let officer = ids.iter().find(|(t, _)| t == "Officer").expect("officer");
    let q = "query($id: ID!) { node(id: $id) { ... on Officer { dbId fullName unit { code } } } }";
    let via_node = app.data(&app.analyst, q, json!({ "id": officer.1 })).await["node"].clone();
    let listed = app
        .data(
            &app.analyst,
            "{ officers(first: 1) { edges { node { dbId fullName unit { code } } } } }",
            json!({}),
        )
        .await["officers"]["edges"][0]["node"]
        .clone();
    assert_eq!(via_node, listed);
}

#[tokio::test]
async fn node_answers_only_what_the_list_would() {
    let app = TestApp::spawn_on_report_day().await;
    let outside = r#"{ units(first: 1, filter: { districtCode: "524" }) { edges { node { id code
        officers { id } } } } }"#;
    let unit = app.data(&app.admin, outside, json!({})).await["units"]["edges"][0]["node"].clone();
    let inside = r#"{ units(first: 1, filter: { districtCode: "522" }) { edges { node { id
        officers { id } } } } }"#;
    let mine = app.data(&app.admin, inside, json!({})).await["units"]["edges"][0]["node"].clone();
    let pairs = [
        (&unit["id"], &mine["id"]),
        (&unit["officers"][0]["id"], &mine["officers"][0]["id"]),
    ];
    for (theirs, ours) in pairs {
        let body = app
            .gql(&app.city_viewer, NODE, json!({ "id": theirs }))
            .await;
        assert!(
            body.get("errors").is_none(),
            "no error, nothing said: {body}"
        );
        assert!(
            body["data"]["node"].is_null(),
            "another area's record: {body}"
        );
        let body = app.gql(&app.city_viewer, NODE, json!({ "id": ours })).await;
        assert_eq!(body["data"]["node"]["id"], *ours, "its own area's: {body}");
    }
    // A viewer's personal-data guard holds on a node as on the list.
    let q = "query($id: ID!) { node(id: $id) { ... on Officer { fullName } } }";
    let body = app
        .gql(&app.viewer, q, json!({ "id": mine["officers"][0]["id"] }))
        .await;
    assert_eq!(first_code(&body), "FORBIDDEN", "{body}");

    // Tokens, schedules, runs and the audit log: province admins only; an area import
    // record: its area's admin, not another's; nothing for viewers.
    let admin_only = app
        .data(
            &app.admin,
            "{ apiTokens { id } reportSchedules { id } auditLog(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let mut secret = Vec::new();
    collect_ids(&admin_only, &mut secret);
    assert!(secret.len() >= 2, "{admin_only}");
    for token in [&app.viewer, &app.analyst, &app.city_admin, &app.city_viewer] {
        for id in &secret {
            let body = app.gql(token, NODE, json!({ "id": id })).await;
            assert_eq!(first_code(&body), "FORBIDDEN", "{body}");
            assert!(body["data"]["node"].is_null());
        }
    }
    let province_import = encoded(&format!("ImportRecord:{}", import_record(&app, None).await));
    let city_import = encoded(&format!(
        "ImportRecord:{}",
        import_record(&app, Some("522")).await
    ));
    let body = app
        .gql(&app.city_admin, NODE, json!({ "id": province_import }))
        .await;
    assert!(
        body["data"]["node"].is_null() && body.get("errors").is_none(),
        "{body}"
    );
    let body = app
        .gql(&app.city_admin, NODE, json!({ "id": city_import }))
        .await;
    assert_eq!(body["data"]["node"]["__typename"], "ImportRecord", "{body}");
    let body = app
        .gql(&app.viewer, NODE, json!({ "id": city_import }))
        .await;
    assert_eq!(first_code(&body), "FORBIDDEN", "{body}");
}

fn collect_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("id") {
                out.push(id.clone());
            }
            map.values().for_each(|x| collect_ids(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| collect_ids(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn bad_ids_and_too_many_are_refused_with_their_codes() {
    let app = TestApp::spawn().await;
    let bad = [
        "not base64!".to_owned(),
        "42".to_owned(),
        encoded("Nothing:1"),
        encoded("Officer"),
        encoded("Officer:abc"),
        encoded("Officer:-1"),
        encoded("Unit:21010"),
        encoded("Unit:21010:2024-13-01"),
        "A".repeat(300),
    ];
    for id in &bad {
        let body = app.gql(&app.admin, NODE, json!({ "id": id })).await;
        assert_eq!(first_code(&body), "INVALID_ID", "{id}: {body}");
        assert!(!body.to_string().to_lowercase().contains("sql"), "{body}");
    }
    // Arguments: a global id of the type, or its record id; another type's id is refused.
    let data = app
        .data(
            &app.admin,
            "{ awards(first: 1) { edges { node { id dbId } } } officers(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let award = &data["awards"]["edges"][0]["node"];
    let officer = &data["officers"]["edges"][0]["node"]["id"];
    let delete = "mutation($id: ID!) { deleteAward(id: $id) { id dbId } }";
    let body = app.gql(&app.admin, delete, json!({ "id": officer })).await;
    assert_eq!(first_code(&body), "INVALID_ID", "{body}");
    let gone = app
        .data(&app.admin, delete, json!({ "id": award["id"] }))
        .await;
    assert_eq!(gone["deleteAward"]["dbId"], award["dbId"]);
    let body = app
        .gql(&app.admin, delete, json!({ "id": award["dbId"] }))
        .await;
    assert_eq!(
        first_code(&body),
        "NOT_FOUND",
        "the record id is still taken: {body}"
    );

    // `nodes`: at most 100 ids; its cost grows with the ids and what each asks.
    let ids: Vec<&Value> = std::iter::repeat_n(officer, 101).collect();
    let q = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
    let body = app.gql(&app.admin, q, json!({ "ids": ids })).await;
    assert_eq!(first_code(&body), "TOO_MANY_IDS", "{body}");
    let body = app.gql(&app.admin, q, json!({ "ids": &ids[..100] })).await;
    assert!(body.get("errors").is_none(), "100 pass: {body}");
    let heavy = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Unit { officers { partyMemberships { id unit { officers { id } } } } } } }";
    let body = app
        .gql(&app.admin, heavy, json!({ "ids": &ids[..100] }))
        .await;
    assert_eq!(first_code(&body), "QUERY_TOO_COMPLEX", "{body}");
    let body = app
        .gql(&app.admin, heavy, json!({ "ids": &ids[..1] }))
        .await;
    assert!(body.get("errors").is_none(), "one passes: {body}");
}
