//! Fuzzing the API: generated GraphQL documents (real field and argument names mixed
//! with junk, literals of every kind, variables, fragments, batches, broken syntax) and
//! generated variables and bodies, sent by tokens that may not write. Every answer is a
//! 200/400/401/413 with JSON whose errors all carry a stable code, never `INTERNAL` or
//! internal text; the data is unchanged afterwards and the server still answers.
//! An admin's mutations are fuzzed too, with inputs mixing valid and bad values: a
//! refused mutation leaves the data exactly as it was, an accepted one changes it.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use tokio::runtime::Runtime;

use crate::helpers::TestApp;

/// Every code a client may see (the README's "Errors" table), minus `INTERNAL`.
const CODES: &[&str] = &[
    "UNAUTHENTICATED",
    "INVALID_ADDRESS",
    "INVALID_DISPLAY_NAME",
    "DUPLICATE_RECIPIENT",
    "RESPONSE_TOO_LARGE",
    "REQUEST_TIMEOUT",
    "DATABASE_UNAVAILABLE",
    "FORBIDDEN",
    "NOT_FOUND",
    "UNKNOWN_UNIT",
    "INVALID_DATE_RANGE",
    "DUPLICATE_CHIEF",
    "RANK_NOT_ALLOWED",
    "INVALID_INPUT",
    "INVALID_CURSOR",
    "INVALID_ID",
    "TOO_MANY_IDS",
    "BAD_USER_INPUT",
    "GRAPHQL_VALIDATION_FAILED",
    "QUERY_TOO_DEEP",
    "QUERY_TOO_COMPLEX",
    "BATCH_TOO_LARGE",
    "BODY_TOO_LARGE",
    "BAD_REQUEST",
    "MUTATION_BY_GET",
    "PERSISTED_QUERY_NOT_FOUND",
    "PERSISTED_QUERY_HASH_MISMATCH",
    "PERSISTED_QUERY_INVALID",
    "NOT_A_SUBSCRIPTION",
    "TOO_MANY_SUBSCRIBERS",
    "RATE_LIMITED",
    "TIMEOUT",
    "SQL_SYNTAX",
    "SQL_UNKNOWN_TABLE",
    "SQL_NOT_ALLOWED",
    "SQL_TOO_LARGE",
    "SQL_TOO_COMPLEX",
    "SQL_TOO_EXPENSIVE",
    "SQL_UNKNOWN_COLUMN",
    "SQL_TYPE_MISMATCH",
    "SQL_UNSUPPORTED",
    "SQL_INVALID",
    "SQL_RESULT_TOO_LARGE",
    "SQL_TIMEOUT",
    "SQL_MEMORY_LIMIT",
    "BUSY",
    "INVALID_CRON",
    "UNKNOWN_TIME_ZONE",
    "UNSUPPORTED_LANGUAGE",
    "INVALID_TEXT",
    "DATE_OUT_OF_RANGE",
    "DUPLICATE_MEMBERSHIP",
    "DUPLICATE_DIRECTIVE_NUMBER",
    "OUTSIDE_AREA",
    "DUPLICATE_AREA",
    "AREA_NOT_CUSTOM",
    "AREA_IN_USE",
    "PLAN_REJECTED",
    "PLAN_INVALID",
    "PLAN_UNKNOWN_CODE",
    "PLAN_DATE_OUT_OF_ORDER",
    "PLAN_DUPLICATE_LINE",
    "IMPORT_NOT_A_SPREADSHEET",
    "IMPORT_ENCRYPTED",
    "IMPORT_BAD_ENCODING",
    "IMPORT_TOO_LARGE",
    "IMPORT_TOO_MANY_ROWS",
    "IMPORT_UNKNOWN_KIND",
    "IMPORT_WRONG_TEMPLATE",
    "IMPORT_OLD_TEMPLATE",
    "IMPORT_INVALID_ROWS",
    "IMPORT_REQUIRED",
    "IMPORT_BAD_VALUE",
    "IMPORT_BAD_TEXT",
    "IMPORT_LEGACY_FONT",
    "IMPORT_BAD_CODE",
    "IMPORT_BAD_DATE",
    "IMPORT_BAD_NUMBER",
    "IMPORT_BAD_CHOICE",
    "IMPORT_OUT_OF_RANGE",
    "IMPORT_DATE_ORDER",
    "IMPORT_UNKNOWN_UNIT",
    "IMPORT_OUT_OF_SCOPE",
    "IMPORT_DUPLICATE_ROW",
    "IMPORT_SECOND_CHIEF",
    "IMPORT_RANK_NOT_ALLOWED",
    "IMPORT_UNKNOWN_OFFICER",
    "IMPORT_UNKNOWN_SESSION",
    "IMPORT_MERGED_CELLS",
    "IMPORT_HIDDEN_SHEET",
    "IMPORT_TIMEOUT",
];

