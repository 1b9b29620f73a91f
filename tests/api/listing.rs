//! Lists: Relay pagination, stable sorting, filters (equality, `in`, ranges, search
//! without diacritics) and `totalCount` only when asked.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code};

const PAGE: &str = r#"query($after: String, $order: UnitSort) {
  units(first: 50, after: $after, orderBy: $order) {
    edges { cursor node { code name } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"#;

async fn all_pages(app: &TestApp, order: Value) -> Vec<String> {
    let (mut codes, mut after) = (Vec::new(), Value::Null);
    loop {
        let data = app
            .data(&app.viewer, PAGE, json!({ "after": after, "order": order }))
            .await;
        let page = &data["units"];
        for e in page["edges"].as_array().expect("edges") {
            codes.push(e["node"]["code"].as_str().expect("code").to_owned());
        }
        if !page["pageInfo"]["hasNextPage"]
            .as_bool()
            .expect("hasNextPage")
        {
            return codes;
        }
        assert_eq!(page["pageInfo"]["hasPreviousPage"], after != Value::Null);
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn cursor_pages_walk_every_unit_once_in_a_stable_order() {
    let app = TestApp::spawn().await;
    let codes = all_pages(&app, json!({ "field": "CODE", "direction": "ASC" })).await;
    assert_eq!(codes.len(), 173);
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    let by_kind = all_pages(&app, json!({ "field": "KIND", "direction": "DESC" })).await;
    assert_eq!(by_kind.len(), 173);
    assert_eq!(
        by_kind.iter().collect::<BTreeSet<_>>().len(),
        173,
        "no unit twice"
    );
    assert_eq!(
        by_kind,
        all_pages(&app, json!({ "field": "KIND", "direction": "DESC" })).await
    );
}

#[tokio::test]
async fn filters_combine_equality_in_ranges_and_search_without_diacritics() {
    let app = TestApp::spawn().await;
    let t = &app.analyst;
    let found = app
        .data(
            t,
            r#"{ units(filter: { search: "le hong phong" }) { edges { node { name } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        found["units"]["edges"][0]["node"]["name"],
        "Phường Lê Hồng Phong"
    );
    assert_eq!(
        app.count(t, "units", json!({ "search": "LÊ HỒNG" })).await,
        1
    );
    assert_eq!(
        app.count(t, "units", json!({ "search": "%" })).await,
        0,
        "LIKE wildcards are literal"
    );
    let city = app
        .count(t, "units", json!({ "districtCode": "522" }))
        .await;
    let both = app
        .count(t, "units", json!({ "districtCodeIn": ["522", "524"] }))
        .await;
    let other = app
        .count(t, "units", json!({ "districtCode": "524" }))
        .await;
    assert_eq!(both, city + other);
    assert_eq!(
        app.count(
            t,
            "units",
            json!({ "districtCode": "522", "kind": "PHUONG" })
        )
        .await,
        app.count(
            t,
            "units",
            json!({ "districtCode": "522", "kindIn": ["PHUONG"] })
        )
        .await
    );
    let chiefs = app
        .count(
            t,
            "officers",
            json!({ "position": "CHIEF", "rankMin": "THIEU_TA", "rankMax": "TRUNG_TA" }),
        )
        .await;
    assert_eq!(chiefs, 173);
    let early = app
        .count(
            t,
            "officers",
            json!({ "postedFrom": { "to": "2021-12-31" } }),
        )
        .await;
    let late = app
        .count(
            t,
            "officers",
            json!({ "postedFrom": { "from": "2022-01-01" } }),
        )
        .await;
    assert_eq!(early + late, app.count(t, "officers", json!({})).await);
    assert!(early > 0 && late > 0);
    let young = app
        .count(t, "officers", json!({ "birthYear": { "min": 1990 } }))
        .await;
    let old = app
        .count(t, "officers", json!({ "birthYear": { "max": 1989 } }))
        .await;
    assert_eq!(young + old, app.count(t, "officers", json!({})).await);
}

#[tokio::test]
async fn total_count_costs_a_statement_only_when_selected() {
    let app = TestApp::spawn().await;
    // The token is then verified from memory (for a second): the counts are the lists'.
    app.data(&app.viewer, "{ __typename }", json!({})).await;
    let before = app.statements.get();
    app.data(
        &app.viewer,
        "{ units(first: 5) { edges { node { code } } } }",
        json!({}),
    )
    .await;
    let without = app.statements.get() - before;
    app.data(&app.viewer, "{ __typename }", json!({})).await;
    let before = app.statements.get();
    app.data(
        &app.viewer,
        "{ units(first: 5) { totalCount edges { node { code } } } }",
        json!({}),
    )
    .await;
    let with = app.statements.get() - before;
    assert_eq!(with, without + 1, "one COUNT statement, only when asked");
}

#[tokio::test]
async fn a_forged_cursor_is_refused_with_a_code() {
    let app = TestApp::spawn().await;
    let body = app
        .gql(
            &app.viewer,
            r#"{ units(after: "not-a-cursor") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_code(&body), "INVALID_CURSOR");
}

#[tokio::test]
async fn a_page_statement_states_its_size_and_keeps_one_plan() {
    // `page::fetch` writes the page size (one more row, to know whether a page follows)
    // into the statement as a literal. Pages of several sizes are right; and on
    // PostgreSQL the connection's prepared statement of a size settles on one generic
    // plan instead of being planned again on each execution: with `LIMIT $n` the
    // generic plan is priced for a tenth of the table (362 of the demo's 3,621
    // officers), so `plan_cache_mode = auto` keeps planning every execution anew.
    use coso::auth::Scope;
    use coso::service::officers::query;
    use coso::service::page::{PageRequest, fetch};
    use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

    let app = TestApp::spawn().await;
    // One connection for the whole test: prepared statements belong to a connection.
    let txn = app.db.begin().await.expect("begin");
    let conn = &txn;
    let page = |limit| {
        let listing = query(&Scope::all(), Default::default(), Default::default());
        async move { fetch(conn, &listing, PageRequest { after: None, limit }).await }
    };
    let ids = |rows: &[entity::officer::Model]| -> Vec<i32> { rows.iter().map(|o| o.id).collect() };
    let ten = page(10).await.expect("ten officers");
    assert_eq!(ten.rows.len(), 10);
    assert!(ten.has_next);
    for size in [1, 2, 3] {
        let p = page(size).await.expect("page");
        assert_eq!(ids(&p.rows), ids(&ten.rows[..size as usize]), "size {size}");
        assert!(p.has_next, "size {size}");
    }
    if txn.get_database_backend() != DbBackend::Postgres {
        return;
    }
    for _ in 0..10 {
        page(3).await.expect("page");
    }
    let plans = txn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements \
             WHERE statement LIKE '%FROM \"officer\"%'",
        ))
        .await
        .expect("pg_prepared_statements");
    let mut found = Vec::new();
    for row in &plans {
        let sql: String = row.try_get("", "statement").expect("statement");
        let generic: i64 = row.try_get("", "generic_plans").expect("generic_plans");
        let custom: i64 = row.try_get("", "custom_plans").expect("custom_plans");
        found.push(format!("{generic} generic, {custom} custom: {sql}"));
    }
    let page3 = plans.iter().find(|row| {
        row.try_get::<String>("", "statement")
            .is_ok_and(|sql| sql.ends_with("LIMIT 4"))
    });
    let Some(page3) = page3 else {
        panic!("no prepared statement of the 3-row page: {found:#?}");
    };
    let generic: i64 = page3.try_get("", "generic_plans").expect("generic_plans");
    let custom: i64 = page3.try_get("", "custom_plans").expect("custom_plans");
    assert_eq!(
        generic + custom,
        11,
        "one statement for every 3-row page: {found:#?}"
    );
    assert!(generic >= 5, "planned again on each execution: {found:#?}");

    // The district list's territory rule (`EXISTS (SELECT 1 ...)`) binds nothing: without
    // a filter its statement has no parameter, so its first execution is its generic plan.
    let districts =
        coso::service::districts::query(&Scope::all(), Default::default(), Default::default());
    let request = PageRequest {
        after: None,
        limit: 3,
    };
    fetch(conn, &districts, request).await.expect("districts");
    let plan = txn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT cardinality(parameter_types) AS parameters, generic_plans, statement \
             FROM pg_prepared_statements WHERE statement LIKE '%FROM \"district\"%LIMIT 4'",
        ))
        .await
        .expect("pg_prepared_statements")
        .expect("the district page's prepared statement");
    let statement: String = plan.try_get("", "statement").expect("statement");
    let parameters: i32 = plan.try_get("", "parameters").expect("parameters");
    let generic: i64 = plan.try_get("", "generic_plans").expect("generic_plans");
    assert_eq!(parameters, 0, "{statement}");
    assert_eq!(generic, 1, "{statement}");
}
