//! Cursors: crafted or foreign cursors answer `INVALID_CURSOR` (never a panic or a
//! wrap), and paging is stable under writes: for every list and every order, a walk
//! with writes between pages sees every row that existed throughout exactly once.

mod walk;
mod writes;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::helpers::{CITY, TestApp, first_code};
use crate::process::ServerProcess;
use walk::{List, check_every_order, directions, sorts};

/// Every list with a connection: field, node id, argument and type of its order.
const LISTS: [(&str, &str, &str); 10] = [
    ("units", "code", "orderBy: { field: NAME }"),
    ("districts", "code", "orderBy: { field: NAME }"),
    ("officers", "dbId", "orderBy: { field: UNIT }"),
    ("partyMemberships", "dbId", "direction: DESC"),
    ("headquarters", "dbId", "orderBy: { field: BUDGET }"),
    ("directives", "dbId", "orderBy: { field: NUMBER }"),
    ("unionActivities", "dbId", "direction: DESC"),
    ("dialogueQuestions", "dbId", "direction: DESC"),
    ("awards", "dbId", "direction: DESC"),
    ("auditLog", "dbId", ""),
];

/// The demo data, without the per-token rate limit (a walk sends hundreds of requests).
async fn spawn() -> TestApp {
    let limits = coso::config::Limits {
        rate_limit_per_min: 0,
        ..Default::default()
    };
    TestApp::spawn_with(limits, true).await
}

fn page_doc(field: &str, id: &str, args: &str, after: &str) -> String {
    let args = if args.is_empty() {
        String::new()
    } else {
        format!(", {args}")
    };
    format!(
        r#"{{ {field}(first: 2, after: {after}{args}) {{ edges {{ cursor node {{ {id} }} }} pageInfo {{ endCursor }} }} }}"#
    )
}

fn tamper(cursor: &str, edit: impl Fn(&mut Value)) -> String {
    let mut v: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(cursor).unwrap()).unwrap();
    edit(&mut v);
    URL_SAFE_NO_PAD.encode(v.to_string())
}

async fn expect_invalid(
    server: &ServerProcess,
    token: &str,
    (field, id, args): (&str, &str, &str),
    cursors: &[String],
) {
    for cursor in cursors {
        let doc = page_doc(field, id, args, &json!(cursor).to_string());
        let (status, body) = server.graphql(token, &doc).await;
        assert_eq!(status, 200, "{field} after {cursor:.60}");
        assert_eq!(
            first_code(&body),
            "INVALID_CURSOR",
            "{field} after {cursor:.60}: {body}"
        );
    }
}