/// The README's "Errors" table and [`CODES`] list the same codes: a code added to the
/// service without a line for its users, or documented but no longer given, fails here.
#[test]
fn the_readme_lists_every_code_a_client_may_see() {
    let readme = include_str!("../../README.md");
    let start = readme.find("### Errors").expect("an Errors section");
    let table = &readme[start..];
    let table = &table[..table[3..].find("\n#").map_or(table.len(), |i| i + 3)];
    let documented: std::collections::BTreeSet<&str> = table
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| l.split('|').nth(1).unwrap_or_default().split('`'))
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .collect();
    let known: std::collections::BTreeSet<&str> =
        CODES.iter().copied().chain(["INTERNAL"]).collect();
    assert_eq!(
        documented, known,
        "README Errors table vs the codes clients may see"
    );
}

/// Every code the request paths write as `code: "..."` (error values) or map an error
/// to (`=> "..."`) is in [`CODES`]: a new code cannot ship without its line in the
/// README. The seeder's, the mailer's and the report builder's codes are the command
/// line's and the report runs' (documented with them), so their directories are left out.
#[test]
fn every_code_in_the_source_is_listed() {
    fn walk(dir: &std::path::Path, found: &mut std::collections::BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("src").flatten() {
            let path = entry.path();
            let skipped = ["seed", "mail", "report", "bench"]
                .iter()
                .any(|d| path.file_name().is_some_and(|n| n == *d));
            if path.is_dir() && !skipped {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for marker in ["code: \"", "=> \""] {
                    for (i, _) in text.match_indices(marker) {
                        let rest = &text[i + marker.len()..];
                        let word: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                            .collect();
                        let closed = rest[word.len()..].starts_with('"');
                        if closed && word.len() > 3 && word.contains('_') {
                            found.insert(word);
                        }
                    }
                }
            }
        }
    }
    let mut found = std::collections::BTreeSet::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    let missing: Vec<&String> = found
        .iter()
        .filter(|c| c.as_str() != "INTERNAL" && !CODES.contains(&c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "codes in src/ missing from CODES and the README: {missing:?}"
    );
    assert!(found.len() > 20, "the scan found the codes: {found:?}");
}

/// Text that must never reach a client.
const INTERNAL_TEXT: &[&str] = &[
    "sqlx",
    "DbErr",
    "panicked",
    "database error",
    "SQLSTATE",
    "sea_orm",
    "internal error",
];

const FIELDS: &[&str] = &[
    "units",
    "unit",
    "districts",
    "officers",
    "partyMemberships",
    "headquarters",
    "directives",
    "unionActivities",
    "dialogueQuestions",
    "awards",
    "me",
    "apiTokens",
    "analyticsQuery",
    "indicatorDefinitions",
    "indicators",
    "indicatorSeries",
    "indicatorGaps",
    "hqTrajectory",
    "indicatorCategories",
    "reportSchedules",
    "auditLog",
    "edges",
    "node",
    "pageInfo",
    "totalCount",
    "code",
    "name",
    "fullName",
    "birthYear",
    "officers",
    "chief",
    "district",
    "createOfficer",
    "deleteAward",
    "createApiToken",
    "refreshIndicators",
    "updateOfficer",
    "createDirective",
    "revokeApiToken",
    "deleteReportSchedule",
    "__typename",
    "__schema",
    "types",
    "fields",
    "x",
    "cursor",
    "hasNextPage",
    "value",
    "rows",
    "columns",
];

const ARGS: &[&str] = &[
    "first",
    "after",
    "filter",
    "orderBy",
    "code",
    "id",
    "input",
    "sql",
    "limit",
    "asOf",
    "groupBy",
    "from",
    "to",
    "period",
    "role",
    "name",
    "districtCode",
    "search",
    "activeOn",
    "q",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(FIELDS).prop_map(str::to_owned),
        1 => "[a-zA-Z_][a-zA-Z0-9_]{0,6}",
    ]
}

