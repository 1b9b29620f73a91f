//! Tests across a restructuring, on a hand-made history whose answers are worked out by
//! hand: A (3 officers) and B (4 officers, its chief on the standing committee) merge
//! into C on 1 Jul 2025, which keeps B's code 002 under a new name; D (2 officers) is
//! divided between C and E (E keeps nothing of D's code). From July C has 6 officers
//! and E has 1. The series as it was marks the break; re-based on today's units it
//! compares like for like; the areas and the former provinces break it down.

use chrono::NaiveDate;
use polars::prelude::{Column, DataFrame, df};

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const JULY: &str = "2025-07-01";

fn unit(code: &str, name: &str, province: &str, from: &str, to: Option<&str>) -> UnitRow {
    UnitRow {
        code: code.into(),
        name: name.into(),
        district_code: "d1".into(),
        province_code: province.into(),
        kind: "xa".into(),
        valid_from: d(from),
        valid_to: to.map(d),
    }
}

fn officer(id: i32, unit: &str, position: &str, from: &str, to: Option<&str>) -> OfficerRow {
    OfficerRow {
        id,
        unit_code: unit.into(),
        position: position.into(),
        posted_from: d(from),
        posted_to: to.map(d),
    }
}

fn rows() -> Rows {
    let mut officers = Vec::new();
    let mut id = 0;
    let mut post = |unit: &str, n: usize, from: &str, to: Option<&str>, chief: bool| {
        for i in 0..n {
            id += 1;
            let position = if chief && i == 0 { "chief" } else { "officer" };
            officers.push(officer(id, unit, position, from, to));
        }
    };
    post("001", 3, "2024-01-01", Some(JULY), false);
    post("002", 4, "2024-01-01", Some(JULY), true);
    post("003", 2, "2024-01-01", Some(JULY), false);
    post("002", 6, JULY, None, true);
    post("005", 1, JULY, None, false);
    Rows {
        units: vec![
            unit("001", "Xã A", "51", "2020-01-01", Some(JULY)),
            unit("002", "Xã B", "51", "2020-01-01", Some(JULY)),
            unit("003", "Xã D", "51", "2020-01-01", Some(JULY)),
            unit("002", "Xã C", "51", JULY, None),
            unit("005", "Xã E", "51", JULY, None),
        ],
        districts: vec![DistrictRow {
            code: "d1".into(),
            name: "Huyện Một".into(),
            province_code: "51".into(),
        }],
        officers,
        memberships: vec![MembershipRow {
            officer_id: 4,
            unit_code: "002".into(),
            body: "standing".into(),
            started_on: d("2024-01-01"),
            ended_on: Some(d(JULY)),
        }],
        ..Rows::default()
    }
}

/// The lineage of the merger: (from, from day, to, share).
fn lineage() -> DataFrame {
    let links = [
        ("001", "002", "full"),
        ("002", "002", "full"),
        ("003", "002", "part"),
        ("003", "005", "part"),
    ];
    let day = |s: &str| d(s);
    df!(
        "from_code" => links.map(|l| l.0),
        "from_valid_from" => links.map(|_| day("2020-01-01")),
        "to_code" => links.map(|l| l.1),
        "to_valid_from" => links.map(|_| day(JULY)),
        "share" => links.map(|l| l.2),
    )
    .unwrap()
}

fn config() -> EngineConfig {
    EngineConfig::default()
}

