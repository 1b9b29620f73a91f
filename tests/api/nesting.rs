//! Nested fields go through DataLoaders: a page of 100 units with three levels of
//! nesting costs a constant number of SQL statements, whatever the page size.

use serde_json::json;

use crate::helpers::TestApp;

const NESTED: &str = r#"query($n: Int) {
  units(first: $n) { edges { node {
    code district { name }
    chief { rank unit { code district { code } } partyMemberships { body unit { code } } }
    officers { id position unit { district { name } } }
    headquarters { model status unit { code } }
    partyMemberships { body officer { rank unit { code } } }
    awards { form officer { rank } unit { code } }
  } } }
}"#;

async fn statements_for(app: &TestApp, n: i64) -> u64 {
    let before = app.statements.get();
    let data = app.data(&app.analyst, NESTED, json!({ "n": n })).await;
    assert_eq!(
        data["units"]["edges"].as_array().map(Vec::len),
        Some(n as usize)
    );
    app.statements.get() - before
}

#[tokio::test]
async fn a_page_of_100_nested_units_costs_a_constant_number_of_statements() {
    // A 10 ms window so that a slow debug build on a busy machine still gathers each
    // level's keys into one batch; production uses 2 ms.
    let limits = coso::config::Limits {
        batch_window_ms: 10,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, true).await;
    let small = statements_for(&app, 5).await;
    let large = statements_for(&app, 100).await;
    // At most one statement per nested field path that loads (16 in NESTED), plus the
    // token lookup and the page itself, whatever the page size; one per row would be
    // hundreds (100 units, ~660 officers).
    let bound = 18;
    assert!(
        small <= bound && large <= bound,
        "{small} statements for 5 units, {large} for 100"
    );
    let all = statements_for(&app, 173).await;
    eprintln!("statements: {small} for 5 units, {large} for 100, {all} for 173");
    assert!(all <= bound, "{all} statements for 173 units");
}
