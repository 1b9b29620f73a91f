//! The restructuring operation as an admin runs it: the demo seed's 2025 steps (applied
//! by the operation), a further reform through the `applyRestructuring` mutation (dry
//! run, apply, apply again, refused plans, refused tokens) and through the `coso
//! restructure apply` command against a real database.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use chrono::NaiveDate;
use entity::{
    audit_log, headquarters, officer, party_membership, unit_edition, unit_lineage, unit_period,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Statement,
};
use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code};

const APPLY: &str = r#"mutation($plan: String!, $effective: NaiveDate!, $dry: Boolean!) {
  applyRestructuring(plan: $plan, effective: $effective, dryRun: $dry) {
    effectiveOn dryRun changed summary planLines periodsCreated periodsEnded lineageLinksAdded
    editionsCreated notes
    successors { code name predecessors merger officersMoved chiefOfficerId chiefFrom chiefRule
                 deputyOfficerIds seatsEnded seatsMoved headquartersPassed }
  }
}"#;

/// A reform of 1 Jan 2027: Phường Cẩm Thành (21025) joins Phường Nghĩa Lộ (21028),
/// which becomes a new unit under a new name; Xã Ba Xa (21538) is renumbered 21010 (a code free since 1 Jul 2025; facts still
/// need their code in the `unit` table).
const PLAN_2027: &str = "from_code,to_code,share,to_name,to_type,effective_date,resolution\n\
21028,21028,full,Phường Nghĩa Lộ Mới,phường,2027-01-01,99/2026/NQ-UBTVQH16\n\
21025,21028,full,,,2027-01-01,99/2026/NQ-UBTVQH16\n\
21538,21010,full,Xã Ba Xa,xã,2027-01-01,99/2026/NQ-UBTVQH16\n";

