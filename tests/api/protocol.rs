//! GraphQL for browser clients, as a browser sends it: CORS (allowed and unlisted
//! origins, preflights), GraphQL over HTTP (GET, the `application/graphql-response+json`
//! media type and its status codes), ETag / `If-None-Match`, automatic persisted
//! queries, global object ids (`node`, `nodes`) and the `dataChanged` subscription.

use reqwest::header;
use serde_json::{Value, json};

use crate::helpers::TestApp;

const DASHBOARD: &str = "https://dash.example.vn";
const STRANGER: &str = "https://evil.example.com";

async fn with_cors() -> TestApp {
    TestApp::spawn_tuned(Default::default(), true, |s| {
        s.browser.cors_origins = vec![DASHBOARD.into(), "http://10.0.0.5:8080".into()];
    })
    .await
}

fn preflight(app: &TestApp, origin: &str) -> reqwest::RequestBuilder {
    app.client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization, content-type",
        )
}

#[tokio::test]
async fn an_allowed_origin_gets_its_preflight_and_the_cors_headers() {
    let app = with_cors().await;
    let resp = preflight(&app, DASHBOARD).send().await.unwrap();
    assert_eq!(resp.status(), 204);
    let h = resp.headers();
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], DASHBOARD);
    let methods = h[header::ACCESS_CONTROL_ALLOW_METHODS].to_str().unwrap();
    assert!(
        methods.contains("GET") && methods.contains("POST"),
        "{methods}"
    );
    let headers = h[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    assert!(h.contains_key(header::ACCESS_CONTROL_MAX_AGE));
    assert!(h.get_all(header::VARY).iter().any(|v| v == "Origin"));

    // The request itself, and also a refusal (401), carry the headers a script needs.
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .header(header::ORIGIN, DASHBOARD)
        .bearer_auth(&app.viewer)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        DASHBOARD
    );
    let exposed = resp.headers()[header::ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .unwrap();
    assert!(exposed.contains("ETag"), "{exposed}");
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .header(header::ORIGIN, DASHBOARD)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        resp.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        DASHBOARD
    );
    // Other API routes too.
    let resp = app
        .client
        .get(format!("{}/health", app.base))
        .header(header::ORIGIN, "http://10.0.0.5:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "http://10.0.0.5:8080"
    );
}

#[tokio::test]
async fn an_unlisted_origin_gets_no_cors_header_and_no_preflight() {
    let app = with_cors().await;
    for origin in [STRANGER, "https://dash.example.vn.evil.com", "null"] {
        let resp = preflight(&app, origin).send().await.unwrap();
        assert_ne!(resp.status(), 204, "{origin}");
        assert!(
            !resp
                .headers()
                .keys()
                .any(|k| k.as_str().starts_with("access-control-")),
            "{origin}: {:?}",
            resp.headers()
        );
        let resp = app
            .client
            .post(format!("{}/graphql", app.base))
            .header(header::ORIGIN, origin)
            .bearer_auth(&app.viewer)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .unwrap();
        assert!(
            !resp
                .headers()
                .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        );
    }
}

#[tokio::test]
async fn without_an_allow_list_there_is_no_cors_at_all() {
    let app = TestApp::spawn_with(Default::default(), false).await;
    let resp = preflight(&app, DASHBOARD).send().await.unwrap();
    assert_eq!(resp.status(), 405);
    assert!(
        !resp
            .headers()
            .keys()
            .any(|k| k.as_str().starts_with("access-control-") || k == header::VARY)
    );
}

/// A GET of `/graphql` with these query-string parameters.
fn get(app: &TestApp, token: Option<&str>, params: &[(&str, &str)]) -> reqwest::RequestBuilder {
    let req = app
        .client
        .get(format!("{}/graphql", app.base))
        .query(params);
    match token {
        Some(t) => req.bearer_auth(t),
        None => req,
    }
}

const COUNT: &str =
    "query Count($kind: UnitKind) { units(filter: { kind: $kind }) { totalCount } }";

