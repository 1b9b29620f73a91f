//! Bad input: each mistake gets a clear message and a stable code, and leaves the
//! database exactly as it was.

use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code};

const CREATE: &str =
    "mutation($i: CreateOfficerInput!) { createOfficer(input: $i) { dbId unitCode rank } }";

fn officer(overrides: Value) -> Value {
    let mut base = json!({
        "unitCode": "21010", "fullName": "Trần Văn Bình", "gender": "MALE", "birthYear": 1992,
        "rank": "TRUNG_UY", "position": "OFFICER", "postedFrom": "2024-03-01"
    });
    if let (Some(b), Some(o)) = (base.as_object_mut(), overrides.as_object()) {
        for (k, v) in o {
            b.insert(k.clone(), v.clone());
        }
    }
    base
}

/// A fingerprint of what the tests could change.
async fn state(app: &TestApp) -> (u64, u64, u64) {
    let t = &app.viewer;
    (
        app.count(t, "officers", json!({})).await,
        app.count(t, "officers", json!({ "position": "CHIEF" }))
            .await,
        app.count(t, "headquarters", json!({})).await,
    )
}

#[tokio::test]
async fn invalid_officers_are_refused_with_stable_codes_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let before = state(&app).await;
    let cases = [
        (
            officer(json!({ "rank": "THUONG_TA" })),
            "RANK_NOT_ALLOWED",
            "Thượng tá",
        ),
        (
            officer(json!({ "unitCode": "99999" })),
            "UNKNOWN_UNIT",
            "99999",
        ),
        (
            officer(json!({ "postedTo": "2024-01-01" })),
            "INVALID_DATE_RANGE",
            "before",
        ),
        (
            officer(json!({ "position": "CHIEF", "rank": "THIEU_TA" })),
            "DUPLICATE_CHIEF",
            "chief",
        ),
        (
            officer(json!({ "fullName": "   " })),
            "INVALID_INPUT",
            "fullName",
        ),
        (
            officer(json!({ "birthYear": 1800 })),
            "INVALID_INPUT",
            "birthYear",
        ),
        (
            officer(json!({ "rank": "GENERALISSIMO" })),
            "BAD_USER_INPUT",
            "Rank",
        ),
        (
            officer(json!({ "postedFrom": "2024-13-45" })),
            "BAD_USER_INPUT",
            "",
        ),
        (
            officer(json!({ "birthYear": "nineteen" })),
            "BAD_USER_INPUT",
            "",
        ),
    ];
    for (input, code, needle) in cases {
        let body = app.gql(&app.admin, CREATE, json!({ "i": input })).await;
        let got = first_code(&body);
        assert!(
            got == code || (code == "BAD_USER_INPUT" && got == "GRAPHQL_VALIDATION_FAILED"),
            "{input}: {body}"
        );
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(needle),
            "message `{message}` should mention `{needle}`"
        );
        assert!(body["data"].is_null() || body["data"]["createOfficer"].is_null());
    }
    assert_eq!(state(&app).await, before, "nothing was written");
    let made = app
        .data(&app.admin, CREATE, json!({ "i": officer(json!({})) }))
        .await;
    assert_eq!(made["createOfficer"]["rank"], "TRUNG_UY");
    assert_eq!(
        state(&app).await.0,
        before.0 + 1,
        "a valid officer is written"
    );
}

#[tokio::test]
async fn malformed_documents_and_bodies_get_codes_too() {
    let app = TestApp::spawn().await;
    let body = app
        .gql(&app.admin, "{ units( { totalCount }", json!({}))
        .await;
    assert_eq!(first_code(&body), "GRAPHQL_VALIDATION_FAILED");
    let body = app.gql(&app.admin, "{ noSuchField }", json!({})).await;
    assert_eq!(first_code(&body), "GRAPHQL_VALIDATION_FAILED");
    let resp = app.post(Some(&app.admin), &json!("not a request")).await;
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(first_code(&body), "BAD_REQUEST");
}