/// The demo with both 2025 restructurings applied by the operation.
async fn spawn() -> TestApp {
    let app = TestApp::spawn().await;
    coso::seed::restructure_demo_2025(&app.db).await.unwrap();
    app
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Officer rows in post on `d` (`[posted_from, posted_to)` holds).
fn in_post(rows: &[officer::Model], d: NaiveDate) -> Vec<&officer::Model> {
    rows.iter()
        .filter(|o| o.posted_from <= d && o.posted_to.is_none_or(|t| t > d))
        .collect()
}

/// Every row of the tables the operation may write, as text (audit and version aside).
async fn fingerprint(db: &DatabaseConnection) -> String {
    let mut out = String::new();
    for (table, key) in [
        ("officer", "id"),
        ("party_membership", "id"),
        ("headquarters", "id"),
        ("unit_period", "id"),
        ("unit_lineage", "id"),
        ("unit_edition", "id"),
    ] {
        let sql = format!("SELECT * FROM {table} ORDER BY {key}");
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
        out.push_str(&format!("{table}: {}\n", rows.len()));
        for r in rows {
            out.push_str(&format!("{r:?}\n"));
        }
    }
    out
}

async fn apply(app: &TestApp, token: &str, plan: &str, effective: &str, dry: bool) -> Value {
    app.gql(
        token,
        APPLY,
        json!({ "plan": plan, "effective": effective, "dry": dry }),
    )
    .await
}

fn successor<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["successors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap()
}

#[tokio::test]
async fn the_demo_applies_the_1_july_2025_restructuring_to_the_police_facts() {
    let app = spawn().await;
    let db = &app.db;
    let officers = officer::Entity::find().all(db).await.unwrap();
    let (eve, d) = (day("2025-06-30"), day("2025-07-01"));
    // The same people are in post the day before and the day of the change.
    assert_eq!(in_post(&officers, eve).len(), in_post(&officers, d).len());
    assert_eq!(
        in_post(&officers, day("2024-12-31")).len(),
        in_post(&officers, d).len()
    );
    let new_units: BTreeSet<String> = unit_period::Entity::find()
        .filter(unit_period::Column::ValidFrom.eq(d))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.code)
        .collect();
    assert_eq!(new_units.len(), 96);
    // No posting at an abolished code is open after 30 Jun 2025.
    for o in in_post(&officers, d) {
        assert!(
            new_units.contains(&o.unit_code),
            "open at an abolished code: {o:?}"
        );
    }
    // One chief per successor wherever its predecessors had chiefs.
    let links = unit_lineage::Entity::find()
        .filter(unit_lineage::Column::ToValidFrom.eq(d))
        .all(db)
        .await
        .unwrap();
    let mut preds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in &links {
        if let (Some(f), Some(t), "whole") = (&l.from_code, &l.to_code, l.share.as_str()) {
            preds.entry(t.clone()).or_default().push(f.clone());
        }
    }
    let chiefs_on = |code: &str, on: NaiveDate| {
        in_post(&officers, on)
            .into_iter()
            .filter(|o| o.unit_code == code && o.position == "chief")
            .count()
    };
    let mut with_chief = 0;
    for code in &new_units {
        let had = preds
            .get(code)
            .is_some_and(|p| p.iter().any(|f| chiefs_on(f, eve) > 0));
        let now = chiefs_on(code, d);
        assert!(now <= 1, "{code} has {now} chiefs");
        if had {
            assert_eq!(now, 1, "{code} lost its chief");
            with_chief += 1;
        }
    }
    assert_eq!(
        with_chief, 55,
        "every old Quảng Ngãi successor but Lý Sơn (no commune before) has a chief; Kon Tum has no facts"
    );
    // Seats of merged communes ended on 1 Jul 2025; Ba Xa (unchanged) keeps its own.
    let seats = party_membership::Entity::find().all(db).await.unwrap();
    let open_on = |code: &str, on: NaiveDate| {
        seats
            .iter()
            .filter(|s| {
                s.unit_code == code && s.started_on <= on && s.ended_on.is_none_or(|e| e > on)
            })
            .count()
    };
    for code in ["21010", "21013", "21016", "21028", "21034"] {
        assert!(open_on(code, eve) > 0, "{code} had seats");
        assert_eq!(open_on(code, d), 0, "{code}'s seats ended");
    }
    assert_eq!(open_on("21538", d), open_on("21538", eve));
    assert!(open_on("21538", d) > 0);
    // A building passed keeps its dates: held by the predecessor until the change.
    let hq = headquarters::Entity::find().all(db).await.unwrap();
    let at = |code: &str| hq.iter().filter(|h| h.unit_code == code).count();
    assert!(at("21010") > 0);
    let raw = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM headquarters WHERE held_from = '2025-07-01' AND unit_code = '21028'"
                .to_owned(),
        ))
        .await;
    // Date literals compare as text on SQLite and as dates on PostgreSQL alike.
    assert!(
        raw.map(|r| !r.is_empty()).unwrap_or(false),
        "21028 holds buildings passed to it"
    );
    // The operation audited each step.
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("seed demo: restructure apply"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 3);
    assert!(
        audited[1].arguments.contains("officers moved"),
        "{}",
        audited[1].arguments
    );
}

#[tokio::test]
async fn the_demo_applies_the_1_january_2025_mergers() {
    let app = spawn().await;
    let officers = officer::Entity::find().all(&app.db).await.unwrap();
    let (eve, d) = (day("2024-12-31"), day("2025-01-01"));
    for gone in ["21253", "21403", "21286"] {
        assert!(in_post(&officers, eve).iter().any(|o| o.unit_code == gone));
        assert!(
            !in_post(&officers, d).iter().any(|o| o.unit_code == gone),
            "{gone}"
        );
    }
    for merged in ["21262", "21406", "21238"] {
        let chiefs = in_post(&officers, d)
            .into_iter()
            .filter(|o| o.unit_code == merged && o.position == "chief")
            .count();
        assert_eq!(chiefs, 1, "{merged}");
    }
    // Applying the shipped plans again changes nothing.
    let before = fingerprint(&app.db).await;
    coso::seed::restructure_demo_2025(&app.db).await.unwrap();
    assert_eq!(fingerprint(&app.db).await, before);
    // Nghĩa Phương (21283) gave a slice to Sông Vệ but keeps its code: untouched.
    let at = |on| {
        in_post(&officers, on)
            .into_iter()
            .filter(|o| o.unit_code == "21283")
            .count()
    };
    assert_eq!(at(eve), at(d));
}

