//! The demo reproduces the article's figures, is idempotent and deterministic.

use entity::{headquarters, officer, unit};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use super::support::{assert_events_before_2025, postgres, rows, sqlite, table_counts};
use crate::seed::demo::seed_2024;
use crate::seed::{is_empty, seed_demo, seed_demo_until};
use crate::text::fold;

const MOUNTAIN: &str = "('525', '529', '530', '531', '535')";
const NEW_IN_USE: &str = "headquarters h JOIN unit u ON u.code = h.unit_code \
     WHERE h.model = 'new' AND h.in_use_on IS NOT NULL";

async fn assert_units(db: &DatabaseConnection) {
    assert_eq!(rows(db, "province WHERE code = '51'").await, 1);
    // Kon Tum (62) is there for the history of the 40 units that came from it.
    assert_eq!(rows(db, "province").await, 2);
    // the 12 districts of 2024 and Lý Sơn (536), a district without communes until it
    // became a special zone on 1 Jul 2025
    assert_eq!(rows(db, "district WHERE province_code = '51'").await, 13);
    let p2024 = "unit_period WHERE province_code = '51' AND valid_from = '2020-02-01'";
    assert_eq!(rows(db, p2024).await, 173);
    assert_eq!(rows(db, &format!("{p2024} AND kind = 'xa'")).await, 148);
    assert_eq!(rows(db, &format!("{p2024} AND kind = 'phuong'")).await, 17);
    assert_eq!(rows(db, &format!("{p2024} AND kind = 'thi_tran'")).await, 8);
    assert_eq!(
        rows(
            db,
            &format!("(SELECT DISTINCT district_code FROM {p2024}) d")
        )
        .await,
        12
    );
    assert_eq!(
        rows(db, &format!("{p2024} AND valid_to = '2024-12-31'")).await,
        173
    );
    // the registry holds every code of every period once (the facts' foreign keys)
    assert_eq!(
        rows(db, "unit").await,
        rows(db, "(SELECT DISTINCT code FROM unit_period) c").await
    );
    assert_eq!(
        rows(db, "unit WHERE province_code = '51' AND kind <> 'dac_khu'").await,
        173
    );
    for u in unit::Entity::find().all(db).await.unwrap() {
        assert_eq!(u.search_name, fold(&u.name));
    }
    for p in entity::unit_period::Entity::find().all(db).await.unwrap() {
        assert_eq!(p.search_name, fold(&p.name));
    }
}

async fn assert_officers(db: &DatabaseConnection) {
    assert_eq!(rows(db, "officer").await, 1144);
    assert_eq!(format!("{:.2}", 1144.0 / 173.0), "6.61");
    assert_eq!(rows(db, "officer WHERE posted_to IS NOT NULL").await, 0);
    let outside = "officer WHERE posted_from < '2020-02-01' OR posted_from > '2024-10-31'";
    assert_eq!(rows(db, outside).await, 0);
    assert_eq!(rows(db, "officer WHERE position = 'chief'").await, 173);
    let chief_units = "(SELECT DISTINCT unit_code FROM officer WHERE position = 'chief') c";
    assert_eq!(rows(db, chief_units).await, 173);
    assert_eq!(
        rows(
            db,
            "officer WHERE position = 'chief' AND rank NOT IN (10, 11)"
        )
        .await,
        0
    );
    let deputies = "(SELECT unit_code, COUNT(*) AS n FROM officer WHERE position = 'deputy' \
         GROUP BY unit_code) d WHERE n BETWEEN 1 AND 3";
    assert_eq!(rows(db, deputies).await, 173);
    let under_floor = "unit_period u WHERE u.valid_from = '2020-02-01' AND u.province_code = '51' \
         AND (SELECT COUNT(*) FROM officer o WHERE o.unit_code = u.code) \
         < CASE u.kind WHEN 'xa' THEN 5 WHEN 'thi_tran' THEN 6 ELSE 8 END";
    assert_eq!(rows(db, under_floor).await, 0);
    assert_eq!(
        rows(db, "officer WHERE birth_year < 1965 OR birth_year > 2000").await,
        0
    );
    for o in officer::Entity::find().all(db).await.unwrap() {
        assert_eq!(o.search_name, fold(&o.full_name));
    }
}

