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

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A `graphql-transport-ws` socket to `/graphql`.
async fn socket(app: &TestApp) -> Socket {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let url = format!("{}/graphql", app.base.replacen("http://", "ws://", 1));
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(resp.status(), 101);
    ws
}

async fn send(ws: &mut Socket, message: Value) {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    ws.send(Message::text(message.to_string())).await.unwrap();
}

/// The next protocol message within `secs` seconds (None: nothing, or the socket closed).
async fn next(ws: &mut Socket, secs: f64) -> Option<Value> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let wait = std::time::Duration::from_secs_f64(secs);
    tokio::time::timeout(wait, async {
        loop {
            match ws.next().await? {
                Ok(Message::Text(t)) => return serde_json::from_str(t.as_str()).ok(),
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => continue,
            }
        }
    })
    .await
    .ok()
    .flatten()
}

/// A socket initialised with `token` and subscribed to `dataChanged`.
async fn subscribed(app: &TestApp, token: &str) -> Socket {
    let mut ws = socket(app).await;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    send(&mut ws, init).await;
    let ack = next(&mut ws, 5.0)
        .await
        .expect("an answer to connection_init");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    let query = "subscription { dataChanged { dataVersion scope } }";
    send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }),
    )
    .await;
    ws
}

/// The first unit of `district`.
async fn unit_in(app: &TestApp, district: &str) -> String {
    let q = "query($d: String) { units(filter: { districtCode: $d }, first: 1) { edges { node { code } } } }";
    let data = app.data(&app.admin, q, json!({ "d": district })).await;
    data["units"]["edges"][0]["node"]["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn add_officer(app: &TestApp, unit: &str) {
    let m = "mutation($i: CreateOfficerInput!) { createOfficer(input: $i) { unitCode } }";
    let input = json!({
        "unitCode": unit, "fullName": "Nguyễn Thị Thử", "gender": "FEMALE", "birthYear": 1995,
        "rank": "THUONG_UY", "position": "OFFICER", "postedFrom": "2024-06-01"
    });
    let body = app.gql(&app.admin, m, json!({ "i": input })).await;
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test]
async fn a_subscriber_hears_of_changes_it_can_see_and_only_those() {
    use crate::helpers::{CITY, OTHER};
    let app = TestApp::spawn().await;
    let mut province = subscribed(&app, &app.viewer).await;
    let mut city = subscribed(&app, &app.city_viewer).await;
    // Let both subscriptions take their starting version.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    add_officer(&app, &unit_in(&app, OTHER).await).await;
    let event = next(&mut province, 5.0).await.expect("the province hears");
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(event["id"], "1");
    let changed = &event["payload"]["data"]["dataChanged"];
    assert_eq!(changed["scope"], "province", "{event}");
    assert!(changed["dataVersion"].as_i64().unwrap() > 0);
    assert_eq!(
        changed.as_object().unwrap().len(),
        2,
        "versions only: {changed}"
    );
    assert!(
        next(&mut city, 2.5).await.is_none(),
        "the city's token is not told of another district's write"
    );

    add_officer(&app, &unit_in(&app, CITY).await).await;
    let event = next(&mut city, 5.0)
        .await
        .expect("the city hears of its own");
    assert_eq!(
        event["payload"]["data"]["dataChanged"]["scope"], CITY,
        "{event}"
    );
    let event = next(&mut province, 5.0)
        .await
        .expect("and so does the province");
    assert_eq!(event["type"], "next");
}

#[tokio::test]
async fn a_socket_without_a_valid_token_is_refused_and_runs_only_subscriptions() {
    let limits = coso::config::Limits {
        ws_max_per_token: 1,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, false).await;
    for payload in [json!({}), json!({ "Authorization": "Bearer not-a-token" })] {
        let mut ws = socket(&app).await;
        send(
            &mut ws,
            json!({ "type": "connection_init", "payload": payload }),
        )
        .await;
        let answer = next(&mut ws, 5.0).await;
        assert!(
            answer
                .as_ref()
                .is_none_or(|a| a["type"] != "connection_ack"),
            "{answer:?}"
        );
        // Nor may it subscribe.
        let query = "subscription { dataChanged { dataVersion } }";
        let _ = futures_util::SinkExt::send(
            &mut ws,
            tokio_tungstenite::tungstenite::Message::text(
                json!({ "id": "1", "type": "subscribe", "payload": { "query": query } })
                    .to_string(),
            ),
        )
        .await;
        assert!(next(&mut ws, 1.0).await.is_none());
    }
    // A valid token: a query is refused on the socket, a second socket is one too many.
    let mut ws = subscribed(&app, &app.viewer).await;
    send(
        &mut ws,
        json!({ "id": "2", "type": "subscribe", "payload": { "query": "{ __typename }" } }),
    )
    .await;
    let answer = next(&mut ws, 5.0).await.expect("an answer");
    let errors = if answer["type"] == "error" {
        answer["payload"].clone()
    } else {
        answer["payload"]["errors"].clone()
    };
    assert_eq!(
        errors[0]["extensions"]["code"], "NOT_A_SUBSCRIPTION",
        "{answer}"
    );
    let mut second = socket(&app).await;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", app.viewer) } });
    send(&mut second, init).await;
    let answer = next(&mut second, 5.0).await;
    assert!(
        answer
            .as_ref()
            .is_none_or(|a| a["type"] != "connection_ack"),
        "{answer:?}"
    );
}

/// A socket with nothing to say for longer than the request-head deadline (10 s) and
/// the client's frames after the server's are not taken for a slow HTTP request.
#[tokio::test]
async fn a_quiet_socket_stays_open_past_the_header_deadline() {
    let app = TestApp::spawn().await;
    let mut ws = subscribed(&app, &app.viewer).await;
    assert!(next(&mut ws, 11.0).await.is_none(), "nothing changed");
    add_officer(&app, &unit_in(&app, crate::helpers::CITY).await).await;
    let event = next(&mut ws, 5.0).await.expect("still open, and told");
    assert_eq!(event["type"], "next", "{event}");
}

/// The close code of `ws` if the server closes it within `secs` seconds (`None`: still
/// open then).
async fn close_code(ws: &mut Socket, secs: f64) -> Option<u16> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let wait = std::time::Duration::from_secs_f64(secs);
    tokio::time::timeout(wait, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map_or(1005, |f| f.code.into()),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return 1006,
            }
        }
    })
    .await
    .ok()
}

