//! Limits: depth, complexity (lists cost by page size), page size, batch length and
//! body size, each refused with a clear error and a stable code.

use coso::config::Limits;
use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code};

fn small() -> Limits {
    Limits {
        max_depth: 6,
        max_complexity: 2_000,
        max_batch: 3,
        max_body_bytes: 4_096,
        max_page_size: 100,
        batch_window_ms: 2,
        ..Default::default()
    }
}

#[tokio::test]
async fn over_limit_queries_get_clear_coded_errors() {
    let app = TestApp::spawn_with(small(), false).await;
    let deep = "{ units(first: 1) { edges { node { officers { unit { officers { unit { code } } } } } } } }";
    assert_eq!(
        first_code(&app.gql(&app.admin, deep, json!({})).await),
        "QUERY_TOO_DEEP"
    );
    let wide = "{ units(first: 100) { edges { node { code name officers { id rank } } } } }";
    assert_eq!(
        first_code(&app.gql(&app.admin, wide, json!({})).await),
        "QUERY_TOO_COMPLEX"
    );
    let cheap = "{ units(first: 10) { edges { node { code name } } } }";
    app.data(&app.admin, cheap, json!({})).await;
    let body = app
        .gql(
            &app.admin,
            "{ districts(first: 101) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(first_code(&body), "INVALID_INPUT");
    let body = app
        .gql(
            &app.admin,
            "{ districts(first: -1) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(first_code(&body), "INVALID_INPUT");
}

#[tokio::test]
async fn batches_and_bodies_over_the_limit_are_refused() {
    let app = TestApp::spawn_with(small(), false).await;
    let op = json!({ "query": "{ me { role } }" });
    let ok = app.post(Some(&app.admin), &json!([op, op, op])).await;
    assert_eq!(ok.status(), 200);
    let answers: Value = ok.json().await.expect("json");
    assert_eq!(answers.as_array().map(Vec::len), Some(3));
    let resp = app.post(Some(&app.admin), &json!([op, op, op, op])).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        first_code(&resp.json().await.expect("json")),
        "BATCH_TOO_LARGE"
    );
    let huge = json!({ "query": format!("{{ me {{ role }} }} #{}", "x".repeat(10_000)) });
    let resp = app.post(Some(&app.admin), &huge).await;
    assert_eq!(resp.status(), 413);
    assert_eq!(
        first_code(&resp.json().await.expect("json")),
        "BODY_TOO_LARGE"
    );
}