#[tokio::test]
async fn updates_and_closures_are_validated_like_creations() {
    let app = TestApp::spawn().await;
    let q = r#"{ officers(first: 1, filter: { position: OFFICER, unitCode: "21010" }) { edges { node { dbId postedFrom } } } }"#;
    let node = app.data(&app.admin, q, json!({})).await["officers"]["edges"][0]["node"].clone();
    let id = node["dbId"].clone();
    let body = app
        .gql(
            &app.admin,
            "mutation($id: ID!) { updateOfficer(id: $id, input: { position: CHIEF, rank: THIEU_TA }) { dbId } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(first_code(&body), "DUPLICATE_CHIEF");
    let body = app
        .gql(
            &app.admin,
            r#"mutation($id: ID!) { endOfficerPosting(id: $id, postedTo: "2000-01-01") { dbId } }"#,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(first_code(&body), "INVALID_DATE_RANGE");
    let body = app
        .gql(
            &app.admin,
            r#"mutation { endOfficerPosting(id: 999999, postedTo: "2025-01-01") { dbId } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_code(&body), "NOT_FOUND");
    let ended = app.data(&app.admin, r#"mutation($id: ID!) { endOfficerPosting(id: $id, postedTo: "2025-06-30") { postedTo } }"#, json!({ "id": id })).await;
    assert_eq!(ended["endOfficerPosting"]["postedTo"], "2025-06-30");
    let body = app.gql(&app.admin, r#"mutation { createAward(input: { form: CERTIFICATE_OF_MERIT, issuer: MINISTER, awardedOn: "2024-05-01", reason: "x" }) { dbId } }"#, json!({})).await;
    assert_eq!(first_code(&body), "INVALID_INPUT");
}

#[tokio::test]
async fn database_error_text_never_reaches_the_client() {
    let app = TestApp::spawn().await;
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("DROP TABLE award")
        .await
        .expect("drop");
    let body = app
        .gql(&app.viewer, "{ awards { totalCount } }", json!({}))
        .await;
    assert_eq!(first_code(&body), "INTERNAL");
    assert_eq!(body["errors"][0]["message"], "internal error");
    let text = body.to_string().to_lowercase();
    for leak in ["no such", "table", "sql", "relation", "constraint"] {
        assert!(!text.contains(leak), "`{leak}` leaked: {body}");
    }
}

const CREATE_DIRECTIVE: &str =
    "mutation($i: DirectiveInput!) { createDirective(input: $i) { dbId number } }";

fn directive(number: &str, title: &str, issued_on: &str) -> Value {
    json!({ "number": number, "kind": "PLAN", "issuer": "POLICE_DEPARTMENT",
        "title": title, "issuedOn": issued_on })
}

/// Counts of every table these tests write, and the data version.
async fn written(app: &TestApp) -> Vec<u64> {
    let t = &app.viewer;
    let mut out = Vec::new();
    for field in ["officers", "directives", "partyMemberships", "awards"] {
        out.push(app.count(t, field, json!({})).await);
    }
    let version = coso::service::version::current(&app.db).await.unwrap();
    out.push(version.map_or(0, |v| v.version as u64));
    out
}

#[tokio::test]
async fn implausible_text_and_dates_are_refused() {
    let app = TestApp::spawn().await;
    let before = written(&app).await;
    let names = [
        ("Trần\u{0}Văn Bình", "U+0000"),
        ("Trần Văn Bình\u{7}", "U+0007"),
        ("Trần \u{202E}nìB nắV", "U+202E"),
        ("Trần\u{200B}Văn Bình", "U+200B"),
        ("Trần Văn\u{2066} Bình", "U+2066"),
        ("\u{FEFF}Trần Văn Bình", "U+FEFF"),
        ("Trần Văn\nBình", "U+000A"),
    ];
    for (name, needle) in names {
        let body = app
            .gql(
                &app.admin,
                CREATE,
                json!({ "i": officer(json!({ "fullName": name })) }),
            )
            .await;
        assert_eq!(first_code(&body), "INVALID_TEXT", "{name:?}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("fullName") && message.contains(needle),
            "{message}"
        );
    }
    let title = app
        .gql(
            &app.admin,
            CREATE_DIRECTIVE,
            json!({ "i": directive("1/KH-X", "Kế hoạch \u{202E}ngược", "2024-05-01") }),
        )
        .await;
    assert_eq!(first_code(&title), "INVALID_TEXT", "{title}");
    for day in ["0000-01-01", "1900-06-01", "9999-12-31"] {
        let body = app
            .gql(
                &app.admin,
                CREATE,
                json!({ "i": officer(json!({ "postedFrom": day })) }),
            )
            .await;
        assert_eq!(first_code(&body), "DATE_OUT_OF_RANGE", "{day}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("postedFrom")
        );
        let body = app
            .gql(
                &app.admin,
                CREATE_DIRECTIVE,
                json!({ "i": directive("2/KH-X", "Kế hoạch", day) }),
            )
            .await;
        assert_eq!(first_code(&body), "DATE_OUT_OF_RANGE", "{day}: {body}");
    }
    assert_eq!(written(&app).await, before, "nothing was written");
    // Vietnamese in either Unicode form is a name, stored composed.
    let decomposed = "Nguye\u{302}\u{303}n Thi\u{323} Ha\u{300}";
    let q = "mutation($i: CreateOfficerInput!) { createOfficer(input: $i) { fullName } }";
    let made = app
        .data(
            &app.admin,
            q,
            json!({ "i": officer(json!({ "fullName": decomposed })) }),
        )
        .await;
    assert_eq!(made["createOfficer"]["fullName"], "Nguyễn Thị Hà");
}

#[tokio::test]
async fn identical_seats_and_repeated_directive_numbers_are_refused() {
    let app = TestApp::spawn().await;
    let made = app
        .data(&app.admin, CREATE, json!({ "i": officer(json!({})) }))
        .await;
    let id = made["createOfficer"]["dbId"].clone();
    let seat = "mutation($i: CreateMembershipInput!) { createPartyMembership(input: $i) { dbId } }";
    let input = json!({ "officerId": id, "body": "EXECUTIVE_COMMITTEE", "term": "2020-2025",
        "startedOn": "2024-04-01" });
    app.data(&app.admin, seat, json!({ "i": input })).await;
    let before = written(&app).await;
    for again in [
        input.clone(),
        // The same seat from a later day, while the first is still held.
        json!({ "officerId": id, "body": "EXECUTIVE_COMMITTEE", "term": "2020-2025",
            "startedOn": "2024-09-01" }),
    ] {
        let body = app.gql(&app.admin, seat, json!({ "i": again })).await;
        assert_eq!(first_code(&body), "DUPLICATE_MEMBERSHIP", "{body}");
    }

    let first = app
        .data(
            &app.admin,
            CREATE_DIRECTIVE,
            json!({ "i": directive("45/KH-CAT", "Kế hoạch một", "2024-05-01") }),
        )
        .await;
    let before_numbers = written(&app).await;
    let body = app
        .gql(
            &app.admin,
            CREATE_DIRECTIVE,
            json!({ "i": directive(" 45/KH-CAT ", "Kế hoạch hai", "2024-06-01") }),
        )
        .await;
    assert_eq!(first_code(&body), "DUPLICATE_DIRECTIVE_NUMBER", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("45/KH-CAT")
    );
    // Changing another directive to that number is refused too; keeping one's own is not.
    let other = app
        .data(
            &app.admin,
            CREATE_DIRECTIVE,
            json!({ "i": directive("46/KH-CAT", "Kế hoạch ba", "2024-05-01") }),
        )
        .await;
    let update =
        "mutation($id: ID!, $i: DirectiveInput!) { updateDirective(id: $id, input: $i) { dbId } }";
    let body = app
        .gql(&app.admin, update, json!({ "id": other["createDirective"]["dbId"], "i": directive("45/KH-CAT", "Kế hoạch ba", "2024-05-01") }))
        .await;
    assert_eq!(first_code(&body), "DUPLICATE_DIRECTIVE_NUMBER", "{body}");
    app.data(&app.admin, update, json!({ "id": first["createDirective"]["dbId"], "i": directive("45/KH-CAT", "Kế hoạch một (sửa)", "2024-05-01") }))
        .await;
    // An issuer numbers its documents afresh each year: the same number in 2025 is
    // another document.
    app.data(
        &app.admin,
        CREATE_DIRECTIVE,
        json!({ "i": directive("45/KH-CAT", "Kế hoạch của năm sau", "2025-02-01") }),
    )
    .await;
    let after = written(&app).await;
    let mut expected = before_numbers[..4].to_vec();
    expected[1] += 2; // the third directive, "46/KH-CAT", and the one of 2025
    assert_eq!(after[..4], expected[..], "nothing else was written");
    assert_eq!(before[2], after[2], "no second seat");

    // The database itself refuses an identical seat, whatever writes it.
    use sea_orm::ConnectionTrait;
    let sql = format!(
        "INSERT INTO party_membership (officer_id, unit_code, body, term, started_on) \
         SELECT officer_id, unit_code, body, term, started_on FROM party_membership WHERE officer_id = {id}"
    );
    assert!(
        app.db.execute_unprepared(&sql).await.is_err(),
        "a unique index backs the rule"
    );
}

/// PostgreSQL refuses the NUL character in any text, a lookup key as much as a stored
/// name: wherever it comes (a variable, a literal, a filter), the answer is
/// `INVALID_TEXT` naming where, before any statement runs, on every database.
#[tokio::test]
async fn the_nul_character_is_refused_wherever_it_comes() {
    let app = TestApp::spawn().await;
    let award = "mutation($i: AwardInput!) { createAward(input: $i) { dbId } }";
    let input = json!({ "i": { "form": "CERTIFICATE_OF_MERIT", "issuer": "DIRECTOR",
        "unitCode": "\u{0}", "reason": "a", "awardedOn": "2024-05-01" } });
    let before = app.count(&app.viewer, "awards", json!({})).await;
    let cases = [
        (award, input, "`$i.unitCode`"),
        (
            "query($c: String!) { unit(code: $c) { name } }",
            json!({ "c": "2101\u{0}" }),
            "`$c`",
        ),
        (
            "{ officers(first: 5, filter: { search: \"An\\u0000\" }) { totalCount } }",
            json!({}),
            "`filter.search` of `officers`",
        ),
        (
            "{ units(first: 5, filter: { districtCode: \"\\u0000\" }) { totalCount } }",
            json!({}),
            "`filter.districtCode` of `units`",
        ),
    ];
    for (query, variables, needle) in cases {
        let body = app.gql(&app.admin, query, variables).await;
        assert_eq!(first_code(&body), "INVALID_TEXT", "{query}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(needle), "`{message}` names {needle}");
        assert!(body["data"].is_null(), "{body}");
    }
    assert_eq!(app.count(&app.viewer, "awards", json!({})).await, before);
}

/// Days far outside what PostgreSQL's `date` holds (4713 BC to 5874897 AD) in filters
/// and days asked about: an answer or `INVALID_INPUT`, never an internal error.
#[tokio::test]
async fn days_out_of_any_calendar_are_answered_or_refused() {
    let app = TestApp::spawn().await;
    for day in ["-5000-01-01", "+200000-01-01", "0000-01-01", "9999-12-31"] {
        let queries = [
            "query($d: NaiveDate) { awards(first: 5, filter: { awardedOn: { from: $d, to: $d } }) { totalCount } }",
            "query($d: NaiveDate) { officers(first: 5, filter: { activeOn: $d }) { totalCount } }",
            "query($d: NaiveDate) { units(first: 5, filter: { activeOn: $d }) { totalCount } }",
            "query($d: NaiveDate) { unit(code: \"21010\", on: $d) { name } }",
            "query($d: NaiveDate) { indicators(codes: [\"staffing_ratio\"], asOf: $d) { value } }",
        ];
        for query in queries {
            let body = app.gql(&app.admin, query, json!({ "d": day })).await;
            let code = first_code(&body);
            assert!(
                body.get("errors").is_none()
                    || [
                        "INVALID_INPUT",
                        "BAD_USER_INPUT",
                        "GRAPHQL_VALIDATION_FAILED"
                    ]
                    .contains(&code),
                "{day} {query}: {body}"
            );
        }
    }
}