async fn assert_memberships(db: &DatabaseConnection) {
    let chief_seat = "party_membership m JOIN officer o ON o.id = m.officer_id \
         WHERE o.position = 'chief' AND o.unit_code = m.unit_code AND m.term = '2020-2025'";
    assert_eq!(
        rows(db, "party_membership WHERE body = 'executive'").await,
        173
    );
    assert_eq!(
        rows(db, &format!("{chief_seat} AND m.body = 'executive'")).await,
        173
    );
    assert_eq!(
        rows(db, "party_membership WHERE body = 'standing'").await,
        57
    );
    let standing_with_executive = "party_membership s WHERE s.body = 'standing' AND EXISTS \
         (SELECT 1 FROM party_membership e WHERE e.body = 'executive' AND e.officer_id = s.officer_id)";
    assert_eq!(rows(db, standing_with_executive).await, 57);
    let executive_2020 = "party_membership WHERE body = 'executive' \
         AND started_on BETWEEN '2020-01-01' AND '2020-12-31'";
    assert_eq!(rows(db, executive_2020).await, 173);
}

async fn assert_headquarters(db: &DatabaseConnection) {
    assert_eq!(rows(db, NEW_IN_USE).await, 60);
    assert_eq!(
        rows(
            db,
            "(SELECT DISTINCT unit_code FROM headquarters WHERE model = 'new') n"
        )
        .await,
        173
    );
    let mountain = rows(
        db,
        &format!("{NEW_IN_USE} AND u.district_code IN {MOUNTAIN}"),
    )
    .await;
    let wards = rows(db, &format!("{NEW_IN_USE} AND u.kind = 'phuong'")).await;
    assert!(mountain > wards, "mountain {mountain}, wards {wards}");
    assert_eq!(
        rows(
            db,
            "headquarters WHERE model <> 'new' AND closed_on IS NULL"
        )
        .await,
        113
    );
    let pending = "headquarters WHERE model = 'new' AND in_use_on IS NULL";
    let targets = format!("{pending} AND target_date BETWEEN '2024-01-01' AND '2025-12-31'");
    assert_eq!(rows(db, &targets).await, 113);
    let building = format!("{pending} AND construction_started_on IS NOT NULL");
    let approved =
        format!("{pending} AND approved_on IS NOT NULL AND construction_started_on IS NULL");
    let planned = format!("{pending} AND approved_on IS NULL");
    for state in [building, approved, planned] {
        assert!(rows(db, &state).await > 20, "{state}");
    }
    let built =
        "headquarters WHERE in_use_on BETWEEN '2020-01-01' AND '2024-12-31' AND model = 'new'";
    assert_eq!(rows(db, built).await, 60);
    let new_rows = headquarters::Entity::find().all(db).await.unwrap();
    assert!(new_rows.iter().all(|h| h.floor_area_m2.is_some()));
}

async fn assert_facts(db: &DatabaseConnection) {
    assert_eq!(rows(db, "directive").await, 16);
    assert!(rows(db, "(SELECT DISTINCT kind FROM directive) k").await >= 4);
    let issued = "directive WHERE issued_on BETWEEN '2020-01-01' AND '2024-12-31'";
    assert_eq!(rows(db, issued).await, 16);
    let volunteer = rows(db, "union_activity WHERE kind = 'volunteer_activity'").await;
    assert!(volunteer >= 100, "{volunteer} volunteer activities");
    let wide = rows(
        db,
        "union_activity WHERE kind = 'volunteer_activity' AND unit_code IS NULL",
    )
    .await;
    assert!(wide > 0 && wide < volunteer);
    let works = "union_activity WHERE kind = 'work_or_model' AND maintained = TRUE AND programme IN \
         ('Mẹ đỡ đầu', 'Chuyến xe nghĩa tình - Hướng về miền Bắc yêu thương')";
    assert_eq!(rows(db, works).await, 42);
    assert_eq!(
        rows(db, "union_activity WHERE kind = 'work_or_model'").await,
        42
    );
    assert_eq!(
        rows(
            db,
            "union_activity WHERE kind = 'programme' AND unit_code IS NULL"
        )
        .await,
        2
    );
}