fn literal() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<i32>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        "\\PC{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        prop::sample::select(vec![
            "true",
            "false",
            "null",
            "PROVINCE",
            "DISTRICT",
            "ADMIN",
            "VIEWER",
            "CHIEF",
            "$v",
            "$first",
            "\"2024-12-31\"",
            "\"9999-99-99\"",
            "\"522\"",
            "\"SELECT * FROM units\"",
            "\"DROP TABLE units\"",
            "-1",
            "2147483648",
            "\"\\u0000\"",
            "\"bW9yZQ==\"",
        ])
        .prop_map(str::to_owned),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((prop::sample::select(ARGS), inner), 0..4).prop_map(|kv| {
                let fields: Vec<_> = kv.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{ {} }}", fields.join(", "))
            }),
        ]
    })
}

fn arguments() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(ARGS), literal()), 0..3).prop_map(|kv| {
        if kv.is_empty() {
            String::new()
        } else {
            let a: Vec<_> = kv.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("({})", a.join(", "))
        }
    })
}

fn selection() -> impl Strategy<Value = String> {
    let leaf = (name(), arguments()).prop_map(|(n, a)| format!("{n}{a}"));
    leaf.prop_recursive(5, 24, 4, |inner| {
        (name(), arguments(), prop::collection::vec(inner, 1..4))
            .prop_map(|(n, a, sub)| format!("{n}{a} {{ {} }}", sub.join(" ")))
    })
}

/// Real queries with generated argument values: these reach the resolvers.
const TEMPLATES: &[&str] = &[
    "{ units(first: $INT, after: $STR, filter: { districtCode: $STR, search: $STR }) { totalCount edges { cursor node { code name officerCount chief { rank } } } } }",
    "{ officers(first: $INT, filter: { unitCode: $STR, activeOn: $STR, birthYear: { min: $INT } }) { totalCount edges { node { fullName birthYear rank unit { code } } } } }",
    "{ unit(code: $STR) { code name officers { rank } headquarters { model status } } }",
    "{ analyticsQuery(sql: $SQL, limit: $INT) { rowCount truncated rows } }",
    "{ indicators(asOf: $STR, groupBy: [$ENUM]) { code value display } }",
    "{ indicatorGaps(code: $STR, asOf: $STR, first: $INT) { totalCount units { rank unitCode } } }",
    "{ indicatorSeries(code: $STR, from: $STR, to: $STR, period: $ENUM) { asOf value } }",
    "{ hqTrajectory(asOf: $STR) { missing onTrack } }",
    "{ directives(first: $INT, filter: { issuedOn: { from: $STR, to: $STR } }, orderBy: { field: $ENUM, direction: $ENUM }) { edges { node { title } } } }",
    "{ auditLog(first: $INT, after: $STR) { totalCount } }",
    "{ reportSchedules { name nextFireTimes(count: $INT) } }",
    "mutation { createDirective(input: { number: $STR, kind: $ENUM, issuer: $ENUM, title: $STR, issuedOn: $STR }) { dbId } }",
    "mutation { endOfficerPosting(id: $INT, postedTo: $STR) { dbId } }",
];