#[tokio::test]
async fn crafted_and_foreign_cursors_answer_invalid_cursor_and_the_server_keeps_serving() {
    let mut server = ServerProcess::start(&[("COSO_RATE_LIMIT_PER_MIN", "0")]).await;
    let admin = server.token("admin", None);
    let q = |f, i, a, after: &str| page_doc(f, i, a, &json!(after).to_string());
    let (_, units) = server
        .graphql(&admin, &page_doc("units", "code", "", "null"))
        .await;
    let unit_cursor = units["data"]["units"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    for (field, id, args) in LISTS {
        let (status, ok) = server
            .graphql(&admin, &page_doc(field, id, args, "null"))
            .await;
        assert_eq!(status, 200, "{field}: {ok}");
        let own = ok["data"][field]["pageInfo"]["endCursor"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut crafted = vec![
            STANDARD.encode("9223372036854775807"),
            STANDARD.encode("18446744073709551615"),
            STANDARD.encode("-1"),
            "garbage!!".to_owned(),
            String::new(),
            "A".repeat(100_000),
        ];
        if field != "units" {
            crafted.push(unit_cursor.clone());
        }
        if !args.is_empty() {
            let (_, other) = server
                .graphql(&admin, &page_doc(field, id, "", "null"))
                .await;
            let foreign = other["data"][field]["pageInfo"]["endCursor"]
                .as_str()
                .unwrap();
            crafted.push(foreign.to_owned());
        }
        expect_invalid(&server, &admin, (field, id, args), &crafted).await;
        let tampered = [
            tamper(&own, |v| v["key"][0] = json!({ "x": 1 })),
            tamper(&own, |v| v["key"] = json!([])),
            tamper(&own, |v| v["v"] = json!(2)),
            tamper(&own, |v| v["order"] = json!("Id:Asc; DROP TABLE unit")),
            tamper(&own, |v| v["key"].as_array_mut().unwrap().push(json!(1))),
        ];
        expect_invalid(&server, &admin, (field, id, args), &tampered).await;
        let (status, next) = server.graphql(&admin, &q(field, id, args, &own)).await;
        assert_eq!(status, 200);
        assert!(
            next.get("errors").is_none(),
            "{field}: its own cursor works: {next}"
        );
    }
    assert!(
        server.alive() && server.healthy().await,
        "the server keeps serving"
    );
}

#[tokio::test]
async fn numbers_out_of_range_in_a_cursor_key_are_refused() {
    let app = spawn().await;
    let doc = |after: &str| page_doc("officers", "dbId", "", &json!(after).to_string());
    let body = app
        .data(
            &app.viewer,
            &page_doc("officers", "dbId", "", "null"),
            json!({}),
        )
        .await;
    let own = body["officers"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    for big in [
        json!(2_147_483_648_i64),
        json!(9_223_372_036_854_775_807_i64),
        json!(18_446_744_073_709_551_615_u64),
        json!(1.5),
        json!("1"),
    ] {
        let cursor = tamper(&own, |v| v["key"][0] = big.clone());
        let body = app.gql(&app.viewer, &doc(&cursor), json!({})).await;
        assert_eq!(first_code(&body), "INVALID_CURSOR", "key {big}: {body}");
    }
}

async fn initial_ids(app: &TestApp, list: &List, order: &Value) -> Vec<String> {
    list.all(app, order).await
}

#[tokio::test]
async fn officers_page_without_duplicates_or_skips_while_officers_are_posted_and_leave() {
    let app = spawn().await;
    let units = writes::edge_units(&app).await;
    let list = List {
        field: "officers",
        id: "dbId",
        order: Some(("orderBy", "OfficerSort")),
        filter: format!("{{ activeOn: \"{}\" }}", writes::today()),
    };
    let orders = sorts(&["ID", "UNIT", "RANK", "POSTED_FROM"]);
    let initial = initial_ids(&app, &list, &orders[0]).await;
    check_every_order(&app, &list, &orders, async |_, page: &[String]| {
        writes::officers(&app, &units, page, &initial).await
    })
    .await;
}

#[tokio::test]
async fn party_memberships_page_stably_while_seats_are_taken_and_ended() {
    let app = spawn().await;
    let units = writes::edge_units(&app).await;
    let list = List {
        field: "partyMemberships",
        id: "dbId",
        order: Some(("direction", "SortDirection!")),
        filter: format!("{{ activeOn: \"{}\" }}", writes::today()),
    };
    let initial = initial_ids(&app, &list, &json!("ASC")).await;
    check_every_order(&app, &list, &directions(), async |_, page: &[String]| {
        writes::memberships(&app, &units.0, page, &initial).await
    })
    .await;
}

#[tokio::test]
async fn headquarters_page_stably_with_null_sort_keys_while_buildings_are_added() {
    let app = spawn().await;
    let units = writes::edge_units(&app).await;
    let list = List {
        field: "headquarters",
        id: "dbId",
        order: Some(("orderBy", "HeadquartersSort")),
        filter: String::new(),
    };
    let orders = sorts(&["ID", "UNIT", "TARGET_DATE", "IN_USE_ON", "BUDGET"]);
    check_every_order(&app, &list, &orders, async |_, _: &[String]| {
        writes::headquarters(&app, &units).await
    })
    .await;
}

#[tokio::test]
async fn directives_page_stably_while_documents_are_added_and_deleted() {
    let app = spawn().await;
    let list = List {
        field: "directives",
        id: "dbId",
        order: Some(("orderBy", "DirectiveSort")),
        filter: String::new(),
    };
    let orders = sorts(&["ISSUED_ON", "ID", "NUMBER"]);
    let initial = initial_ids(&app, &list, &orders[0]).await;
    check_every_order(&app, &list, &orders, async |step, page: &[String]| {
        writes::directives(&app, step, page, &initial).await
    })
    .await;
}

#[tokio::test]
async fn union_activities_page_stably_while_activities_are_added_and_deleted() {
    let app = spawn().await;
    let units = writes::edge_units(&app).await;
    let list = List {
        field: "unionActivities",
        id: "dbId",
        order: Some(("direction", "SortDirection!")),
        filter: String::new(),
    };
    let initial = initial_ids(&app, &list, &json!("ASC")).await;
    check_every_order(&app, &list, &directions(), async |_, page: &[String]| {
        writes::activities(&app, &units, page, &initial).await
    })
    .await;
}

#[tokio::test]
async fn dialogue_questions_page_stably_while_questions_are_added_and_deleted() {
    let app = spawn().await;
    let q = "{ dialogueQuestions(first: 1) { edges { node { session { dbId } } } } }";
    let data = app.data(&app.admin, q, json!({})).await;
    let session = &data["dialogueQuestions"]["edges"][0]["node"]["session"]["dbId"];
    let session = session
        .as_i64()
        .or_else(|| session.as_str()?.parse().ok())
        .unwrap();
    let list = List {
        field: "dialogueQuestions",
        id: "dbId",
        order: Some(("direction", "SortDirection!")),
        filter: String::new(),
    };
    let initial = initial_ids(&app, &list, &json!("ASC")).await;
    check_every_order(&app, &list, &directions(), async |_, page: &[String]| {
        writes::questions(&app, session, page, &initial).await
    })
    .await;
}

#[tokio::test]
async fn awards_page_stably_while_awards_are_added_and_deleted() {
    let app = spawn().await;
    let units = writes::edge_units(&app).await;
    let list = List {
        field: "awards",
        id: "dbId",
        order: Some(("direction", "SortDirection!")),
        filter: String::new(),
    };
    let initial = initial_ids(&app, &list, &json!("ASC")).await;
    check_every_order(&app, &list, &directions(), async |_, page: &[String]| {
        writes::awards(&app, &units, page, &initial).await
    })
    .await;
}

#[tokio::test]
async fn units_and_districts_page_stably_while_reference_rows_change() {
    let app = spawn().await;
    let units = List {
        field: "units",
        id: "code",
        order: Some(("orderBy", "UnitSort")),
        filter: String::new(),
    };
    let mut n = 0;
    let orders = sorts(&["CODE", "NAME", "KIND", "DISTRICT"]);
    check_every_order(&app, &units, &orders, async |_, _: &[String]| {
        n += 1;
        writes::units(&app, n).await
    })
    .await;
    let districts = List {
        field: "districts",
        id: "code",
        order: Some(("orderBy", "DistrictSort")),
        filter: String::new(),
    };
    let mut n = 0;
    check_every_order(
        &app,
        &districts,
        &sorts(&["CODE", "NAME"]),
        async |_, _: &[String]| {
            n += 1;
            writes::districts(&app, n).await
        },
    )
    .await;
}

#[tokio::test]
async fn the_audit_log_pages_stably_while_new_rows_arrive_before_the_position() {
    let app = spawn().await;
    for step in 0..12 {
        writes::directives(&app, step, &[], &[]).await;
    }
    let list = List {
        field: "auditLog",
        id: "dbId",
        order: None,
        filter: String::new(),
    };
    check_every_order(&app, &list, &[Value::Null], async |step, _: &[String]| {
        writes::directives(&app, 100 + step, &[], &[]).await
    })
    .await;
}

#[tokio::test]
async fn a_district_token_pages_through_its_district_only() {
    let app = spawn().await;
    let doc = r#"query($after: String, $d: SortDirection!) {
      officers(first: 7, after: $after, orderBy: { field: UNIT, direction: $d }) {
        totalCount edges { node { dbId unit { code district { code } } } }
        pageInfo { hasNextPage endCursor }
      }
    }"#;
    for d in ["ASC", "DESC"] {
        let (mut seen, mut after) = (0, Value::Null);
        loop {
            let vars = json!({ "after": after, "d": d });
            let data = app.data(&app.city_viewer, doc, vars).await;
            let conn = &data["officers"];
            for e in conn["edges"].as_array().unwrap() {
                assert_eq!(e["node"]["unit"]["district"]["code"], CITY, "{e}");
                seen += 1;
            }
            if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                assert_eq!(conn["totalCount"], json!(seen));
                break;
            }
            after = conn["pageInfo"]["endCursor"].clone();
        }
        assert!(seen > 14, "{seen} officers in the city");
    }
}