#[tokio::test]
async fn a_get_query_answers_like_post_and_a_mutation_by_get_is_refused() {
    let limits = coso::config::Limits {
        max_body_bytes: 4096,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, true).await;
    let vars = json!({ "kind": "PHUONG" });
    let posted = app.data(&app.viewer, COUNT, vars.clone()).await;
    let vars = vars.to_string();
    let params = [
        ("query", COUNT),
        ("variables", vars.as_str()),
        ("operationName", "Count"),
    ];
    let resp = get(&app, Some(&app.viewer), &params).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()[header::CONTENT_TYPE], "application/json");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"], posted, "{body}");
    assert!(posted["units"]["totalCount"].as_u64().unwrap() > 0);

    // No token: 401, as by POST.
    let resp = get(&app, None, &params).send().await.unwrap();
    assert_eq!(resp.status(), 401);

    for doc in [
        "mutation { __typename }",
        "query A { __typename } mutation B { __typename }",
    ] {
        let mut params = vec![("query", doc)];
        if doc.contains("B {") {
            params.push(("operationName", "B"));
        }
        let resp = get(&app, Some(&app.admin), &params).send().await.unwrap();
        assert_eq!(resp.status(), 405, "{doc}");
        assert_eq!(resp.headers()[header::ALLOW], "POST");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(code(&body), "MUTATION_BY_GET");
    }
    // A query of a document that also holds a mutation runs.
    let params = [
        ("query", "query A { __typename } mutation B { __typename }"),
        ("operationName", "A"),
    ];
    let resp = get(&app, Some(&app.admin), &params).send().await.unwrap();
    assert_eq!(resp.status(), 200);

    // Malformed query strings.
    for params in [
        vec![("query", "{ __typename }"), ("variables", "[1]")],
        vec![("query", "{ __typename }"), ("variables", "{oops")],
        vec![("query", "{ __typename }"), ("extensions", "1")],
    ] {
        let resp = get(&app, Some(&app.viewer), &params).send().await.unwrap();
        assert_eq!(resp.status(), 400, "{params:?}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(code(&body), "BAD_REQUEST");
    }
    // A query string over the body limit.
    let long = format!("{{ __typename {} }}", " ".repeat(5000));
    let resp = get(&app, Some(&app.viewer), &[("query", long.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 414);
}

#[tokio::test]
async fn graphiql_answers_a_browser_and_a_client_without_a_query_gets_400() {
    let app = TestApp::spawn_with(Default::default(), false).await;
    let resp = get(&app, None, &[])
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let resp = get(&app, Some(&app.viewer), &[])
        .header(header::ACCEPT, "application/graphql-response+json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

const NEW_MEDIA: &str = "application/graphql-response+json";

#[tokio::test]
async fn the_graphql_response_media_type_answers_400_for_documents_that_do_not_parse_or_validate() {
    let app = TestApp::spawn().await;
    let post = |doc: &str, accept: &str| {
        app.client
            .post(format!("{}/graphql", app.base))
            .bearer_auth(&app.viewer)
            .header(header::ACCEPT, accept)
            .json(&json!({ "query": doc }))
    };
    for doc in [
        "{ units { totalCount ",
        "{ noSuchField }",
        "query($x: Int!) { __typename }",
    ] {
        let resp = post(doc, NEW_MEDIA).send().await.unwrap();
        assert_eq!(resp.status(), 400, "{doc}");
        assert!(
            resp.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(NEW_MEDIA)
        );
        let body: Value = resp.json().await.unwrap();
        assert!(body.get("data").is_none_or(Value::is_null), "{body}");
        assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{doc}: {body}");
        // The legacy media type keeps 200.
        let resp = post(doc, "application/json").send().await.unwrap();
        assert_eq!(resp.status(), 200, "{doc}");
        assert_eq!(resp.headers()[header::CONTENT_TYPE], "application/json");
        // And so by GET.
        let resp = get(&app, Some(&app.viewer), &[("query", doc)])
            .header(header::ACCEPT, NEW_MEDIA)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "GET {doc}");
    }
    // A valid document: 200 in the media type asked, which wins over JSON at equal quality.
    let resp = post(
        "{ __typename }",
        "application/json, application/graphql-response+json",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with(NEW_MEDIA)
    );
    // An error while running (a viewer asking for names) is not the request's: 200.
    let doc = "{ officers(first: 1) { edges { node { fullName } } } }";
    let resp = post(doc, NEW_MEDIA).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
}

#[tokio::test]
async fn an_etag_answers_304_for_the_same_token_only_and_changes_with_the_data() {
    let app = TestApp::spawn().await;
    let q = [("query", "{ directives { totalCount } }")];
    let first = get(&app, Some(&app.viewer), &q).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let tag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
    let cache_control = first.headers()[header::CACHE_CONTROL].to_str().unwrap();
    assert!(cache_control.contains("private"), "{cache_control}");
    let body = first.text().await.unwrap();

    let again = get(&app, Some(&app.viewer), &q)
        .header(header::IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()[header::ETAG], tag.as_str());
    assert!(again.text().await.unwrap().is_empty());

    // The analyst sees the very same answer, but the viewer's tag does not validate it.
    let other = get(&app, Some(&app.analyst), &q)
        .header(header::IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
    assert_ne!(other.headers()[header::ETAG], tag.as_str());
    assert_eq!(other.text().await.unwrap(), body);
    // Nor another scope's.
    let city = get(&app, Some(&app.city_viewer), &q)
        .header(header::IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(city.status(), 200);

    // A write changes the answer: the old tag no longer holds.
    let create = "mutation { createDirective(input: { number: \"98/CT-CAT\", title: \"Chỉ thị thử\", issuedOn: \"2024-11-27\", kind: DIRECTIVE, issuer: PROVINCIAL_PEOPLES_COMMITTEE }) { __typename } }";
    let created = app.gql(&app.admin, create, json!({})).await;
    assert!(created.get("errors").is_none(), "{created}");
    let after = get(&app, Some(&app.viewer), &q)
        .header(header::IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200);
    assert_ne!(after.text().await.unwrap(), body);
}

fn sha256_hex(doc: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(doc.as_bytes()))
}

#[tokio::test]
async fn a_persisted_query_is_unknown_then_kept_and_run_by_its_hash() {
    let app = TestApp::spawn().await;
    let doc = "{ units { totalCount } }";
    let hash = sha256_hex(doc);
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    // The hash alone, first: unknown.
    let resp = app
        .post(Some(&app.viewer), &json!({ "extensions": ext }))
        .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_FOUND");
    // A document that is not the hash's.
    let resp = app
        .post(
            Some(&app.viewer),
            &json!({ "query": "{ districts { totalCount } }", "extensions": ext }),
        )
        .await;
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "PERSISTED_QUERY_HASH_MISMATCH");
    // The document with its hash: run and kept.
    let resp = app
        .post(
            Some(&app.viewer),
            &json!({ "query": doc, "extensions": ext }),
        )
        .await;
    let full: Value = resp.json().await.unwrap();
    assert!(
        full["data"]["units"]["totalCount"].as_u64().unwrap() > 0,
        "{full}"
    );
    // Then the hash alone, by POST and by GET (any token).
    let resp = app
        .post(Some(&app.analyst), &json!({ "extensions": ext }))
        .await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"], full["data"]);
    let ext = ext.to_string();
    let resp = get(&app, Some(&app.viewer), &[("extensions", ext.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"], full["data"]);
    // A hash of another version of the protocol.
    let bad = json!({ "persistedQuery": { "version": 2, "sha256Hash": hash } }).to_string();
    let resp = get(&app, Some(&app.viewer), &[("extensions", bad.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "PERSISTED_QUERY_INVALID");
}

fn code(body: &Value) -> &str {
    crate::helpers::first_code(body)
}
