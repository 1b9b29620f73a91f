//! Synthetic tiers: tier M counts, refusal on a non-empty database, tier parsing,
//! cloning for XL, and an ignored timing run of tier L.

use std::time::Instant;

use sea_orm::DatabaseConnection;

use super::support::{assert_events_before_2025, postgres, rows, sqlite};
use crate::seed::quota::scale;
use crate::seed::reference::{ReferenceSet, load, multiply};
use crate::seed::synthetic::provinces;
use crate::seed::{SeedError, Tier, seed_demo, seed_synthetic};

/// Sum over the tier's provinces of an article figure scaled to each province.
fn scaled(tier: Tier, figure: u64) -> i64 {
    let provinces = provinces(tier).unwrap();
    provinces
        .iter()
        .map(|p| scale(figure, p.districts.iter().map(|d| d.units.len()).sum()) as i64)
        .sum()
}

async fn assert_tier_m(db: &DatabaseConnection) {
    // and Kon Tum (62), for the history of Quảng Ngãi's units since 1 Jul 2025
    assert_eq!(rows(db, "province").await, 6);
    let units = rows(db, "unit WHERE province_code <> '62' AND kind <> 'dac_khu'").await;
    assert_eq!(units, 977);
    let officers = rows(db, "officer").await;
    assert!(
        (units * 5..=units * 9).contains(&officers),
        "{officers} officers"
    );
    assert_eq!(rows(db, "officer WHERE position = 'chief'").await, units);
    assert_eq!(
        rows(db, "party_membership WHERE body = 'executive'").await,
        units
    );
    let standing = rows(db, "party_membership WHERE body = 'standing'").await;
    assert_eq!(standing, scaled(Tier::M, 57));
    assert!((units * 30 / 100..=units * 36 / 100).contains(&standing));
    let in_use = "(SELECT DISTINCT unit_code FROM headquarters WHERE model = 'new' AND in_use_on IS NOT NULL) h";
    assert_eq!(rows(db, in_use).await, scaled(Tier::M, 60));
    assert_eq!(rows(db, "directive").await, 5 * 16);
    assert_eq!(rows(db, "dialogue_session").await, 5 * 6);
    assert_eq!(rows(db, "dialogue_question").await, 5 * 6 * 31);
    assert_eq!(
        rows(db, "union_activity WHERE kind = 'work_or_model'").await,
        scaled(Tier::M, 42)
    );
    let early = "officer WHERE posted_from < '2019-07-01'";
    let late = "officer WHERE posted_from >= '2024-01-01'";
    assert!(rows(db, early).await > 0 && rows(db, late).await > 0);
    assert_eq!(
        rows(db, "officer WHERE posted_from < '2019-01-01'").await,
        0
    );
    assert_events_before_2025(db).await;
}

#[tokio::test]
async fn tier_m_counts_and_refuses_a_second_seed() {
    let t = sqlite().await;
    let report = seed_synthetic(&t.db, Tier::M).await.unwrap();
    assert_eq!(report.units, 977);
    assert_tier_m(&t.db).await;
    let again = seed_synthetic(&t.db, Tier::M).await;
    assert_eq!(again.map_err(|e| e.code()), Err("DATABASE_NOT_EMPTY"));
    assert!(seed_demo(&t.db).await.unwrap().skipped);
    t.cleanup().await;
}

#[tokio::test]
async fn tier_s_is_quang_ngai_with_72_months() {
    let t = sqlite().await;
    let report = seed_synthetic(&t.db, Tier::S).await.unwrap();
    // the 173 units of 2024 (the registry also holds Kon Tum's and the codes of 2025)
    assert_eq!(report.units, 173);
    let officers = rows(&t.db, "officer WHERE posted_from < '2025-01-01'").await;
    assert!(
        (173 * 5..=173 * 8).contains(&officers),
        "{officers} officers"
    );
    let standing = "party_membership WHERE body = 'standing' AND started_on < '2025-01-01'";
    assert_eq!(rows(&t.db, standing).await, 57);
    assert_eq!(
        rows(&t.db, "unit WHERE valid_from = '2019-01-01'").await,
        173
    );
    t.cleanup().await;
}