fn templated() -> impl Strategy<Value = String> {
    let strs = prop_oneof![
        "\\PC{0,12}",
        prop::sample::select(vec![
            "522",
            "2024-12-31",
            "2019-02-29",
            "9999-12-31",
            "0000-01-01",
            "party_standing_committee_rate",
            "hq_new_model_coverage",
            "bW9yZQ==",
            "YXJyYXk=",
            "%",
            "_",
            "'; DROP TABLE unit; --"
        ])
        .prop_map(str::to_owned),
    ]
    .prop_map(|s| serde_json::to_string(&s).unwrap());
    let sql = prop::sample::select(vec![
        "SELECT * FROM units",
        "SELECT COUNT(*) FROM officers GROUP BY unit_code",
        "SELECT 1/0",
        "SELECT * FROM units u JOIN officers o ON u.code = o.unit_code JOIN memberships m ON 1=1",
        "SELECT read_csv('/etc/passwd')",
        "WITH x AS (SELECT * FROM x) SELECT * FROM x",
        "SELECT * FROM indicator_values",
        "SELECT CAST(code AS INT) FROM units",
        "",
        "SELECT",
    ])
    .prop_map(|q| serde_json::to_string(q).unwrap());
    let ints = prop_oneof![
        Just(0i64),
        Just(-1),
        Just(1),
        Just(501),
        Just(i64::from(i32::MAX)),
        any::<i64>()
    ]
    .prop_map(|n| n.to_string());
    let enums = prop::sample::select(vec![
        "PROVINCE", "DISTRICT", "UNIT", "MONTH", "QUARTER", "YEAR", "PLAN", "ASC", "DESC", "ID",
        "NOPE", "null",
    ]);
    (
        prop::sample::select(TEMPLATES),
        prop::collection::vec((strs, sql, ints, enums), 8),
    )
        .prop_map(|(t, values)| {
            let mut doc = t.to_owned();
            for (s, q, i, e) in values {
                doc = doc
                    .replacen("$STR", &s, 1)
                    .replacen("$SQL", &q, 1)
                    .replacen("$INT", &i, 1)
                    .replacen("$ENUM", e, 1);
            }
            doc
        })
}

fn document() -> impl Strategy<Value = String> {
    let ops = prop::sample::select(vec![
        "",
        "query",
        "query Q($v: Int, $first: Int)",
        "mutation",
        "mutation M",
        "subscription",
        "fragment F on Unit",
    ]);
    let structured = (ops, prop::collection::vec(selection(), 1..3))
        .prop_map(|(op, s)| format!("{op} {{ {} }}", s.join(" ")));
    prop_oneof![
        8 => templated(),
        4 => structured,
        // Structured, then cut or spliced with junk.
        2 => (selection(), any::<prop::sample::Index>(), "\\PC{0,8}").prop_map(|(s, cut, junk)| {
            let doc = format!("{{ {s} }}");
            let at = doc.char_indices().map(|(i, _)| i).nth(cut.index(doc.chars().count())).unwrap_or(0);
            format!("{}{junk}{}", &doc[..at], &doc[at..])
        }),
        1 => "\\PC{0,40}",
        1 => Just("{ ...F } fragment F on Query { ...F }".to_owned()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,10}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A whole request body: one operation, a batch, or JSON of the wrong shape.
fn body() -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => operation(),
        2 => prop::collection::vec(operation(), 0..4).prop_map(Value::Array),
        1 => json_value(),
    ]
}

fn operation() -> impl Strategy<Value = Value> {
    (
        document(),
        prop_oneof![
            6 => Just(Value::Null),
            3 => prop::collection::btree_map(prop::sample::select(vec!["v", "first", "x"]), json_value(), 0..3)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
            1 => json_value(),
        ],
        prop_oneof![4 => Just(None), 1 => prop::option::of("[A-Z][a-z]{0,4}")],
    )
        .prop_map(|(q, v, n)| json!({ "query": q, "variables": v, "operationName": n }))
}

/// Counts that change when anything is written (the audit log aside).
async fn fingerprint(app: &TestApp) -> Vec<i64> {
    use sea_orm::ConnectionTrait;
    let version = coso::service::version::current(&app.db)
        .await
        .unwrap()
        .map(|v| v.version);
    let mut out = vec![version.unwrap_or(-1)];
    for table in [
        "unit",
        "officer",
        "party_membership",
        "headquarters",
        "directive",
        "award",
        "api_token",
        "report_schedule",
        "indicator_value",
    ] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                sql,
            ))
            .await
            .unwrap()
            .unwrap();
        out.push(row.try_get::<i64>("", "n").unwrap());
    }
    out
}