/// (day, numerator, denominator, structure changed) of the province rows of a series.
fn points(frames: &Frames, code: &str) -> Vec<(NaiveDate, f64, f64, bool)> {
    let out = series(
        frames,
        &[code],
        d("2025-05-01"),
        d("2025-08-31"),
        Period::Month,
        &[],
        &config(),
    )
    .unwrap();
    let days = out.column("period_end").unwrap().date().unwrap().clone();
    let num = out.column("numerator").unwrap().f64().unwrap().clone();
    let den = out.column("denominator").unwrap().f64().unwrap().clone();
    let changed = out
        .column("structure_changed")
        .unwrap()
        .bool()
        .unwrap()
        .clone();
    (0..out.height())
        .map(|i| {
            let day =
                NaiveDate::default() + chrono::Duration::days(i64::from(days.phys.get(i).unwrap()));
            (
                day,
                num.get(i).unwrap(),
                den.get(i).unwrap(),
                changed.get(i).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_series_as_it_was_marks_the_change_of_units() {
    let frames = Frames::from_rows(&rows()).unwrap();
    let p = points(&frames, "staffing_ratio");
    let got: Vec<(f64, f64, bool)> = p.iter().map(|p| (p.1, p.2, p.3)).collect();
    // May, June: A, B, D (9 officers, 3 units); July, August: C, E (7 officers, 2 units).
    assert_eq!(
        got,
        [
            (9.0, 3.0, false),
            (9.0, 3.0, false),
            (7.0, 2.0, true),
            (7.0, 2.0, false)
        ]
    );
}

#[test]
fn a_series_on_todays_units_counts_the_predecessors_in_their_successors() {
    let frames = Frames::from_rows(&rows()).unwrap();
    let rebased = rebase(&frames, &lineage(), d("2026-12-01")).unwrap();
    let p = points(&rebased, "staffing_ratio");
    let got: Vec<(f64, f64, bool)> = p.iter().map(|p| (p.1, p.2, p.3)).collect();
    // Two units throughout; before July A, B and D's officers (D's go to C, which took
    // part of D and whose code D does not have: the lowest code).
    assert_eq!(
        got,
        [
            (9.0, 2.0, false),
            (9.0, 2.0, false),
            (7.0, 2.0, false),
            (7.0, 2.0, false)
        ]
    );
    // By unit in June: C holds A, B and D's 9 officers, E none.
    let june = compute(
        &rebased,
        d("2025-06-30"),
        &["staffing_ratio"],
        &[GroupBy::Unit],
        &config(),
    )
    .unwrap();
    let codes = june.column("group_code").unwrap().str().unwrap().clone();
    let names = june.column("group_name").unwrap().str().unwrap().clone();
    let num = june.column("numerator").unwrap().f64().unwrap().clone();
    let by_unit: Vec<(&str, &str, f64)> = (0..june.height())
        .map(|i| {
            (
                codes.get(i).unwrap(),
                names.get(i).unwrap(),
                num.get(i).unwrap(),
            )
        })
        .collect();
    assert_eq!(by_unit, [("002", "Xã C", 9.0), ("005", "Xã E", 0.0)]);
    // B's chief sat on the standing committee until July: C counts as having one.
    let p = points(&rebased, "party_standing_committee_rate");
    assert_eq!(p[1].1, 1.0);
    assert_eq!(p[2].1, 0.0);
}

#[test]
fn a_unit_that_leads_nowhere_known_leaves_its_records_out() {
    let frames = Frames::from_rows(&rows()).unwrap();
    // Only A's link is known.
    let lineage = lineage().slice(0, 1);
    let rebased = rebase(&frames, &lineage, d("2026-12-01")).unwrap();
    let p = points(&rebased, "staffing_ratio");
    // June: A's 3 officers (in C); B's code is C's but B's period leads nowhere known.
    assert_eq!((p[1].1, p[1].2), (3.0, 2.0));
}

#[test]
fn areas_and_former_provinces_break_down_on_the_day() {
    let mut frames = Frames::from_rows(&rows()).unwrap();
    // Area "north" holds A and B until June, then C; "south" holds D, then E and C.
    let members = [
        ("north", "Cụm Bắc", "001", None, Some(JULY)),
        ("north", "Cụm Bắc", "002", None, None),
        ("south", "Cụm Nam", "003", None, Some(JULY)),
        ("south", "Cụm Nam", "005", Some(JULY), None),
        ("south", "Cụm Nam", "002", Some(JULY), None),
    ];
    frames.areas = df!(
        "area_code" => members.map(|m| m.0),
        "area_name" => members.map(|m| m.1),
        "unit_code" => members.map(|m| m.2),
        "valid_from" => members.map(|m| m.3.map(d)),
        "valid_to" => members.map(|m| m.4.map(d)),
    )
    .unwrap();
    // Say D, C and E came from 62 (the frame's word: the dataset computes it).
    let former = ["51", "51", "62", "62", "62"];
    let names = former.map(|p| {
        if p == "51" {
            "Tỉnh Quảng Ngãi"
        } else {
            "Tỉnh Kon Tum"
        }
    });
    frames
        .units
        .with_column(Column::new("former_province_code".into(), former))
        .unwrap();
    frames
        .units
        .with_column(Column::new("former_province_name".into(), names))
        .unwrap();
    let rows_on = |day: &str, g: GroupBy| -> Vec<(String, Option<String>, f64, f64)> {
        let out = compute(&frames, d(day), &["staffing_ratio"], &[g], &config()).unwrap();
        let code = out.column("group_code").unwrap().str().unwrap().clone();
        let name = out.column("group_name").unwrap().str().unwrap().clone();
        let num = out.column("numerator").unwrap().f64().unwrap().clone();
        let den = out.column("denominator").unwrap().f64().unwrap().clone();
        (0..out.height())
            .map(|i| {
                (
                    code.get(i).unwrap().to_owned(),
                    name.get(i).map(str::to_owned),
                    num.get(i).unwrap(),
                    den.get(i).unwrap(),
                )
            })
            .collect()
    };
    let s = |x: &str| Some(x.to_owned());
    assert_eq!(
        rows_on("2025-06-30", GroupBy::Area),
        [
            ("north".into(), s("Cụm Bắc"), 7.0, 2.0),
            ("south".into(), s("Cụm Nam"), 2.0, 1.0)
        ]
    );
    // From July C is in both areas: areas overlap.
    assert_eq!(
        rows_on("2025-07-31", GroupBy::Area),
        [
            ("north".into(), s("Cụm Bắc"), 6.0, 1.0),
            ("south".into(), s("Cụm Nam"), 7.0, 2.0)
        ]
    );
    // The province each unit came from, on the units of the day.
    assert_eq!(
        rows_on("2025-06-30", GroupBy::FormerProvince),
        [
            ("51".into(), s("Tỉnh Quảng Ngãi"), 7.0, 2.0),
            ("62".into(), s("Tỉnh Kon Tum"), 2.0, 1.0)
        ]
    );
    assert_eq!(
        rows_on("2025-07-31", GroupBy::FormerProvince),
        [("62".into(), s("Tỉnh Kon Tum"), 7.0, 2.0)]
    );
}
