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
    let wide = "{ units(first: 100) { edges { node { code name officers { dbId rank } } } } }";
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
async fn a_document_sent_again_is_priced_by_its_new_variables() {
    // A document that passed is kept with its price by the values of the variables it
    // declares: the same text with another page size is priced again, and a variable it
    // does not declare changes nothing.
    let app = TestApp::spawn_with(small(), true).await;
    let page = "query Page($n: Int!) { units(first: $n) { edges { node { code name officers { dbId rank } } } } }";
    let edges = |body: &Value| body["data"]["units"]["edges"].as_array().map(Vec::len);
    for round in 0..2 {
        let one = app.gql(&app.admin, page, json!({ "n": 1 })).await;
        assert_eq!(edges(&one), Some(1), "round {round}: {one}");
        let many = app.gql(&app.admin, page, json!({ "n": 100 })).await;
        assert_eq!(
            first_code(&many),
            "QUERY_TOO_COMPLEX",
            "round {round}: {many}"
        );
        assert!(many["data"].is_null(), "nothing ran: {many}");
        let other = app
            .gql(&app.admin, page, json!({ "n": 2, "x": round }))
            .await;
        assert_eq!(edges(&other), Some(2), "round {round}: {other}");
    }
    // In one batch too: the second operation is the first's text with a larger page.
    let op = |n: u64| json!({ "query": page, "variables": { "n": n } });
    let resp = app.post(Some(&app.admin), &json!([op(1), op(100)])).await;
    let answers: Value = resp.json().await.expect("json");
    assert_eq!(edges(&answers[0]), Some(1), "{answers}");
    assert_eq!(first_code(&answers[1]), "QUERY_TOO_COMPLEX", "{answers}");
    // A refusal is not kept: the deep document is refused each time.
    let deep = "query Deep($n: Int!) { units(first: $n) { edges { node { officers { unit { officers { unit { code } } } } } } } }";
    for _ in 0..2 {
        let body = app.gql(&app.admin, deep, json!({ "n": 1 })).await;
        assert_eq!(first_code(&body), "QUERY_TOO_DEEP", "{body}");
    }
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

#[tokio::test]
async fn the_operations_of_a_batch_share_one_cost_budget() {
    let app = TestApp::spawn_with(small(), true).await;
    // Two pages of 100 units cost over a third of the limit of 2,000: one such operation
    // passes alone, three in one request cannot all be served.
    let units = |alias: &str| {
        format!("{alias}: units(first: 100) {{ edges {{ node {{ code name kind }} }} }}")
    };
    let op = json!({ "query": format!("{{ {} {} }}", units("a"), units("b")) });
    let alone: Value = app
        .post(Some(&app.admin), &op)
        .await
        .json()
        .await
        .expect("json");
    assert!(alone["errors"].is_null(), "{alone}");
    let resp = app.post(Some(&app.admin), &json!([op, op, op])).await;
    assert_eq!(resp.status(), 200);
    let answers: Value = resp.json().await.expect("json");
    let answers = answers.as_array().expect("a batch answer");
    let served = answers.iter().filter(|a| a["errors"].is_null()).count();
    assert_eq!(
        answers[0]["data"]["b"]["edges"].as_array().map(Vec::len),
        Some(100)
    );
    assert!(
        served < 3,
        "three operations of over a third of the limit each were all served"
    );
    let last = &answers[2];
    assert_eq!(first_code(last), "QUERY_TOO_COMPLEX", "{last}");
    let message = last["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("share"), "{message}");
}

/// graphql-js's `getIntrospectionQuery()`, verbatim: what GraphiQL and codegen send.
pub const INTROSPECTION: &str = include_str!("fixtures/introspection.graphql");

/// 13 levels of single objects: deeper than the default limit of 12, cheap otherwise.
pub const DEEP: &str = "{ units(first: 1) { edges { node { chief { unit { chief { unit { chief { unit { chief { unit { chief { rank } } } } } } } } } } } } }";

#[tokio::test]
async fn introspection_passes_the_depth_limit_and_deep_data_queries_do_not() {
    let app = TestApp::spawn_with(small(), false).await;
    let body = app.gql(&app.viewer, INTROSPECTION, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    let schema = &body["data"]["__schema"];
    assert_eq!(schema["queryType"]["name"], "Query");
    let types = schema["types"].as_array().map_or(0, Vec::len);
    assert!(types > 50, "{types} types");
    let unit = schema["types"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["name"] == "Unit"))
        .expect("the Unit type");
    assert!(unit["fields"].as_array().is_some_and(|f| f.len() > 5));
    // Over the depth limit of 6: data queries stay refused.
    let deep = "{ units(first: 1) { edges { node { chief { unit { chief { rank } } } } } } }";
    assert_eq!(
        first_code(&app.gql(&app.viewer, deep, json!({})).await),
        "QUERY_TOO_DEEP"
    );
    // Introspection that would multiply its answer is refused too.
    let nested = r#"{ __type(name: "Unit") { fields { type { fields { type { name } } } } } }"#;
    let body = app.gql(&app.viewer, nested, json!({})).await;
    assert_eq!(first_code(&body), "QUERY_TOO_DEEP");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`fields` inside `fields`")
    );
    let chain = format!(
        "{{ __type(name: \"Unit\") {{ {} name {} }} }}",
        "ofType {".repeat(24),
        "}".repeat(24)
    );
    assert_eq!(
        first_code(&app.gql(&app.viewer, &chain, json!({})).await),
        "QUERY_TOO_DEEP"
    );
}

const VALUE: &str =
    "{ code name display value numerator denominator status group { kind code name } }";

pub fn aliases(n: usize) -> String {
    let one = |i| format!("a{i}: indicators(groupBy: [PROVINCE, DISTRICT, KIND, UNIT]) {VALUE}");
    format!("{{ {} }}", (0..n).map(one).collect::<Vec<_>>().join(" "))
}

/// The dashboard of the README's Indicators section.
const README_DASHBOARD: &str = r#"{
  indicators(asOf: "2024-12-31", groupBy: [PROVINCE, DISTRICT]) {
    code name display value numerator denominator status target group { kind code name } dataAsOf
  }
  hqTrajectory(asOf: "2024-12-31") { missing requiredPerMonth achievedPerMonth projectedDate onTrack }
  indicatorGaps(code: "party_standing_committee_rate", asOf: "2024-12-31", first: 10) {
    totalCount units { rank unitCode unitName districtName detail }
  }
  indicatorSeries(code: "hq_new_model_coverage", from: "2020-01-01", to: "2024-12-31", period: QUARTER) {
    asOf value
  }
}"#;

