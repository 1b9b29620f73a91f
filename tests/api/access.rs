//! Access control: tokens, roles (a viewer cannot read personal data) and district
//! scoping through every path (lists, single lookups, nested fields, counts, filters,
//! writes).

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{CITY, OTHER, TestApp, first_code};

#[tokio::test]
async fn missing_or_wrong_tokens_get_401_without_detail() {
    let app = TestApp::spawn_with(Default::default(), false).await;
    let body = json!({ "query": "{ me { name } }" });
    let mut answers = Vec::new();
    for token in [None, Some("coso_wrong"), Some("")] {
        let resp = app.post(token, &body).await;
        assert_eq!(resp.status(), 401);
        assert_eq!(resp.headers()["www-authenticate"], "Bearer");
        let answer: Value = resp.json().await.expect("a JSON body");
        assert_eq!(answer["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        answers.push(answer);
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "no detail: a missing and a wrong token get the same answer"
    );
    let health = app
        .client
        .get(format!("{}/health", app.base))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
    let page = app
        .client
        .get(format!("{}/graphql", app.base))
        .send()
        .await
        .expect("graphiql");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("graphiql"));
}

#[tokio::test]
async fn tokens_made_and_revoked_through_the_api_work_at_once() {
    let app = TestApp::spawn().await;
    let made = app
        .data(&app.admin, r#"mutation { createApiToken(role: VIEWER, districtCode: "522", name: "chief 522") { token { dbId role districtCode } secret } }"#, json!({}))
        .await;
    let secret = made["createApiToken"]["secret"].as_str().expect("secret");
    let me = app
        .data(secret, "{ me { name role districtCode } }", json!({}))
        .await;
    assert_eq!(
        me["me"],
        json!({ "name": "chief 522", "role": "VIEWER", "districtCode": "522" })
    );
    let listed = app
        .data(&app.admin, "{ apiTokens { dbId name } }", json!({}))
        .await;
    assert!(listed.to_string().contains("chief 522"));
    assert!(
        !listed.to_string().contains(secret),
        "secrets are never listed"
    );
    let id = made["createApiToken"]["token"]["dbId"].clone();
    app.data(
        &app.admin,
        "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        app.post(Some(secret), &json!({ "query": "{ me { name } }" }))
            .await
            .status(),
        401
    );
    for t in [&app.analyst, &app.viewer, &app.city_admin] {
        let body = app
            .gql(
                t,
                r#"mutation { createApiToken(role: ADMIN, name: "x") { secret } }"#,
                json!({}),
            )
            .await;
        assert_eq!(first_code(&body), "FORBIDDEN");
    }
}

#[tokio::test]
async fn a_viewer_reads_counts_but_not_personal_data() {
    let app = TestApp::spawn().await;
    let ok = app
        .data(
            &app.viewer,
            "{ officers(first: 3) { totalCount edges { node { rank position gender } } } }",
            json!({}),
        )
        .await;
    assert!(ok["officers"]["totalCount"].as_u64().expect("count") > 1000);
    for field in ["fullName", "birthYear"] {
        let q = format!("{{ officers(first: 3) {{ edges {{ node {{ dbId {field} }} }} }} }}");
        let body = app.gql(&app.viewer, &q, json!({})).await;
        assert_eq!(first_code(&body), "FORBIDDEN", "{field}: {body}");
        assert!(
            !body.to_string().contains("Nguyễn"),
            "no name leaks: {body}"
        );
        let nested =
            format!("{{ units(first: 2) {{ edges {{ node {{ chief {{ {field} }} }} }} }} }}");
        assert_eq!(
            first_code(&app.gql(&app.viewer, &nested, json!({})).await),
            "FORBIDDEN"
        );
    }
    for filter in [
        json!({ "search": "nguyen" }),
        json!({ "birthYear": { "min": 1990 } }),
    ] {
        let body = app
            .gql(
                &app.viewer,
                "query($f: OfficerFilter) { officers(filter: $f) { totalCount } }",
                json!({ "f": filter }),
            )
            .await;
        assert_eq!(first_code(&body), "FORBIDDEN");
    }
    let names = app
        .data(
            &app.analyst,
            "{ officers(first: 3) { edges { node { fullName birthYear } } } }",
            json!({}),
        )
        .await;
    assert!(names["officers"]["edges"][0]["node"]["fullName"].is_string());
    let write = app
        .gql(
            &app.analyst,
            r#"mutation { deleteAward(id: 1) { dbId } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_code(&write), "FORBIDDEN");
}

/// Every unit code a response mentions.
fn unit_codes(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if ["code", "unitCode", "askerUnitCode"].contains(&k.as_str())
                    && x.as_str().is_some_and(|s| s.len() == 5)
                {
                    out.push(x.as_str().unwrap_or_default().to_owned());
                }
                unit_codes(x, out);
            }
        }
        Value::Array(xs) => xs.iter().for_each(|x| unit_codes(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn a_district_token_sees_only_its_district_by_every_path() {
    let app = TestApp::spawn().await;
    let (t, all) = (&app.city_viewer, &app.viewer);
    let city_units = app
        .count(all, "units", json!({ "districtCode": CITY }))
        .await;
    assert!(city_units > 0);
    assert_eq!(app.count(t, "units", json!({})).await, city_units);
    assert_eq!(
        app.count(t, "units", json!({ "districtCode": OTHER }))
            .await,
        0
    );
    assert_eq!(app.count(t, "districts", json!({})).await, 1);
    for field in ["officers", "partyMemberships", "headquarters", "awards"] {
        let mine = app.count(all, field, json!({ "districtCode": CITY })).await;
        assert_eq!(app.count(t, field, json!({})).await, mine, "{field}");
        assert_eq!(
            app.count(t, field, json!({ "districtCode": OTHER })).await,
            0,
            "{field}"
        );
    }
    let other_unit = app.data(all, r#"query($d: String) { units(first: 1, filter: { districtCode: $d }) { edges { node { code } } } }"#, json!({ "d": OTHER })).await;
    let code = other_unit["units"]["edges"][0]["node"]["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let one = app
        .data(
            t,
            "query($c: String!) { unit(code: $c) { code } }",
            json!({ "c": code }),
        )
        .await;
    assert!(
        one["unit"].is_null(),
        "another district's unit is invisible"
    );
    assert_eq!(
        app.count(t, "officers", json!({ "unitCode": code })).await,
        0
    );
    assert_eq!(
        app.count(t, "headquarters", json!({ "unitCodeIn": [code] }))
            .await,
        0
    );
    let deep = r#"{
      units(first: 100) { edges { node { code district { code } officers { unitCode unit { code } partyMemberships { unitCode unit { code } } }
        headquarters { unitCode } awards { unitCode officer { unitCode } } partyMemberships { officer { unitCode } } } } }
      officers(first: 200) { edges { node { unitCode unit { code } } } }
      partyMemberships(first: 200) { edges { node { unitCode officer { unitCode } } } }
      awards(first: 200) { edges { node { unitCode unit { code } } } }
      headquarters(first: 300) { edges { node { unitCode unit { code } } } }
      unionActivities(first: 300) { edges { node { unitCode unit { code } } } }
      dialogueQuestions(first: 100) { edges { node { askerUnitCode askerUnit { code } } } }
    }"#;
    let data = app.data(t, deep, json!({})).await;
    let mut codes = Vec::new();
    unit_codes(&data, &mut codes);
    assert!(codes.len() > 100, "the query reached data");
    let city: Vec<String> = {
        let d = app.data(all, r#"{ units(first: 200, filter: { districtCode: "522" }) { edges { node { code } } } }"#, json!({})).await;
        let mut v = Vec::new();
        unit_codes(&d, &mut v);
        v
    };
    let stray: Vec<&String> = codes.iter().filter(|c| !city.contains(c)).collect();
    assert!(stray.is_empty(), "codes outside district {CITY}: {stray:?}");
}

#[tokio::test]
async fn a_district_admin_cannot_write_outside_its_district() {
    let app = TestApp::spawn().await;
    let other = app
        .data(
            &app.viewer,
            r#"{ units(first: 1, filter: { districtCode: "524" }) { edges { node { code } } } }"#,
            json!({}),
        )
        .await;
    let code = other["units"]["edges"][0]["node"]["code"].clone();
    let input = json!({ "unitCode": code, "model": "NEW", "targetDate": "2025-12-31" });
    let body = app
        .gql(
            &app.city_admin,
            "mutation($i: CreateHeadquartersInput!) { createHeadquarters(input: $i) { dbId } }",
            json!({ "i": input }),
        )
        .await;
    assert_eq!(first_code(&body), "UNKNOWN_UNIT");
    let directive = json!({ "number": "1-KH/CAT", "kind": "PLAN", "issuer": "POLICE_DEPARTMENT", "title": "Kế hoạch", "issuedOn": "2024-01-02" });
    let body = app
        .gql(
            &app.city_admin,
            "mutation($i: DirectiveInput!) { createDirective(input: $i) { dbId } }",
            json!({ "i": directive }),
        )
        .await;
    assert_eq!(first_code(&body), "FORBIDDEN");
    let mine = app
        .data(
            &app.viewer,
            r#"{ units(first: 1, filter: { districtCode: "522" }) { edges { node { code } } } }"#,
            json!({}),
        )
        .await;
    let input = json!({ "unitCode": mine["units"]["edges"][0]["node"]["code"], "model": "NEW", "targetDate": "2025-12-31" });
    app.data(
        &app.city_admin,
        "mutation($i: CreateHeadquartersInput!) { createHeadquarters(input: $i) { dbId } }",
        json!({ "i": input }),
    )
    .await;
}

#[tokio::test]
async fn a_token_is_verified_from_memory_and_a_revocation_elsewhere_holds_within_a_second() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    // Each question new to the response cache (`variables`), so that the cache reads
    // no data version for it and the token is all that is looked up.
    let asked = std::sync::atomic::AtomicU64::new(0);
    let ask = async |t: &str| {
        let n = asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let body = json!({ "query": "{ __typename }", "variables": { "n": n } });
        app.post(Some(t), &body).await.status()
    };
    // A token first seen is looked up; asked again at once, it comes from memory: one
    // statement fewer (none).
    let before = app.statements.get();
    assert_eq!(ask(&app.viewer).await, 200);
    let first = app.statements.get() - before;
    let before = app.statements.get();
    assert_eq!(ask(&app.viewer).await, 200);
    assert_eq!(first, 1, "the token's lookup");
    assert_eq!(app.statements.get() - before, 0, "no token lookup");
    // Another replica revokes it (straight in the shared database): within a second
    // this one refuses it too.
    app.db
        .execute_unprepared(
            "UPDATE api_token SET revoked_at = CURRENT_TIMESTAMP WHERE role = 'viewer'",
        )
        .await
        .expect("revoke");
    tokio::time::sleep(coso::service::token_cache::TOKEN_TTL + Duration::from_millis(50)).await;
    assert_eq!(ask(&app.viewer).await, 401);
    // A made-up secret is looked up every time (never kept).
    for _ in 0..2 {
        let before = app.statements.get();
        assert_eq!(ask("not-a-token").await, 401);
        assert!(app.statements.get() > before);
    }
}