#[tokio::test]
async fn the_article_figures_of_2024_survive_the_restructurings() {
    let app = spawn().await;
    let t = &app.viewer;
    // The restructurings did move facts...
    let moved = officer::Entity::find()
        .filter(officer::Column::PostedFrom.eq(day("2025-07-01")))
        .all(&app.db)
        .await
        .unwrap();
    assert!(moved.len() > 500, "{}", moved.len());
    // ...and the figures of 31 Dec 2024 are the article's.
    let q = r#"query($asOf: NaiveDate) {
      indicators(asOf: $asOf) { code display value numerator denominator group { kind } }
    }"#;
    let data = app.data(t, q, json!({ "asOf": "2024-12-31" })).await;
    let rows = data["indicators"].as_array().unwrap();
    let find = |c: &str| {
        rows.iter()
            .find(|r| r["code"] == c && r["group"]["kind"] == "province")
            .cloned()
            .unwrap_or_else(|| panic!("no {c}"))
    };
    assert_eq!(
        find("party_standing_committee_rate")["display"],
        "57/173 (32,9%)"
    );
    assert_eq!(find("staffing_ratio")["display"], "6,61");
    assert_eq!(find("hq_new_model_coverage")["display"], "60/173 (34,7%)");
    assert_eq!(find("party_executive_committee_rate")["numerator"], 173.0);
    let standing = json!({ "body": "STANDING_COMMITTEE", "activeOn": "2024-12-31" });
    assert_eq!(app.count(t, "partyMemberships", standing).await, 57);
    let in_use = json!({ "model": "NEW", "status": "IN_USE", "statusOn": "2024-12-31" });
    assert_eq!(app.count(t, "headquarters", in_use).await, 60);
}