fn check(status: u16, text: &str) -> Result<(), String> {
    if ![200, 400, 401, 413].contains(&status) {
        return Err(format!("status {status}: {text}"));
    }
    if INTERNAL_TEXT.iter().any(|t| text.contains(t)) {
        return Err(format!("internal text in {text}"));
    }
    let body: Value = serde_json::from_str(text).map_err(|e| format!("not JSON ({e}): {text}"))?;
    let answers = match &body {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    for answer in answers {
        for error in answer["errors"].as_array().into_iter().flatten() {
            let code = error["extensions"]["code"].as_str().unwrap_or("<none>");
            if !CODES.contains(&code) {
                return Err(format!("code {code} in {text}"));
            }
        }
    }
    Ok(())
}

#[test]
fn generated_requests_never_fail_internally_or_change_data() {
    let rt = Runtime::new().unwrap();
    let limits = coso::config::Limits {
        rate_limit_per_min: 0,
        query_timeout_ms: 5_000,
        ..Default::default()
    };
    let app = rt.block_on(TestApp::spawn_with(limits, true));
    let before = rt.block_on(fingerprint(&app));
    let cases = std::env::var("COSO_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    let mut runner = TestRunner::new(Config {
        cases,
        ..Config::default()
    });
    let tokens = [
        app.viewer.clone(),
        app.analyst.clone(),
        app.analyst.clone(),
        app.city_viewer.clone(),
    ];
    let token = prop_oneof![9 => prop::sample::select(tokens.to_vec()), 1 => Just(String::new())];
    let strategy = (body(), token);
    let result = runner.run(&strategy, |(body, token)| {
        let (status, text) = rt.block_on(async {
            let token = (!token.is_empty()).then_some(token.as_str());
            let resp = app.post(token, &body).await;
            let status = resp.status().as_u16();
            (status, resp.text().await.unwrap())
        });
        check(status, &text).map_err(|e| TestCaseError::fail(format!("{e}\nrequest: {body}")))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert_eq!(rt.block_on(fingerprint(&app)), before, "the data changed");
    let health = rt
        .block_on(app.client.get(format!("{}/health", app.base)).send())
        .unwrap();
    assert_eq!(health.status(), 200);
}

/// Text an admin might send: valid names, and every kind of implausible one.
fn text_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => Just(json!("Nguyễn Văn An")),
        1 => Just(json!("")),
        1 => Just(json!("   ")),
        1 => Just(json!("x".repeat(5000))),
        1 => Just(json!(null)),
        1 => Just(json!(42)),
        2 => "[\\x00-\\x1f\\u{200b}-\\u{200f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}\\u{feff}a-zà-ỹ ]{1,12}".prop_map(Value::from),
        1 => any::<String>().prop_map(Value::from),
    ]
}

fn date_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => Just(json!("2024-05-01")),
        1 => Just(json!("0000-01-01")),
        1 => Just(json!("9999-12-31")),
        1 => Just(json!("1900-01-01")),
        1 => Just(json!("2024-02-30")),
        1 => Just(json!("yesterday")),
        1 => Just(json!(null)),
        1 => (-5000i32..12000, 1u32..13, 1u32..29).prop_map(|(y, m, d)| json!(format!("{y:04}-{m:02}-{d:02}"))),
    ]
}

fn int_value(valid: i64) -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => Just(json!(valid)),
        1 => Just(json!(-1)),
        1 => Just(json!(i64::from(i32::MAX) + 1)),
        1 => Just(json!("12")),
        1 => any::<i32>().prop_map(Value::from),
    ]
}

fn unit_value() -> impl Strategy<Value = Value> {
    prop_oneof![3 => Just(json!("21010")), 1 => Just(json!("99999")), 1 => Just(json!("")), 1 => text_value()]
}

fn pick(values: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![4 => prop::sample::select(values).prop_map(Value::from), 1 => Just(json!("NO_SUCH_VALUE"))]
}

