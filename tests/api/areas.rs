//! Areas as scopes: the 2024 districts as areas over time (their units in 2024 and the
//! successors they hold from 1/7/2025), a unit's own area, custom areas with dated
//! members, their management (province admins only, audited, bad input refused whole),
//! and tokens of a database migrated from the district scope.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::helpers::{CITY, OTHER, TestApp, first_code};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/units/restructuring");

/// Rows of one of the restructuring CSVs as header -> value maps.
fn csv_rows(file: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(format!("{DATA}/{file}")).expect("csv");
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().expect("header").split(',').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            head.iter()
                .zip(l.split(','))
                .map(|(h, v)| ((*h).to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn codes_of(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|u| u["code"].as_str().expect("code").to_owned())
        .collect()
}

const UNITS_ON: &str =
    "query($on: NaiveDate) { areas { code name kind units(on: $on) { code validFrom } } }";

#[tokio::test]
async fn district_area_522_holds_its_23_units_in_2024_and_its_successors_from_july_2025() {
    let app = TestApp::spawn().await;
    // What the data files say, computed here independently of the loader.
    let y2024: BTreeSet<String> = csv_rows("qn_2024_to_2025-01-01.csv")
        .into_iter()
        .filter(|r| r["district_code_2024"] == CITY)
        .map(|r| r["code_2024"].clone())
        .collect();
    assert_eq!(y2024.len(), 23);
    let step = csv_rows("qn_2025-01-01_to_2025-07-01.csv");
    let jan2025: BTreeSet<String> = step
        .iter()
        .filter(|r| r["district_code"] == CITY)
        .map(|r| r["code_2025_01_01"].clone())
        .collect();
    // From 1/7/2025: the successors most of whose predecessors were in the district.
    let mut by_successor: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for r in &step {
        *by_successor
            .entry(r["code_2025_07_01"].as_str())
            .or_default()
            .entry(r["district_code"].as_str())
            .or_default() += 1;
    }
    let jul2025: BTreeSet<String> = by_successor
        .iter()
        .filter(|(_, counts)| {
            let most = counts.values().max().copied().unwrap_or(0);
            counts.get(CITY) == Some(&most) && counts.values().filter(|n| **n == most).count() == 1
        })
        .map(|(code, _)| (*code).to_owned())
        .collect();
    assert!(!jul2025.is_empty());
    // Xã Đông Sơn (21109) took in Tịnh Hòa of the city and four communes of Bình Sơn:
    // it is Bình Sơn's.
    assert!(!jul2025.contains("21109"));

    for (on, want) in [
        ("2024-06-01", &y2024),
        ("2025-03-01", &jan2025),
        ("2025-08-01", &jul2025),
    ] {
        let data = app
            .data(&app.city_viewer, UNITS_ON, json!({ "on": on }))
            .await;
        let areas = data["areas"].as_array().expect("areas");
        assert_eq!(areas.len(), 1, "an area token sees its own area only");
        assert_eq!(areas[0]["code"], CITY);
        assert_eq!(areas[0]["name"], "Thành phố Quảng Ngãi");
        assert_eq!(areas[0]["kind"], "DISTRICT");
        assert_eq!(&codes_of(&areas[0]["units"]), want, "on {on}");
    }
    let other = app
        .data(
            &app.admin,
            r#"{ area(code: "524") { units(on: "2025-08-01") { code } } }"#,
            json!({}),
        )
        .await;
    assert!(codes_of(&other["area"]["units"]).contains("21109"));
    let hidden = app
        .gql(
            &app.city_viewer,
            r#"{ area(code: "524") { code } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_code(&hidden), "NOT_FOUND");

    // The district areas still divide the province on 1/7/2025: each of the 96 is in one.
    let all = app
        .data(&app.admin, UNITS_ON, json!({ "on": "2025-08-01" }))
        .await;
    let mut seen = Vec::new();
    for a in all["areas"].as_array().expect("areas") {
        if a["kind"] == "DISTRICT" {
            seen.extend(codes_of(&a["units"]));
        }
    }
    let distinct: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), distinct.len(), "no unit in two district areas");
    assert_eq!(
        distinct.len(),
        96,
        "every unit of 1/7/2025 in one district area"
    );
}

/// The nodes of a connection.
fn nodes(v: &Value) -> Vec<Value> {
    v["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn ids(rows: &[Value]) -> BTreeSet<i64> {
    rows.iter()
        .map(|r| r["dbId"].as_i64().expect("id"))
        .collect()
}

async fn token(app: &TestApp, role: &str, area: &str) -> String {
    let made = app
        .data(
            &app.admin,
            "mutation($r: Role!, $a: String) { createApiToken(role: $r, areaCode: $a, name: \"area test\") { token { areaCode } secret } }",
            json!({ "r": role, "a": area }),
        )
        .await;
    assert_eq!(made["createApiToken"]["token"]["areaCode"], area);
    made["createApiToken"]["secret"]
        .as_str()
        .expect("secret")
        .to_owned()
}

/// A unit of `district` with at least `min` officers (the one with most), per the
/// province's view.
async fn busy_unit(app: &TestApp, district: &str, min: usize) -> String {
    let data = app
        .data(
            &app.admin,
            "query($d: String) { units(first: 100, filter: { districtCode: $d }) { edges { node { code officers { dbId } } } } }",
            json!({ "d": district }),
        )
        .await;
    nodes(&data["units"])
        .iter()
        .map(|u| {
            let n = u["officers"].as_array().map_or(0, Vec::len);
            (n, u["code"].as_str().expect("code").to_owned())
        })
        .filter(|(n, _)| *n >= min)
        .max()
        .map(|(_, c)| c)
        .expect("a unit with officers")
}

const FACTS: &str = r#"query($u: String) {
  officers(first: 500, filter: { unitCode: $u }) { totalCount edges { node { dbId unitCode postedFrom postedTo } } }
  awards(first: 500, filter: { unitCode: $u }) { totalCount edges { node { dbId unitCode awardedOn } } }
}"#;

#[tokio::test]
async fn a_unit_token_sees_one_unit_and_only_its_facts_on_every_path() {
    let app = TestApp::spawn().await;
    let code = busy_unit(&app, CITY, 2).await;
    let made = app
        .data(
            &app.admin,
            r#"mutation($u: String!) { createUnitArea(unitCode: $u, on: "2024-06-01") { code name kind members { unitCode validFrom validTo } } }"#,
            json!({ "u": code }),
        )
        .await;
    let area = made["createUnitArea"].clone();
    assert_eq!(area["code"], format!("{code}@2020-02-01"));
    assert_eq!(area["kind"], "UNIT");
    assert_eq!(
        area["members"],
        json!([{ "unitCode": code, "validFrom": null, "validTo": "2024-12-31" }])
    );
    let area_code = area["code"].as_str().expect("code").to_owned();
    let viewer = token(&app, "VIEWER", &area_code).await;
    let analyst = token(&app, "ANALYST", &area_code).await;

    // Lists and counts.
    assert_eq!(app.count(&viewer, "units", json!({})).await, 1);
    assert_eq!(app.count(&viewer, "districts", json!({})).await, 1);
    let all = app.data(&app.admin, FACTS, json!({ "u": code })).await;
    let mine = app.data(&viewer, FACTS, json!({ "u": null })).await;
    // The unit's period ends on 31/12/2024: its facts are those of days up to then.
    let cut = "2024-12-31";
    let officers: Vec<Value> = nodes(&all["officers"])
        .into_iter()
        .filter(|o| o["postedFrom"].as_str().expect("from") <= cut)
        .collect();
    assert!(!officers.is_empty());
    assert_eq!(ids(&nodes(&mine["officers"])), ids(&officers));
    assert_eq!(mine["officers"]["totalCount"], officers.len());
    let awards: Vec<Value> = nodes(&all["awards"])
        .into_iter()
        .filter(|a| a["awardedOn"].as_str().expect("day") <= cut)
        .collect();
    assert_eq!(ids(&nodes(&mine["awards"])), ids(&awards));
    for field in [
        "partyMemberships",
        "headquarters",
        "unionActivities",
        "dialogueQuestions",
    ] {
        let q = format!(
            "{{ {field}(first: 500) {{ edges {{ node {{ {} }} }} }} }}",
            if field == "dialogueQuestions" {
                "askerUnitCode"
            } else {
                "unitCode"
            }
        );
        let rows = app.data(&viewer, &q, json!({})).await;
        for n in nodes(&rows[field]) {
            let at = n.get("unitCode").or(n.get("askerUnitCode")).expect("unit");
            assert!(at.is_null() || at == &json!(code), "{field}: {n}");
        }
    }
    // Nested fields and lookups of another unit.
    let deep = app
        .data(
            &viewer,
            "{ units(first: 10) { edges { node { code officers { unitCode } headquarters { unitCode } awards { unitCode } partyMemberships { unitCode } } } } }",
            json!({}),
        )
        .await;
    let mut codes = BTreeSet::new();
    collect_units(&deep, &mut codes);
    assert_eq!(codes, BTreeSet::from([code.clone()]));
    let neighbour = busy_unit(&app, OTHER, 1).await;
    let one = app
        .data(
            &viewer,
            "query($c: String!) { unit(code: $c) { code } }",
            json!({ "c": neighbour }),
        )
        .await;
    assert!(one["unit"].is_null());

    // Indicators (the dataset load) by unit: this unit only.
    let rows = app
        .data(
            &viewer,
            r#"{ indicators(asOf: "2024-12-31", groupBy: [UNIT]) { code group { kind code } } }"#,
            json!({}),
        )
        .await;
    let groups: BTreeSet<String> = rows["indicators"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["group"]["kind"] == "UNIT" || r["group"]["kind"] == "unit")
        .map(|r| r["group"]["code"].as_str().expect("code").to_owned())
        .collect();
    assert_eq!(groups, BTreeSet::from([code.clone()]));

    // Analytics tables.
    let sql = "query($s: String!) { analyticsQuery(sql: $s) { rows } }";
    let n = app
        .data(
            &analyst,
            sql,
            json!({ "s": "SELECT COUNT(*) AS n FROM units" }),
        )
        .await;
    assert_eq!(n["analyticsQuery"]["rows"], json!([[1]]));
    let at = app
        .data(
            &analyst,
            sql,
            json!({ "s": "SELECT DISTINCT unit_code FROM officers UNION SELECT DISTINCT unit_code FROM awards" }),
        )
        .await;
    assert_eq!(at["analyticsQuery"]["rows"], json!([[code]]));
}

fn collect_units(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if (k == "code" || k == "unitCode") && x.is_string() {
                    out.insert(x.as_str().unwrap_or_default().to_owned());
                }
                collect_units(x, out);
            }
        }
        Value::Array(xs) => xs.iter().for_each(|x| collect_units(x, out)),
        _ => {}
    }
}