#[tokio::test]
async fn a_dry_run_changes_nothing_and_applying_twice_changes_nothing_the_second_time() {
    let app = spawn().await;
    let before = fingerprint(&app.db).await;
    let dry = apply(&app, &app.admin, PLAN_2027, "2027-01-01", true).await;
    assert!(dry.get("errors").is_none(), "{dry}");
    let report = &dry["data"]["applyRestructuring"];
    assert_eq!(report["dryRun"], true);
    assert_eq!(report["changed"], true);
    let nghia_lo = successor(report, "21028");
    assert_eq!(nghia_lo["merger"], true);
    assert!(
        nghia_lo["officersMoved"].as_i64().unwrap() > 0,
        "{nghia_lo}"
    );
    assert_eq!(nghia_lo["chiefFrom"], "21028", "{nghia_lo}");
    assert_eq!(
        nghia_lo["deputyOfficerIds"].as_array().unwrap().len(),
        1,
        "{nghia_lo}"
    );
    // Its seats ended on 1 Jul 2025 already (no new seats in the demo since).
    assert_eq!(nghia_lo["seatsEnded"], 0);
    assert!(nghia_lo["headquartersPassed"].as_i64().unwrap() > 0);
    let ba_xa = successor(report, "21010");
    assert_eq!(ba_xa["merger"], false);
    assert!(ba_xa["officersMoved"].as_i64().unwrap() > 0);
    assert!(ba_xa["seatsMoved"].as_i64().unwrap() > 0, "{ba_xa}");
    assert_eq!(report["periodsCreated"].as_array().unwrap().len(), 2);
    assert_eq!(
        fingerprint(&app.db).await,
        before,
        "a dry run writes nothing"
    );

    let first = apply(&app, &app.admin, PLAN_2027, "2027-01-01", false).await;
    assert!(first.get("errors").is_none(), "{first}");
    let first = &first["data"]["applyRestructuring"];
    assert_eq!(first["changed"], true);
    assert_eq!(
        first["summary"],
        report["summary"]
            .as_str()
            .unwrap()
            .replace(" (dry run, nothing written)", "")
    );
    let after = fingerprint(&app.db).await;
    assert_ne!(after, before);

    let second = apply(&app, &app.admin, PLAN_2027, "2027-01-01", false).await;
    let second = &second["data"]["applyRestructuring"];
    assert_eq!(second["changed"], false, "{second}");
    assert!(
        second["summary"]
            .as_str()
            .unwrap()
            .contains("nothing to change")
    );
    assert_eq!(
        fingerprint(&app.db).await,
        after,
        "the second run writes nothing"
    );

    // What the first run wrote.
    let db = &app.db;
    let officers = officer::Entity::find().all(db).await.unwrap();
    let d = day("2027-01-01");
    let eve = day("2026-12-31");
    assert_eq!(in_post(&officers, eve).len(), in_post(&officers, d).len());
    assert!(
        !in_post(&officers, d)
            .iter()
            .any(|o| ["21025", "21538"].contains(&o.unit_code.as_str()))
    );
    let chiefs = |code: &str| {
        in_post(&officers, d)
            .into_iter()
            .filter(|o| o.unit_code == code && o.position == "chief")
            .count()
    };
    assert_eq!(chiefs("21028"), 1);
    assert_eq!(chiefs("21010"), 1);
    let periods = unit_period::Entity::find()
        .filter(unit_period::Column::Code.is_in(["21025", "21028", "21010"]))
        .all(db)
        .await
        .unwrap();
    let period = |code: &str, from: &str| {
        periods
            .iter()
            .find(|p| p.code == code && p.valid_from == day(from))
            .cloned()
    };
    assert_eq!(period("21028", "2025-07-01").unwrap().valid_to, Some(eve));
    assert_eq!(period("21025", "2025-07-01").unwrap().valid_to, Some(eve));
    assert_eq!(
        period("21028", "2027-01-01").unwrap().name,
        "Phường Nghĩa Lộ Mới"
    );
    assert_eq!(period("21010", "2027-01-01").unwrap().kind, "xa");
    let edition = unit_edition::Entity::find()
        .filter(unit_edition::Column::ValidFrom.eq(d))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (edition.province_code.as_str(), edition.unit_count),
        ("51", 95)
    );
    assert_eq!(edition.act, "99/2026/NQ-UBTVQH16");
    let links = unit_lineage::Entity::find()
        .filter(unit_lineage::Column::EffectiveOn.eq(d))
        .all(db)
        .await
        .unwrap();
    assert_eq!(links.len(), 3);
    // Seats of the merged units ended; Ba Xa's moved with their officers.
    let seats = party_membership::Entity::find().all(db).await.unwrap();
    let open = |code: &str| {
        seats
            .iter()
            .filter(|s| {
                s.unit_code == code && s.ended_on.is_none_or(|e| e > d) && s.started_on <= d
            })
            .count()
    };
    assert_eq!(open("21028") + open("21025") + open("21538"), 0);
    assert!(open("21010") > 0);
    // One audit row for the applied runs, with the summary.
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("applyRestructuring"))
        .all(db)
        .await
        .unwrap();
    let ok: Vec<_> = rows.iter().filter(|r| r.outcome == "ok").collect();
    assert!(
        ok.iter().any(|r| r.arguments.contains("officers moved")),
        "{rows:?}"
    );
    assert!(
        ok.iter().any(|r| r.arguments.contains("nothing to change")),
        "{rows:?}"
    );
}