/// In force on a day, in the unit periods.
fn in_force(day: &str) -> String {
    format!("unit_period WHERE valid_from <= '{day}' AND (valid_to IS NULL OR valid_to >= '{day}')")
}

/// Postings held on `day` at a code with no unit period in force that day.
fn stranded(day: &str) -> String {
    format!(
        "officer o WHERE o.posted_from <= '{day}' AND (o.posted_to IS NULL OR o.posted_to > '{day}') \
         AND NOT EXISTS (SELECT 1 FROM {})",
        in_force(day).replacen("WHERE", "p WHERE p.code = o.unit_code AND", 1)
    )
}

/// Tier S follows Quảng Ngãi through 2025 as the demo does: 173 units in 2024, 170 from
/// 1/1/2025, 96 from 1/7/2025, linked; no posting held at a unit out of force; the
/// officers of 1/3/2025; one chief per unit; nothing after the pinned last day.
async fn assert_tier_s_follows_the_units(db: &DatabaseConnection) {
    let qn = |day: &str| format!("{} AND province_code = '51'", in_force(day));
    assert_eq!(rows(db, &qn("2024-12-31")).await, 173);
    assert_eq!(rows(db, &qn("2025-03-01")).await, 170);
    assert_eq!(rows(db, &qn("2025-07-01")).await, 96);
    assert_eq!(rows(db, &qn("2026-11-30")).await, 96);
    let link = "unit_lineage WHERE from_code = '21253' AND to_code = '21262' \
                AND effective_on = '2025-01-01'";
    assert_eq!(rows(db, link).await, 1);
    assert!(rows(db, "unit_lineage WHERE effective_on = '2025-07-01'").await >= 170 + 102);
    for day in [
        "2024-12-31",
        "2025-01-01",
        "2025-03-01",
        "2025-07-01",
        "2026-11-30",
    ] {
        assert_eq!(
            rows(db, &stranded(day)).await,
            0,
            "postings stranded on {day}"
        );
    }
    // the postings of the 173 (or 170) units moved to the successors on both days
    let moved = |day: &str| format!("officer WHERE posted_from = '{day}' AND posted_to IS NULL");
    assert!(rows(db, &moved("2025-01-01")).await > 0);
    assert!(rows(db, &moved("2025-07-01")).await > 96 * 5);
    // 1/3/2025: officers reach the 2025 staffing
    assert!(rows(db, "officer WHERE posted_from = '2025-03-01'").await > 170);
    // one chief in post per unit of 1/7/2025
    let chiefs = "(SELECT unit_code FROM officer WHERE position = 'chief' \
                  AND posted_from <= '2025-07-01' AND (posted_to IS NULL OR posted_to > '2025-07-01') \
                  GROUP BY unit_code HAVING COUNT(*) > 1) c";
    assert_eq!(rows(db, chiefs).await, 0);
    let late = "officer WHERE posted_from > '2026-11-30'";
    assert_eq!(rows(db, late).await, 0);
    assert_eq!(rows(db, "award WHERE awarded_on > '2026-11-30'").await, 0);
}

#[tokio::test]
async fn tier_s_follows_the_2025_structures_on_sqlite_and_postgres() {
    let t = sqlite().await;
    seed_synthetic(&t.db, Tier::S).await.unwrap();
    assert_tier_s_follows_the_units(&t.db).await;
    t.cleanup().await;
    if let Some(t) = postgres().await {
        seed_synthetic(&t.db, Tier::S).await.unwrap();
        assert_tier_s_follows_the_units(&t.db).await;
        t.cleanup().await;
    }
}

#[test]
fn tiers_parse_from_short_and_long_names() {
    for (text, tier) in [
        ("s", Tier::S),
        ("M", Tier::M),
        ("national", Tier::L),
        ("national-x10", Tier::Xl),
        (" xl ", Tier::Xl),
        ("five-provinces", Tier::M),
        ("quang-ngai", Tier::S),
    ] {
        assert_eq!(text.parse::<Tier>().unwrap(), tier);
    }
    let err = "huge".parse::<Tier>().unwrap_err();
    assert_eq!(err.code(), "UNKNOWN_TIER");
    assert_eq!(Tier::Xl.to_string(), "national-x10");
}

