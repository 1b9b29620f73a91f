//! The audit log: mutations (done and refused), analytics queries and exports, reads of
//! officers' personal data and token changes are recorded with their outcome and never
//! a secret; only province admins read the log, and nobody can change it.

use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code};

const LOG: &str = "query($f: AuditFilter) { auditLog(filter: $f, first: 50) { totalCount edges { node { dbId at requestId tokenId tokenName role kind operation arguments outcome } } } }";

/// The audit rows matching `filter`, newest first.
async fn rows(app: &TestApp, filter: Value) -> Vec<Value> {
    let data = app.data(&app.admin, LOG, json!({ "f": filter })).await;
    data["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

const DIRECTIVE: &str = "mutation($i: DirectiveInput!) { createDirective(input: $i) { dbId } }";

fn directive() -> Value {
    json!({ "i": { "number": "9-KH/CAT", "kind": "PLAN", "issuer": "POLICE_DEPARTMENT", "title": "Kế hoạch kiểm tra", "issuedOn": "2024-01-02" } })
}

#[tokio::test]
async fn mutations_are_recorded_with_their_outcome() {
    let app = TestApp::spawn().await;
    app.data(&app.admin, DIRECTIVE, directive()).await;
    let refused = app.gql(&app.viewer, DIRECTIVE, directive()).await;
    assert_eq!(first_code(&refused), "FORBIDDEN");
    let invalid = app
        .gql(
            &app.admin,
            r#"mutation { endOfficerPosting(id: 999999, postedTo: "2025-01-01") { dbId } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_code(&invalid), "NOT_FOUND");

    let done = rows(&app, json!({ "operation": "createDirective" })).await;
    assert_eq!(done.len(), 2, "{done:?}");
    let (viewer, admin) = (&done[0], &done[1]);
    assert_eq!(admin["outcome"], "ok");
    assert_eq!(admin["kind"], "mutation");
    assert_eq!(admin["role"], "admin");
    assert_eq!(admin["arguments"]["input"]["number"], "9-KH/CAT");
    assert_eq!(admin["requestId"].as_str().map(str::len), Some(32));
    assert_eq!(viewer["outcome"], "FORBIDDEN");
    assert_eq!(viewer["role"], "viewer");
    let ended = rows(&app, json!({ "operation": "endOfficerPosting" })).await;
    assert_eq!(ended[0]["outcome"], "NOT_FOUND");
    assert_eq!(ended[0]["arguments"]["id"], 999999);
}

#[tokio::test]
async fn token_changes_are_recorded_without_the_secret() {
    let app = TestApp::spawn().await;
    let made = app
        .data(&app.admin, r#"mutation { createApiToken(role: ANALYST, name: "audited") { token { dbId } secret } }"#, json!({}))
        .await;
    let secret = made["createApiToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = made["createApiToken"]["token"]["dbId"].clone();
    app.data(
        &app.admin,
        "mutation($id: ID!) { revokeApiToken(id: $id) { dbId } }",
        json!({ "id": id }),
    )
    .await;
    let tokens = rows(&app, json!({ "kind": "token" })).await;
    let ops: Vec<_> = tokens
        .iter()
        .map(|r| r["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["revokeApiToken", "createApiToken"]);
    assert_eq!(
        tokens[1]["arguments"],
        json!({ "role": "ANALYST", "name": "audited" })
    );
    assert!(tokens.iter().all(|r| r["outcome"] == "ok"));
    // Neither the secret nor its hash is anywhere in the log.
    let all = serde_json::to_string(&rows(&app, json!({})).await).unwrap();
    assert!(!all.contains(&secret));
    assert!(!all.contains(&coso::auth::hash_secret(&secret)));
}

#[tokio::test]
async fn analytics_queries_and_exports_are_recorded() {
    let app = TestApp::spawn().await;
    let sql = "SELECT kind, COUNT(*) AS n FROM units GROUP BY kind";
    let q = "query($sql: String!) { analyticsQuery(sql: $sql) { rowCount } }";
    app.data(&app.analyst, q, json!({ "sql": sql })).await;
    let refused = app
        .gql(&app.analyst, q, json!({ "sql": "DROP TABLE units" }))
        .await;
    assert_eq!(first_code(&refused), "SQL_NOT_ALLOWED");
    let csv = app
        .client
        .post(format!("{}/analytics.csv", app.base))
        .bearer_auth(&app.analyst)
        .json(&json!({ "sql": sql, "limit": 5 }))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);

    let queries = rows(&app, json!({ "kind": "analytics" })).await;
    assert_eq!(queries.len(), 2);
    assert_eq!(queries[0]["outcome"], "SQL_NOT_ALLOWED");
    assert_eq!(queries[1]["outcome"], "ok");
    assert_eq!(queries[1]["arguments"]["sql"], sql);
    assert_eq!(queries[1]["role"], "analyst");
    let exports = rows(&app, json!({ "kind": "export" })).await;
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0]["operation"], "analytics.csv");
    assert_eq!(exports[0]["arguments"], json!({ "sql": sql, "limit": 5 }));
}

#[tokio::test]
async fn reads_of_personal_data_are_recorded_once_per_field() {
    let app = TestApp::spawn().await;
    let q = r#"{ officers(first: 3, filter: { districtCode: "522" }) { edges { node { fullName birthYear rank } } } }"#;
    app.data(&app.analyst, q, json!({})).await;
    // Ranks only: not personal data, not recorded.
    app.data(
        &app.analyst,
        "{ officers(first: 3) { edges { node { rank } } } }",
        json!({}),
    )
    .await;
    // Nested under units, and refused for a viewer.
    let nested = "{ units(first: 2) { edges { node { officers { fullName } } } } }";
    app.data(&app.admin, nested, json!({})).await;
    assert_eq!(
        first_code(&app.gql(&app.viewer, nested, json!({})).await),
        "FORBIDDEN"
    );

    let reads = rows(&app, json!({ "kind": "personal_data" })).await;
    assert_eq!(reads.len(), 3, "{reads:?}");
    assert_eq!(reads[0]["operation"], "units");
    assert_eq!(reads[0]["outcome"], "FORBIDDEN");
    assert_eq!(reads[0]["role"], "viewer");
    assert_eq!(reads[1]["operation"], "units");
    assert_eq!(reads[1]["outcome"], "ok");
    assert_eq!(reads[2]["operation"], "officers");
    assert_eq!(reads[2]["arguments"]["filter"]["districtCode"], "522");
    assert_eq!(
        reads[2]["arguments"]["personalFields"],
        json!(["birthYear", "fullName"])
    );
}

#[tokio::test]
async fn only_province_admins_read_the_log_and_nobody_changes_it() {
    let app = TestApp::spawn().await;
    for token in [&app.viewer, &app.analyst, &app.city_admin] {
        let body = app.gql(token, LOG, json!({})).await;
        assert_eq!(first_code(&body), "FORBIDDEN");
    }
    let sdl = coso::graphql::sdl();
    let mutation = sdl
        .split("type Mutation")
        .nth(1)
        .unwrap()
        .split('}')
        .next()
        .unwrap();
    assert!(!mutation.to_lowercase().contains("audit"));
}