#[tokio::test]
async fn a_plan_with_an_unknown_code_or_a_date_out_of_order_is_refused_whole() {
    let app = spawn().await;
    let before = fingerprint(&app.db).await;
    let plan = "from_code,to_code,share,to_name,to_type,effective_date\n\
21028,21028,full,Phường Nghĩa Lộ Mới,phường,2027-01-01\n\
99999,21028,full,,,2027-01-01\n\
21025,21028,full,,,2026-01-01\n\
21034,88888,full,,,2027-01-01\n\
21037,21028,half,,,2027-01-01\n";
    let body = apply(&app, &app.admin, plan, "2027-01-01", false).await;
    assert_eq!(first_code(&body), "PLAN_REJECTED", "{body}");
    let errors = body["errors"][0]["extensions"]["planErrors"]
        .as_array()
        .unwrap()
        .clone();
    let got: Vec<(i64, &str)> = errors
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (3, "PLAN_UNKNOWN_CODE"),
            (4, "PLAN_DATE_OUT_OF_ORDER"),
            (5, "PLAN_UNKNOWN_CODE"),
            (6, "PLAN_INVALID")
        ],
        "{errors:?}"
    );
    assert!(errors[0]["message"].as_str().unwrap().contains("99999"));
    // A malformed line and a duplicate are listed with the rest.
    let plan = "from_code,to_code,share,to_name,to_type\n\
21034,21028,half,,\n\
21040,21028,full,Phường Nghĩa Lộ Mới,phường\n\
21040,21028,full,,\n";
    let body = apply(&app, &app.admin, plan, "2027-01-01", false).await;
    let errors = body["errors"][0]["extensions"]["planErrors"]
        .as_array()
        .unwrap()
        .clone();
    let got: Vec<(i64, &str)> = errors
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (2, "PLAN_INVALID"),
            // 21028 stays in force: no predecessor line of this plan ends it.
            (3, "PLAN_DATE_OUT_OF_ORDER"),
            (4, "PLAN_DUPLICATE_LINE")
        ],
        "{errors:?}"
    );
    // The shipped 1 Jul 2025 plan given another day: every line is out of order.
    let shipped = include_str!("../../data/units/restructuring/qn_2025-01-01_to_2025-07-01.csv");
    let body = apply(&app, &app.admin, shipped, "2025-08-01", false).await;
    assert_eq!(first_code(&body), "PLAN_REJECTED");
    let errors = body["errors"][0]["extensions"]["planErrors"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        errors
            .iter()
            .filter(|e| e["code"] == "PLAN_DATE_OUT_OF_ORDER")
            .count()
            >= 172,
        "{}",
        errors.len()
    );
    assert_eq!(fingerprint(&app.db).await, before, "nothing written");
}

#[tokio::test]
async fn only_province_admins_may_restructure() {
    let app = spawn().await;
    let before = fingerprint(&app.db).await;
    for token in [&app.city_admin, &app.analyst, &app.viewer, &app.city_viewer] {
        for dry in [true, false] {
            let body = apply(&app, token, PLAN_2027, "2027-01-01", dry).await;
            assert_eq!(first_code(&body), "FORBIDDEN", "{body}");
            assert!(body["data"].is_null() || body["data"]["applyRestructuring"].is_null());
        }
    }
    assert_eq!(fingerprint(&app.db).await, before);
}

