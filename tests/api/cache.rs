//! Repeated viewer queries are answered from the response cache, but never past a
//! write: every write bumps the data version, and the next answer is computed afresh.

use serde_json::json;

use crate::helpers::TestApp;

const COUNT: &str = "{ directives { totalCount } }";
const CREATE: &str = "mutation { createDirective(input: { number: \"99/CT-CAT\", title: \"Chỉ thị thử\", issuedOn: \"2026-11-27\", kind: DIRECTIVE, issuer: PROVINCIAL_PEOPLES_COMMITTEE }) { dbId } }";

#[tokio::test]
async fn a_write_is_seen_by_the_next_viewer_query() {
    let app = TestApp::spawn().await;
    let count = async |token: &str| {
        app.data(token, COUNT, json!({})).await["directives"]["totalCount"].clone()
    };
    assert_eq!(count(&app.viewer).await, 16);
    let before = app.statements.get();
    assert_eq!(count(&app.viewer).await, 16);
    let cached_cost = app.statements.get() - before;
    assert!(
        cached_cost <= 2,
        "a repeated viewer query costs the token and version lookups only: {cached_cost}"
    );
    app.data(&app.admin, CREATE, json!({})).await;
    assert_eq!(count(&app.viewer).await, 17, "not a stale answer");
    assert_eq!(count(&app.city_viewer).await, count(&app.city_viewer).await);
    // A district viewer never gets the province-wide answer to the same document.
    let units = async |token: &str| {
        let q = "{ units { totalCount } }";
        app.data(token, q, json!({})).await["units"]["totalCount"].as_u64()
    };
    assert_eq!(units(&app.viewer).await, Some(173));
    let city = units(&app.city_viewer).await.expect("n");
    assert!(city < 173, "{city}");
}