#[tokio::test]
async fn computing_fields_are_priced_by_the_values_they_yield() {
    let app = TestApp::spawn().await;
    let one = app.data(&app.viewer, &aliases(1), json!({})).await;
    let values = one["a0"].as_array().map_or(0, Vec::len);
    assert!(values > 1_500, "every unit, district and kind: {values}");
    let data = app.data(&app.viewer, README_DASHBOARD, json!({})).await;
    assert_eq!(data["indicatorSeries"].as_array().map(Vec::len), Some(20));
    for token in [&app.viewer, &app.analyst] {
        let body = app.gql(token, &aliases(50), json!({})).await;
        assert_eq!(first_code(&body), "QUERY_TOO_COMPLEX", "{body}");
        assert!(body["data"].is_null(), "nothing computed: {body}");
        let msg = body["errors"][0]["message"].as_str().unwrap();
        assert!(msg.contains("over the limit of 100000"), "{msg}");
    }
    // Priced by the caller's data: a district is a fraction of the province.
    let five = aliases(5);
    assert_eq!(
        first_code(&app.gql(&app.viewer, &five, json!({})).await),
        "QUERY_TOO_COMPLEX"
    );
    app.data(&app.city_viewer, &five, json!({})).await;
    // Through a fragment and variables too.
    let q = "query($g: [IndicatorGroupBy!]) { ...F } fragment F on Query { a: indicators(groupBy: $g) { code } b: indicators(groupBy: $g) { code } c: indicators(groupBy: $g) { code } d: indicators(groupBy: $g) { code } e: indicators(groupBy: $g) { code } f: indicators(groupBy: $g) { code } }";
    let body = app
        .gql(&app.viewer, q, json!({ "g": ["UNIT", "DISTRICT"] }))
        .await;
    assert!(body.get("errors").is_none(), "six cheap aliases: {body}");
    // ... and by the fields asked of each value.
    let wide = format!(
        "query($g: [IndicatorGroupBy!]) {{ {} }}",
        (0..6)
            .map(|i| format!("a{i}: indicators(groupBy: $g) {VALUE}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let body = app.gql(&app.viewer, &wide, json!({ "g": ["UNIT"] })).await;
    assert_eq!(first_code(&body), "QUERY_TOO_COMPLEX", "{body}");
}

#[tokio::test]
async fn a_series_over_too_many_periods_is_the_callers_error() {
    let app = TestApp::spawn().await;
    let q = r#"{ indicatorSeries(code: "staffing_ratio", from: "1900-01-01", to: "2024-12-31") { value } }"#;
    let body = app.gql(&app.viewer, q, json!({})).await;
    assert_eq!(first_code(&body), "INVALID_INPUT", "{body}");
    let msg = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("at most 600 periods") && msg.contains("1500"),
        "{msg}"
    );
}

#[tokio::test]
async fn an_answer_over_the_size_limit_is_refused_with_a_code() {
    let limits = Limits {
        max_response_bytes: 20_000,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, true).await;
    app.data(&app.viewer, "{ indicators { code value } }", json!({}))
        .await;
    let body = app
        .gql(
            &app.viewer,
            "{ indicators(groupBy: [UNIT]) { code value } }",
            json!({}),
        )
        .await;
    assert_eq!(first_code(&body), "RESPONSE_TOO_LARGE", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("20000 bytes")
    );
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive_and_an_empty_batch_is_refused() {
    let app = TestApp::spawn_with(Limits::default(), false).await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let resp = app
            .client
            .post(format!("{}/graphql", app.base))
            .header("Authorization", format!("{scheme} {}", app.viewer))
            .json(&json!({ "query": "{ me { role } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{scheme}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["data"]["me"]["role"], "VIEWER", "{scheme}");
    }
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("Authorization", format!("Basic {}", app.viewer))
        .json(&json!({ "query": "{ me { role } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let resp = app.post(Some(&app.viewer), &json!([])).await;
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(first_code(&body), "BAD_REQUEST");
    let msg = body["errors"][0]["message"].as_str().unwrap();
    assert!(msg.starts_with("the batch is empty"), "{msg}");
}

/// With one permit to execute (`COSO_GRAPHQL_CONCURRENCY=1`), operations take turns: a
/// crowd of concurrent nested queries each get the whole answer a lone one gets, none
/// lost and none left waiting (a permit never handed back would leave the second to its
/// query timeout, `TIMEOUT`).
#[tokio::test]
async fn operations_beyond_the_concurrency_limit_wait_their_turn() {
    let limits = Limits {
        graphql_concurrency: 1,
        ..Default::default()
    };
    assert_eq!(limits.graphql_permits(), 1);
    assert!(
        Limits::default().graphql_permits() >= 4,
        "four per core by default"
    );
    let app = TestApp::spawn_with(limits, true).await;
    let q = "{ units(first: 20) { edges { node { code district { name } chief { rank } headquarters { model status } } } } }";
    let alone = app.data(&app.admin, q, json!({})).await;
    assert_eq!(alone["units"]["edges"].as_array().map(Vec::len), Some(20));
    let crowd =
        futures_util::future::join_all((0..24).map(|_| app.data(&app.admin, q, json!({})))).await;
    for answer in crowd {
        assert_eq!(answer, alone);
    }
}