#[tokio::test]
async fn the_command_applies_a_plan_file_to_a_real_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let settings = crate::helpers::settings(url.clone(), Default::default());
    let app = coso::app::Application::build(&settings)
        .await
        .expect("build");
    coso::seed::seed_demo(app.db()).await.expect("seed");
    coso::seed::restructure_demo_2025(app.db())
        .await
        .expect("restructure");
    let db = app.db().clone();
    let plan = dir.path().join("plan.csv");
    std::fs::write(&plan, PLAN_2027).unwrap();
    let run = |args: &[&str]| {
        let mut all = vec![
            "--database-url",
            url.as_str(),
            "restructure",
            "apply",
            plan.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        Command::new(env!("CARGO_BIN_EXE_coso"))
            .args(&all)
            .output()
            .expect("run coso")
    };
    let before = fingerprint(&db).await;
    let out = run(&["--effective", "2027-01-01", "--dry-run"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("dry run, nothing written"), "{stdout}");
    assert!(
        stdout.contains("21028 Phường Nghĩa Lộ Mới <- 21025, 21028 (merger)"),
        "{stdout}"
    );
    assert!(stdout.contains("chief: officer #"), "{stdout}");
    assert_eq!(fingerprint(&db).await, before);

    let out = run(&["--effective", "2027-01-01"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("officers moved"));
    let after = fingerprint(&db).await;
    assert_ne!(after, before);
    let out = run(&["--effective", "2027-01-01"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to change"));
    assert_eq!(fingerprint(&db).await, after);
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("restructure apply"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 2);
    assert_eq!(audited[0].role, "cli");

    std::fs::write(&plan, "from_code,to_code\n99999,21028\n").unwrap();
    let out = run(&["--effective", "2028-01-01"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2: PLAN_UNKNOWN_CODE"), "{stderr}");
    assert!(stderr.contains("PLAN_REJECTED"), "{stderr}");
    assert_eq!(fingerprint(&db).await, after);
}

/// The ids of `headquarters` of `code` held on `on`, and each row's holding.
async fn held(app: &TestApp, code: &str, on: &str) -> Vec<(i64, Value, Value)> {
    let q = r#"query($f: HeadquartersFilter) { headquarters(filter: $f, first: 100) {
        totalCount nodes { dbId unitCode heldFrom heldTo } } }"#;
    let data = app
        .data(
            &app.viewer,
            q,
            json!({ "f": { "unitCode": code, "heldOn": on } }),
        )
        .await;
    let nodes = data["headquarters"]["nodes"].as_array().unwrap();
    assert_eq!(data["headquarters"]["totalCount"], nodes.len());
    nodes
        .iter()
        .map(|n| {
            assert_eq!(n["unitCode"], code);
            (
                n["dbId"].as_i64().unwrap(),
                n["heldFrom"].clone(),
                n["heldTo"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_building_passed_on_shows_at_its_holder_of_the_day() {
    let app = spawn().await;
    // Phường Lê Hồng Phong (21010) went into Phường Nghĩa Lộ (21028) on 1/7/2025.
    let before = held(&app, "21010", "2025-06-30").await;
    assert!(!before.is_empty(), "21010 held buildings");
    assert!(
        before.iter().all(|(_, _, to)| *to == json!("2025-07-01")),
        "{before:?}"
    );
    assert_eq!(held(&app, "21010", "2025-07-01").await, []);
    let passed_in: Vec<(i64, Value, Value)> = held(&app, "21028", "2025-07-01")
        .await
        .into_iter()
        .filter(|(_, from, _)| *from == json!("2025-07-01"))
        .collect();
    assert!(passed_in.len() >= before.len(), "{passed_in:?}");
    assert!(passed_in.iter().all(|(_, _, to)| to.is_null()));
    // The day before, 21028 held none of them.
    let eve = held(&app, "21028", "2025-06-30").await;
    assert!(eve.iter().all(|(_, from, _)| from.is_null()), "{eve:?}");
    assert_eq!(
        eve.len() + passed_in.len(),
        held(&app, "21028", "2025-07-01").await.len()
    );

    // Nested: a unit period shows what it held (now, or on its last day).
    let q = r#"query($c: String!, $on: NaiveDate) { unit(code: $c, on: $on) {
        validTo headquarters { dbId heldFrom heldTo } } }"#;
    let old = app
        .data(&app.viewer, q, json!({ "c": "21010", "on": "2025-03-01" }))
        .await;
    assert_eq!(old["unit"]["validTo"], "2025-06-30");
    let mut ids: Vec<i64> = old["unit"]["headquarters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["dbId"].as_i64().unwrap())
        .collect();
    ids.sort();
    let mut want: Vec<i64> = before.iter().map(|b| b.0).collect();
    want.sort();
    assert_eq!(ids, want);
    let now = app
        .data(&app.viewer, q, json!({ "c": "21028", "on": "2026-01-01" }))
        .await;
    let nested = now["unit"]["headquarters"].as_array().unwrap();
    assert!(nested.iter().all(|h| h["heldTo"].is_null()));
    for (id, _, _) in &passed_in {
        assert!(nested.iter().any(|h| h["dbId"] == *id), "{id} at 21028 now");
    }
    assert!(
        nested
            .iter()
            .all(|h| !want.contains(&h["dbId"].as_i64().unwrap())),
        "the predecessor's rows stay with it"
    );
}
