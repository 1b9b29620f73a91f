//! GraphQL for browser clients, as a browser sends it: CORS (allowed and unlisted
//! origins, preflights), GraphQL over HTTP (GET, the `application/graphql-response+json`
//! media type and its status codes), ETag / `If-None-Match`, automatic persisted
//! queries, global object ids (`node`, `nodes`) and the `dataChanged` subscription.

use reqwest::header;
use serde_json::json;

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