/// An admin mutation with generated input: a document and its variables.
fn admin_mutation() -> impl Strategy<Value = (String, Value)> {
    let officer = (unit_value(), text_value(), int_value(1990), pick(&["THIEU_UY", "TRUNG_UY", "DAI_TA"]), pick(&["OFFICER", "DEPUTY", "CHIEF"]), date_value(), date_value())
        .prop_map(|(u, n, y, r, p, f, t)| (
            "mutation($i: CreateOfficerInput!) { createOfficer(input: $i) { dbId } }".to_owned(),
            json!({ "i": { "unitCode": u, "fullName": n, "gender": "MALE", "birthYear": y, "rank": r, "position": p, "postedFrom": f, "postedTo": t } }),
        ));
    let update = (int_value(1), text_value(), int_value(1985))
        .prop_map(|(id, n, y)| (
            "mutation($id: ID!, $i: UpdateOfficerInput!) { updateOfficer(id: $id, input: $i) { dbId } }".to_owned(),
            json!({ "id": id, "i": { "fullName": n, "birthYear": y } }),
        ));
    let directive = (text_value(), text_value(), date_value(), pick(&["PLAN", "DIRECTIVE"]))
        .prop_map(|(num, t, d, k)| (
            "mutation($i: DirectiveInput!) { createDirective(input: $i) { dbId } }".to_owned(),
            json!({ "i": { "number": num, "title": t, "issuedOn": d, "kind": k, "issuer": "POLICE_DEPARTMENT" } }),
        ));
    let seat = (int_value(1), text_value(), date_value(), date_value(), pick(&["EXECUTIVE_COMMITTEE", "STANDING_COMMITTEE"]))
        .prop_map(|(id, term, s, e, b)| (
            "mutation($i: CreateMembershipInput!) { createPartyMembership(input: $i) { dbId } }".to_owned(),
            json!({ "i": { "officerId": id, "body": b, "term": term, "startedOn": s, "endedOn": e } }),
        ));
    let award = (unit_value(), text_value(), date_value())
        .prop_map(|(u, r, d)| (
            "mutation($i: AwardInput!) { createAward(input: $i) { dbId } }".to_owned(),
            json!({ "i": { "form": "CERTIFICATE_OF_MERIT", "issuer": "DIRECTOR", "unitCode": u, "reason": r, "awardedOn": d } }),
        ));
    let activity = (text_value(), text_value(), unit_value(), date_value(), date_value())
        .prop_map(|(n, p, u, s, e)| (
            "mutation($i: ActivityInput!) { createUnionActivity(input: $i) { dbId } }".to_owned(),
            json!({ "i": { "organisation": "YOUTH_UNION", "kind": "WORK_OR_MODEL", "name": n, "programme": p, "unitCode": u, "startedOn": s, "endedOn": e } }),
        ));
    prop_oneof![officer, update, directive, seat, award, activity]
}

#[test]
fn an_admins_refused_mutations_leave_nothing_behind() {
    let rt = Runtime::new().unwrap();
    let limits = coso::config::Limits {
        rate_limit_per_min: 0,
        ..Default::default()
    };
    let app = rt.block_on(TestApp::spawn_with(limits, true));
    let cases = std::env::var("COSO_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(128);
    let (refused, accepted) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    let codes = std::cell::RefCell::new(std::collections::BTreeMap::new());
    // Most generated inputs are refused; a run of 128 with none accepted happens now and
    // then (a PostgreSQL run of the suite on 6/12/2026: 128 refused, 0 accepted) and would
    // leave the accepted path untried: another run of fresh cases then, up to four.
    for _ in 0..4 {
        if accepted.get() > 0 {
            break;
        }
        let mut runner = TestRunner::new(Config {
            cases,
            ..Config::default()
        });
        let result = runner.run(&admin_mutation(), |(query, variables)| {
            let before = rt.block_on(fingerprint(&app));
            let body = json!({ "query": query, "variables": variables });
            let (status, text) = rt.block_on(async {
                let resp = app.post(Some(&app.admin), &body).await;
                let status = resp.status().as_u16();
                (status, resp.text().await.unwrap())
            });
            let fail = |e: String| TestCaseError::fail(format!("{e}\nrequest: {body}"));
            check(status, &text).map_err(fail)?;
            let answer: Value = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
            let after = rt.block_on(fingerprint(&app));
            if answer.get("errors").is_some() {
                refused.set(refused.get() + 1);
                let code = answer["errors"][0]["extensions"]["code"]
                    .as_str()
                    .unwrap_or("?");
                *codes.borrow_mut().entry(code.to_owned()).or_insert(0u32) += 1;
                prop_assert_eq!(
                    &after,
                    &before,
                    "a refused mutation changed the data: {}",
                    text
                );
            } else {
                accepted.set(accepted.get() + 1);
                prop_assert_ne!(
                    &after,
                    &before,
                    "an accepted mutation changed nothing: {}",
                    text
                );
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
    }
    let (refused, accepted) = (refused.get(), accepted.get());
    assert!(
        refused > cases / 4 && accepted > 0,
        "both kinds were tried ({refused} refused, {accepted} accepted; codes {:?})",
        codes.borrow()
    );
}