const SET: &str = "mutation($c: String!, $m: [AreaMemberInput!]!) { setAreaMembers(code: $c, members: $m) { code members { unitCode validFrom validTo } } }";

#[tokio::test]
async fn a_custom_area_sees_its_members_on_their_days_and_follows_their_changes() {
    let app = TestApp::spawn().await;
    let (a, b) = (
        busy_unit(&app, CITY, 1).await,
        busy_unit(&app, OTHER, 4).await,
    );
    app.data(
        &app.admin,
        r#"mutation { createArea(code: "cum-1", name: "Cụm 1") { code kind } }"#,
        json!({}),
    )
    .await;
    // B only up to the middle of its officers' postings: some of them fall outside.
    let all_b = app.data(&app.admin, FACTS, json!({ "u": b })).await;
    let mut starts: Vec<String> = nodes(&all_b["officers"])
        .iter()
        .map(|o| o["postedFrom"].as_str().expect("from").to_owned())
        .collect();
    starts.sort();
    let cut = starts[starts.len() / 2 - 1].clone();
    let inside: Vec<Value> = nodes(&all_b["officers"])
        .into_iter()
        .filter(|o| o["postedFrom"].as_str().expect("from") <= cut.as_str())
        .collect();
    assert!(!inside.is_empty() && inside.len() < starts.len());
    let members = json!([
        { "unitCode": a },
        { "unitCode": b, "validTo": cut },
    ]);
    let set = app
        .data(&app.admin, SET, json!({ "c": "cum-1", "m": members }))
        .await;
    assert_eq!(
        set["setAreaMembers"]["members"]
            .as_array()
            .expect("m")
            .len(),
        2
    );
    let viewer = token(&app, "VIEWER", "cum-1").await;

    let all_a = app.data(&app.admin, FACTS, json!({ "u": a })).await;
    let mine = app.data(&viewer, FACTS, json!({ "u": null })).await;
    let mut want = ids(&nodes(&all_a["officers"]));
    want.extend(ids(&inside));
    assert_eq!(ids(&nodes(&mine["officers"])), want);
    let awards_b: BTreeSet<i64> = nodes(&all_b["awards"])
        .iter()
        .filter(|x| x["awardedOn"].as_str().expect("day") <= cut.as_str())
        .map(|x| x["dbId"].as_i64().expect("id"))
        .collect();
    let mut want_awards = ids(&nodes(&all_a["awards"]));
    want_awards.extend(awards_b);
    assert_eq!(ids(&nodes(&mine["awards"])), want_awards);
    assert_eq!(app.count(&viewer, "units", json!({})).await, 2);

    // B from the cut on: the facts of its earlier days drop out.
    let later = app
        .data(
            &app.admin,
            SET,
            json!({ "c": "cum-1", "m": [{ "unitCode": b, "validFrom": cut }] }),
        )
        .await;
    assert_eq!(
        later["setAreaMembers"]["members"][0]["validFrom"],
        json!(cut)
    );
    let mine = app.data(&viewer, FACTS, json!({ "u": null })).await;
    let officers_b: BTreeSet<i64> = nodes(&all_b["officers"])
        .iter()
        .filter(|o| o["postedTo"].as_str().is_none_or(|to| to > cut.as_str()))
        .map(|o| o["dbId"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids(&nodes(&mine["officers"])), officers_b);
    let awards_b: BTreeSet<i64> = nodes(&all_b["awards"])
        .iter()
        .filter(|x| x["awardedOn"].as_str().expect("day") >= cut.as_str())
        .map(|x| x["dbId"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids(&nodes(&mine["awards"])), awards_b);
    app.data(&app.admin, SET, json!({ "c": "cum-1", "m": members }))
        .await;

    // The viewer's answers are cached (from the second asking); a change of members
    // shows at once.
    let count = "{ officers { totalCount } }";
    app.data(&viewer, count, json!({})).await;
    let before = app.data(&viewer, count, json!({})).await;
    assert_eq!(before["officers"]["totalCount"], want.len());
    app.data(
        &app.admin,
        SET,
        json!({ "c": "cum-1", "m": [{ "unitCode": a }] }),
    )
    .await;
    let after = app.data(&viewer, count, json!({})).await;
    assert_eq!(
        after["officers"]["totalCount"],
        all_a["officers"]["totalCount"]
    );
    assert_eq!(app.count(&viewer, "units", json!({})).await, 1);
}

#[tokio::test]
async fn areas_are_managed_by_province_admins_only_and_bad_input_changes_nothing() {
    let app = TestApp::spawn().await;
    let create = r#"mutation { createArea(code: "kon-tum-cu", name: "Kon Tum cũ") { code } }"#;
    for t in [&app.city_admin, &app.viewer, &app.analyst, &app.city_viewer] {
        assert_eq!(
            first_code(&app.gql(t, create, json!({})).await),
            "FORBIDDEN"
        );
        let rename = app
            .gql(
                t,
                r#"mutation { renameArea(code: "522", name: "x") { code } }"#,
                json!({}),
            )
            .await;
        assert_eq!(first_code(&rename), "FORBIDDEN");
    }
    app.data(&app.admin, create, json!({})).await;
    assert_eq!(
        first_code(&app.gql(&app.admin, create, json!({})).await),
        "DUPLICATE_AREA"
    );
    let bad_code = app
        .gql(
            &app.admin,
            r#"mutation { createArea(code: "a b", name: "x") { code } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_code(&bad_code), "INVALID_INPUT");
    let good = json!([{ "unitCode": "21010" }]);
    app.data(&app.admin, SET, json!({ "c": "kon-tum-cu", "m": good }))
        .await;
    let cases = [
        (
            json!([{ "unitCode": "21010" }, { "unitCode": "99999" }]),
            "UNKNOWN_UNIT",
        ),
        (
            json!([{ "unitCode": "21013", "validFrom": "2025-03-01", "validTo": "2025-01-01" }]),
            "INVALID_DATE_RANGE",
        ),
        // 21013 is no code of 1/7/2025.
        (
            json!([{ "unitCode": "21013", "validFrom": "2025-08-01" }]),
            "UNKNOWN_UNIT",
        ),
    ];
    for (members, code) in cases {
        let body = app
            .gql(&app.admin, SET, json!({ "c": "kon-tum-cu", "m": members }))
            .await;
        assert_eq!(first_code(&body), code, "{body}");
    }
    let kept = app
        .data(
            &app.admin,
            r#"{ area(code: "kon-tum-cu") { members { unitCode validFrom validTo } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        kept["area"]["members"],
        json!([{ "unitCode": "21010", "validFrom": null, "validTo": null }]),
        "a refused change writes nothing"
    );
    let district = app
        .gql(&app.admin, SET, json!({ "c": CITY, "m": good }))
        .await;
    assert_eq!(first_code(&district), "AREA_NOT_CUSTOM");
    let renamed = app
        .data(
            &app.admin,
            r#"mutation { renameArea(code: "kon-tum-cu", name: "Tỉnh Kon Tum (cũ)") { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(renamed["renameArea"]["name"], "Tỉnh Kon Tum (cũ)");
    let unknown = app
        .gql(&app.admin, r#"mutation { createApiToken(role: VIEWER, areaCode: "nowhere", name: "x") { secret } }"#, json!({}))
        .await;
    assert_eq!(first_code(&unknown), "INVALID_INPUT");
    assert!(unknown.to_string().contains("unknown area code `nowhere`"));
    let both = app
        .gql(&app.admin, r#"mutation { createApiToken(role: VIEWER, areaCode: "522", districtCode: "524", name: "x") { secret } }"#, json!({}))
        .await;
    assert_eq!(first_code(&both), "INVALID_INPUT");
    token(&app, "VIEWER", "kon-tum-cu").await;
    let in_use = app
        .gql(
            &app.admin,
            r#"mutation { deleteArea(code: "kon-tum-cu") { code } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_code(&in_use), "AREA_IN_USE");
    app.data(
        &app.admin,
        r#"mutation { createArea(code: "tam", name: "Tạm") { code } }"#,
        json!({}),
    )
    .await;
    app.data(
        &app.admin,
        r#"mutation { deleteArea(code: "tam") { code } }"#,
        json!({}),
    )
    .await;
    let gone = app
        .gql(&app.admin, r#"{ area(code: "tam") { code } }"#, json!({}))
        .await;
    assert_eq!(first_code(&gone), "NOT_FOUND");

    // Every write, refused or not, is in the audit log.
    let log = app
        .data(
            &app.admin,
            r#"{ auditLog(first: 100, filter: { kind: "mutation" }) { edges { node { operation outcome } } } }"#,
            json!({}),
        )
        .await;
    let seen: BTreeSet<(String, String)> = nodes(&log["auditLog"])
        .iter()
        .map(|n| {
            (
                n["operation"].as_str().unwrap_or_default().to_owned(),
                n["outcome"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for (op, outcome) in [
        ("createArea", "ok"),
        ("createArea", "FORBIDDEN"),
        ("createArea", "DUPLICATE_AREA"),
        ("setAreaMembers", "ok"),
        ("setAreaMembers", "UNKNOWN_UNIT"),
        ("renameArea", "ok"),
        ("deleteArea", "AREA_IN_USE"),
        ("deleteArea", "ok"),
    ] {
        assert!(
            seen.contains(&(op.to_owned(), outcome.to_owned())),
            "{op} {outcome} in {seen:?}"
        );
    }
}

#[tokio::test]
async fn district_tokens_of_an_older_database_become_area_ones() {
    use migration::MigratorTrait;
    use sea_orm::sea_query::Query;
    use sea_orm::{ConnectionTrait, Database};
    let dir = tempfile::tempdir().expect("tempdir");
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let db = Database::connect(&url).await.expect("connect");
    coso::db::migrate(&db).await.expect("migrate");
    coso::seed::seed_demo(&db).await.expect("seed");
    // Back to the schema before areas (the areas migration and the ones after it), with a
    // token scoped the old way.
    let after_areas = migration::Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name() == "m20261202_000013_areas")
        .expect("the areas migration") as u32;
    migration::Migrator::down(&db, Some(after_areas + 1))
        .await
        .expect("down to before areas");
    let secret = "coso_an_old_district_token";
    let old = Query::insert()
        .into_table("api_token")
        .columns(["name", "role", "district_code", "token_hash", "created_at"])
        .values_panic([
            "old chief".into(),
            "viewer".into(),
            CITY.into(),
            coso::auth::hash_secret(secret).into(),
            chrono::Utc::now().into(),
        ])
        .to_owned();
    db.execute(&old).await.expect("an old token");
    coso::db::migrate(&db).await.expect("up again");
    let principal = coso::service::tokens::authenticate(&db, secret)
        .await
        .expect("authenticate")
        .expect("live");
    assert_eq!(principal.scope.area.as_deref(), Some(CITY));
    let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).expect("day");
    let units = coso::service::areas::units_on(&db, CITY, day)
        .await
        .expect("units");
    assert_eq!(
        units.len(),
        23,
        "the district area is filled from the history"
    );
}

#[tokio::test]
async fn an_area_admin_cannot_write_a_fact_dated_outside_its_area() {
    let app = TestApp::spawn().await;
    // 21010 was merged into 21028 on 1/7/2025: its unit area ends on 30/6/2025.
    let made = app
        .data(
            &app.admin,
            r#"mutation { createUnitArea(unitCode: "21010", on: "2025-03-01") { code } }"#,
            json!({}),
        )
        .await;
    let area = made["createUnitArea"]["code"]
        .as_str()
        .expect("code")
        .to_owned();
    assert_eq!(area, "21010@2025-01-01");
    let admin = token(&app, "ADMIN", &area).await;
    let create = "mutation($i: CreateOfficerInput!) { createOfficer(input: $i) { dbId unitCode } }";
    let officer = |from: &str| json!({ "i": { "unitCode": "21010", "fullName": "Phạm Văn An", "gender": "MALE", "birthYear": 1995, "rank": "THIEU_UY", "position": "OFFICER", "postedFrom": from } });
    let before = app
        .count(&app.admin, "officers", json!({ "unitCode": "21010" }))
        .await;
    // 21010 no longer exists on that day: refused before the area is asked
    let late = app.gql(&admin, create, officer("2025-09-01")).await;
    assert_eq!(first_code(&late), "UNKNOWN_UNIT", "{late}");
    assert_eq!(
        app.count(&app.admin, "officers", json!({ "unitCode": "21010" }))
            .await,
        before,
        "nothing written"
    );
    let award = json!({ "i": { "form": "CERTIFICATE_OF_MERIT", "issuer": "MINISTER", "unitCode": "21010", "awardedOn": "2024-06-01", "reason": "Thành tích" } });
    // (21010 existed then, as the unit of 2024, which this unit area does not hold)
    let refused = app
        .gql(
            &admin,
            "mutation($i: AwardInput!) { createAward(input: $i) { dbId } }",
            award,
        )
        .await;
    assert_eq!(first_code(&refused), "OUTSIDE_AREA", "{refused}");
    let ok = app.data(&admin, create, officer("2025-03-02")).await;
    assert_eq!(ok["createOfficer"]["unitCode"], "21010");
    assert_eq!(
        app.count(&admin, "officers", json!({ "unitCode": "21010" }))
            .await,
        app.count(
            &app.admin,
            "officers",
            json!({ "unitCode": "21010", "postedFrom": { "to": "2025-06-30" } })
        )
        .await,
        "the area admin sees the officer it wrote, and those of its days"
    );
}