async fn assert_dialogue_and_awards(db: &DatabaseConnection) {
    assert_eq!(
        rows(
            db,
            "dialogue_session WHERE chaired_by LIKE 'Đại tá Phan Công Bình%'"
        )
        .await,
        1
    );
    assert_eq!(rows(db, "dialogue_question").await, 31);
    assert_eq!(
        rows(db, "(SELECT DISTINCT topic FROM dialogue_question) t").await,
        6
    );
    assert_eq!(
        rows(
            db,
            "dialogue_question WHERE status = 'answered' AND answer IS NOT NULL"
        )
        .await,
        31
    );
    let chiefs_without_unit =
        "dialogue_question WHERE asker_group = 'chief' AND asker_unit_code IS NULL";
    assert_eq!(rows(db, chiefs_without_unit).await, 0);
    let departments = "dialogue_question WHERE answering_department IN \
         ('Phòng Tham mưu', 'Phòng Tổ chức cán bộ')";
    assert_eq!(rows(db, departments).await, 31);
    let awards = rows(db, "award").await;
    assert!((20..=30).contains(&awards), "{awards} awards");
    let in_2024 = "award WHERE awarded_on BETWEEN '2024-01-01' AND '2024-12-31' AND form = 'certificate_of_merit'";
    assert_eq!(rows(db, in_2024).await, awards);
    let individuals = rows(db, "award WHERE recipient_kind = 'individual'").await;
    let own_officer =
        "award a JOIN officer o ON o.id = a.officer_id WHERE o.unit_code = a.unit_code";
    assert_eq!(rows(db, own_officer).await, individuals);
    assert!(individuals > 0 && individuals < awards);
    assert_eq!(
        rows(db, "data_version WHERE id = 1 AND version = 1").await,
        1
    );
}

/// Every figure of the article, read back from the database.
async fn assert_article(db: &DatabaseConnection) {
    assert_units(db).await;
    assert_officers(db).await;
    assert_memberships(db).await;
    assert_headquarters(db).await;
    assert_facts(db).await;
    assert_dialogue_and_awards(db).await;
    assert_events_before_2025(db).await;
}

#[tokio::test]
async fn demo_reproduces_the_article_and_is_idempotent() {
    let t = sqlite().await;
    assert!(is_empty(&t.db).await.unwrap());
    // The article's part alone; the history after 2024 is checked in `present`.
    let report = seed_2024(&t.db).await.unwrap();
    assert!(!report.skipped);
    assert_eq!(
        (report.units, report.officers, report.questions),
        (173, 1144, 31)
    );
    assert_article(&t.db).await;
    let before = table_counts(&t.db).await;
    let again = seed_demo(&t.db).await.unwrap();
    assert!(again.skipped);
    assert_eq!(again.officers, 0);
    assert_eq!(table_counts(&t.db).await, before);
    assert!(!is_empty(&t.db).await.unwrap());
    t.cleanup().await;
}

#[tokio::test]
async fn demo_is_deterministic() {
    let (a, b) = (sqlite().await, sqlite().await);
    // A fixed day: two runs of `seed_demo` either side of the province's midnight differ.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    seed_demo_until(&a.db, day).await.unwrap();
    seed_demo_until(&b.db, day).await.unwrap();
    let officers = |db| {
        officer::Entity::find()
            .order_by_asc(officer::Column::Id)
            .all(db)
    };
    assert_eq!(
        officers(&a.db).await.unwrap(),
        officers(&b.db).await.unwrap()
    );
    let premises = |db| {
        headquarters::Entity::find()
            .order_by_asc(headquarters::Column::Id)
            .all(db)
    };
    assert_eq!(
        premises(&a.db).await.unwrap(),
        premises(&b.db).await.unwrap()
    );
    a.cleanup().await;
    b.cleanup().await;
}

#[tokio::test]
async fn demo_on_postgres_when_configured() {
    let Some(t) = postgres().await else { return };
    seed_2024(&t.db).await.unwrap();
    assert_article(&t.db).await;
    assert!(seed_demo(&t.db).await.unwrap().skipped);
    // Ids were assigned by the seed: the sequences must have moved past them.
    let next = "INSERT INTO directive (number, kind, issuer, title, search_title, issued_on) \
         VALUES ('1/KH-CAT', 'plan', 'police_department', 't', 't', '2024-12-01')";
    super::support::execute(&t.db, next).await;
    assert_eq!(rows(&t.db, "directive WHERE id = 17").await, 1);
    t.cleanup().await;
}