#[test]
fn reference_sets_have_the_documented_sizes() {
    let count = |set| -> usize {
        let provinces = load(set).unwrap();
        provinces
            .iter()
            .flat_map(|p| &p.districts)
            .map(|d| d.units.len())
            .sum()
    };
    assert_eq!(count(ReferenceSet::QuangNgai), 173);
    assert_eq!(count(ReferenceSet::National), 10_595);
    let national = load(ReferenceSet::National).unwrap();
    assert_eq!(national.len(), 63);
    assert_eq!(
        national.iter().map(|p| p.districts.len()).sum::<usize>(),
        700
    );
}

#[test]
fn xl_clones_codes_with_a_suffix() {
    let tripled = multiply(load(ReferenceSet::QuangNgai).unwrap(), 3);
    let mut codes: Vec<&str> = tripled
        .iter()
        .flat_map(|p| &p.districts)
        .flat_map(|d| &d.units)
        .map(|u| u.code.as_str())
        .collect();
    assert_eq!(codes.len(), 519);
    assert!(codes.contains(&"21010") && codes.contains(&"21010-1") && codes.contains(&"21010-2"));
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), 519);
    assert!(tripled[0].districts.iter().any(|d| d.code == "522-2"));
}

/// Times tier L on SQLite and, when `COSO_TEST_DATABASE_URL` is set, PostgreSQL:
/// `cargo test --lib seed::tests::synthetic::tier_l_timing -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "seeds the whole country; run by hand for timing"]
async fn tier_l_timing() {
    let t = sqlite().await;
    timed("sqlite", &t.db).await;
    t.cleanup().await;
    if let Some(t) = postgres().await {
        timed("postgres", &t.db).await;
        t.cleanup().await;
    }
}

async fn timed(backend: &str, db: &DatabaseConnection) {
    let start = Instant::now();
    let report = seed_synthetic(db, Tier::L).await.unwrap();
    println!(
        "tier L on {backend}: {:.1} s, {report:?}",
        start.elapsed().as_secs_f64()
    );
    // both structures: 10,595 units in 63 provinces, 3,321 in 34 from 1/7/2025
    assert_eq!(rows(db, &in_force("2024-12-31")).await, 10_595);
    assert_eq!(rows(db, &in_force("2025-01-01")).await, 10_047);
    assert_eq!(rows(db, &in_force("2025-07-01")).await, 3_321);
    let chiefs = "officer WHERE position = 'chief' AND posted_from <= '2024-12-31' \
                  AND (posted_to IS NULL OR posted_to > '2024-12-31')";
    assert_eq!(rows(db, chiefs).await, 10_595);
    for day in ["2024-12-31", "2025-01-01", "2025-07-01", "2026-11-30"] {
        assert_eq!(
            rows(db, &stranded(day)).await,
            0,
            "postings stranded on {day}"
        );
    }
    // every unit in force on the last day has officers (the special zones made from
    // commune-less districts included), and every province has its months since July
    let unstaffed = format!(
        "{} AND NOT EXISTS (SELECT 1 FROM officer o WHERE o.unit_code = unit_period.code \
         AND o.posted_from <= '2026-11-30' AND (o.posted_to IS NULL OR o.posted_to > '2026-11-30'))",
        in_force("2026-11-30")
    );
    assert_eq!(rows(db, &unstaffed).await, 0, "units without officers");
    let active = "(SELECT DISTINCT p.province_code FROM award a JOIN unit_period p \
                  ON p.code = a.unit_code AND p.valid_from = '2025-07-01' \
                  WHERE a.awarded_on >= '2025-07-01') x";
    assert_eq!(
        rows(db, active).await,
        34,
        "provinces with awards since July 2025"
    );
    let congresses = "party_membership WHERE term = '2025-2030'";
    assert!(
        rows(db, congresses).await > 3_000,
        "seats of the 2025 congresses"
    );
    let err: Result<_, SeedError> = seed_synthetic(db, Tier::L).await;
    assert!(matches!(err, Err(SeedError::DatabaseNotEmpty)));
}