/// A new viewer token: (global id, secret).
async fn new_token(app: &TestApp, name: &str) -> (Value, String) {
    let m =
        "mutation($n: String!) { createApiToken(role: VIEWER, name: $n) { token { id } secret } }";
    let made = app.data(&app.admin, m, json!({ "n": name })).await["createApiToken"].clone();
    let secret = made["secret"].as_str().unwrap().to_owned();
    (made["token"]["id"].clone(), secret)
}

#[tokio::test]
async fn a_revoked_token_loses_its_open_sockets_within_a_second() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::spawn().await;
    let (here, here_secret) = new_token(&app, "revoked here").await;
    let (_, elsewhere_secret) = new_token(&app, "revoked elsewhere").await;
    let mut kept = subscribed(&app, &app.viewer).await;
    let mut first = subscribed(&app, &here_secret).await;
    let mut second = subscribed(&app, &elsewhere_secret).await;
    // Revoked by this server: the socket closes at once, with 4401.
    let revoke = "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }";
    let started = std::time::Instant::now();
    app.data(&app.admin, revoke, json!({ "id": here })).await;
    assert_eq!(close_code(&mut first, 1.0).await, Some(4401));
    assert!(
        started.elapsed().as_secs_f64() < 1.0,
        "{:?}",
        started.elapsed()
    );
    // Revoked in the database behind the server's back (another replica, the command
    // line): within about a second.
    let started = std::time::Instant::now();
    entity::api_token::Entity::update_many()
        .col_expr(
            entity::api_token::Column::RevokedAt,
            Expr::value(chrono::Utc::now()),
        )
        .filter(entity::api_token::Column::Name.eq("revoked elsewhere"))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(close_code(&mut second, 3.0).await, Some(4401));
    assert!(
        started.elapsed().as_secs_f64() < 2.5,
        "{:?}",
        started.elapsed()
    );
    // Another token's socket stays open and still hears of changes.
    assert_eq!(close_code(&mut kept, 1.5).await, None, "still open");
    add_officer(&app, &unit_in(&app, crate::helpers::CITY).await).await;
    let event = next(&mut kept, 5.0).await.expect("an event");
    assert_eq!(event["type"], "next", "{event}");
    // And the revoked secret cannot open a new one.
    let mut again = socket(&app).await;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {here_secret}") } });
    send(&mut again, init).await;
    let answer = next(&mut again, 5.0).await;
    assert!(answer.is_none_or(|a| a["type"] != "connection_ack"));
}
