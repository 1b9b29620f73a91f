//! Tests of every entry point on a hand-made data set whose answers are worked out by
//! hand (effective dates: a chief posted in March 2023 counts from then, an ended seat or
//! a closed headquarters no longer counts, a merged unit drops out).

use chrono::NaiveDate;

use super::reference::{RefRow, from_frame, reference};
use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn od(s: &str) -> Option<NaiveDate> {
    Some(d(s))
}

fn unit(code: &str, name: &str, district: &str, kind: &str, to: Option<NaiveDate>) -> UnitRow {
    UnitRow {
        code: code.into(),
        name: name.into(),
        district_code: district.into(),
        province_code: "51".into(),
        kind: kind.into(),
        valid_from: d("2020-01-01"),
        valid_to: to,
    }
}

fn officer(id: i32, unit: &str, position: &str, from: &str, to: Option<NaiveDate>) -> OfficerRow {
    OfficerRow {
        id,
        unit_code: unit.into(),
        position: position.into(),
        posted_from: d(from),
        posted_to: to,
    }
}

fn seat(id: i32, unit: &str, body: &str, from: &str, to: Option<NaiveDate>) -> MembershipRow {
    MembershipRow {
        officer_id: id,
        unit_code: unit.into(),
        body: body.into(),
        started_on: d(from),
        ended_on: to,
    }
}

fn hq(unit: &str, model: &str, dates: [Option<NaiveDate>; 5]) -> HeadquartersRow {
    let [
        approved_on,
        construction_started_on,
        in_use_on,
        closed_on,
        target_date,
    ] = dates;
    HeadquartersRow {
        unit_code: unit.into(),
        model: model.into(),
        approved_on,
        construction_started_on,
        in_use_on,
        closed_on,
        target_date,
    }
}

fn activity(
    id: i32,
    kind: &str,
    unit: Option<&str>,
    from: &str,
    to: Option<NaiveDate>,
    kept: bool,
) -> ActivityRow {
    ActivityRow {
        id,
        kind: kind.into(),
        organisation: "youth_union".into(),
        unit_code: unit.map(str::to_string),
        started_on: d(from),
        ended_on: to,
        maintained: kept,
    }
}

fn question(id: i32, topic: &str, unit: Option<&str>, answered: Option<NaiveDate>) -> QuestionRow {
    QuestionRow {
        id,
        topic: topic.into(),
        asker_unit_code: unit.map(str::to_string),
        status: if answered.is_some() {
            "answered"
        } else {
            "open"
        }
        .into(),
        asked_on: d("2023-10-01"),
        answered_on: answered,
    }
}

fn award(id: i32, issuer: &str, unit: &str) -> AwardRow {
    AwardRow {
        id,
        form: "certificate_of_merit".into(),
        issuer: issuer.into(),
        recipient_kind: "collective".into(),
        unit_code: unit.into(),
        awarded_on: d("2023-11-01"),
    }
}

/// Four units in two districts: 00001 (xã, chief from 2023-03-15), 00002 (phường, three
/// officers, standing seat ended 2023-06-01, new headquarters closed 2023-09-01),
/// 00003 (thị trấn, chief replaced 2023-01-01, building approved), 00004 (xã, merged
/// away on 2024-01-01).
pub(crate) fn tiny() -> Rows {
    let mut officers = vec![officer(1, "00001", "chief", "2023-03-15", None)];
    officers.extend((2..=6).map(|i| officer(i, "00001", "officer", "2020-06-01", None)));
    officers.extend([
        officer(10, "00002", "chief", "2021-01-01", None),
        officer(11, "00002", "deputy", "2021-01-01", None),
        officer(12, "00002", "officer", "2021-01-01", od("2022-06-01")),
        officer(13, "00002", "officer", "2021-01-01", None),
        officer(20, "00003", "chief", "2020-01-01", od("2023-01-01")),
        officer(21, "00003", "chief", "2023-01-01", None),
        officer(30, "00004", "chief", "2020-01-01", None),
    ]);
    officers.extend((22..=25).map(|i| officer(i, "00003", "officer", "2020-01-01", None)));
    officers.extend((31..=35).map(|i| officer(i, "00004", "officer", "2020-01-01", None)));
    Rows {
        units: vec![
            unit("00001", "Xã Một", "001", "xa", None),
            unit("00002", "Phường Hai", "001", "phuong", None),
            unit("00003", "Thị trấn Ba", "002", "thi_tran", None),
            unit("00004", "Xã Bốn", "002", "xa", od("2024-01-01")),
        ],
        districts: vec![
            DistrictRow {
                code: "001".into(),
                name: "Huyện A".into(),
                province_code: "51".into(),
            },
            DistrictRow {
                code: "002".into(),
                name: "Huyện B".into(),
                province_code: "51".into(),
            },
        ],
        officers,
        memberships: vec![
            seat(1, "00001", "executive", "2023-04-01", None),
            seat(1, "00002", "standing", "2023-04-01", None),
            seat(10, "00002", "executive", "2021-02-01", None),
            seat(10, "00002", "standing", "2021-02-01", od("2023-06-01")),
            seat(11, "00002", "executive", "2021-01-01", None),
            seat(20, "00003", "executive", "2020-02-01", od("2023-01-01")),
            seat(21, "00003", "executive", "2023-02-01", None),
            seat(21, "00003", "standing", "2023-02-01", None),
            seat(30, "00004", "executive", "2020-02-01", None),
            seat(30, "00004", "standing", "2020-02-01", None),
        ],
        headquarters: vec![
            hq(
                "00001",
                "new",
                [
                    od("2021-01-01"),
                    od("2021-06-01"),
                    od("2022-05-01"),
                    None,
                    None,
                ],
            ),
            hq(
                "00002",
                "new",
                [None, None, od("2021-01-01"), od("2023-09-01"), None],
            ),
            hq(
                "00002",
                "legacy",
                [None, None, od("2015-01-01"), None, None],
            ),
            hq(
                "00003",
                "new",
                [od("2023-01-01"), None, None, None, od("2025-06-30")],
            ),
            hq(
                "00004",
                "legacy",
                [None, None, od("2010-01-01"), None, None],
            ),
        ],
        directives: vec![
            DirectiveRow {
                id: 1,
                kind: "plan".into(),
                issuer: "police_department".into(),
                issued_on: d("2022-01-10"),
            },
            DirectiveRow {
                id: 2,
                kind: "directive".into(),
                issuer: "provincial_party_committee".into(),
                issued_on: d("2024-02-01"),
            },
        ],
        activities: vec![
            activity(
                1,
                "volunteer_activity",
                Some("00001"),
                "2022-03-01",
                None,
                false,
            ),
            activity(2, "volunteer_activity", None, "2023-05-01", None, false),
            activity(3, "work_or_model", Some("00003"), "2021-01-01", None, true),
            activity(
                4,
                "work_or_model",
                Some("00003"),
                "2021-01-01",
                od("2023-01-01"),
                true,
            ),
            activity(5, "work_or_model", Some("00001"), "2021-01-01", None, false),
        ],
        questions: vec![
            question(1, "grassroots_security", Some("00001"), od("2023-10-02")),
            question(2, "project_06", None, None),
            question(3, "grassroots_security", Some("00004"), od("2024-02-01")),
        ],
        awards: vec![
            award(1, "minister", "00002"),
            award(2, "provincial_chairman", "00004"),
        ],
    }
}

fn frames() -> Frames {
    Frames::from_rows(&tiny()).unwrap()
}

/// The rows of `compute`, checked against the reference on the way.
fn rows_at(day: &str, group_by: &[GroupBy]) -> Vec<RefRow> {
    let config = EngineConfig::default();
    let out = from_frame(&compute(&frames(), d(day), &[], group_by, &config).unwrap());
    assert_eq!(out, reference(&tiny(), d(day), &[], group_by, &config));
    out
}

/// (numerator, denominator, value) of one indicator and group.
fn get(rows: &[RefRow], code: &str, group: &str) -> (f64, Option<f64>, Option<f64>) {
    let r = rows
        .iter()
        .find(|r| r.code == code && r.group_code == group)
        .unwrap_or_else(|| panic!("no row {code} {group}"));
    (r.numerator, r.denominator, r.value)
}

#[test]
fn before_the_chief_is_posted() {
    let p = rows_at("2023-03-01", &[]);
    assert_eq!(
        get(&p, "staffing_ratio", "51"),
        (19.0, Some(4.0), Some(4.75))
    );
    assert_eq!(
        get(&p, "party_executive_committee_rate", "51"),
        (3.0, Some(3.0), Some(100.0))
    );
    assert_eq!(
        get(&p, "party_standing_committee_rate", "51"),
        (3.0, Some(3.0), Some(100.0))
    );
    assert_eq!(
        get(&p, "units_below_staffing_floor", "51"),
        (1.0, Some(4.0), Some(1.0))
    );
    assert_eq!(
        get(&p, "hq_new_model_coverage", "51"),
        (2.0, Some(4.0), Some(50.0))
    );
    assert_eq!(get(&p, "directives_issued", "51"), (1.0, None, Some(1.0)));
    assert_eq!(get(&p, "volunteer_activities", "51").0, 1.0);
    assert_eq!(get(&p, "union_works_models", "51").0, 1.0);
    assert_eq!(get(&p, "dialogue_questions", "51").0, 0.0);
    assert_eq!(p.len(), 10);
}

#[test]
fn end_of_2023_by_province_district_and_kind() {
    let all = [GroupBy::Province, GroupBy::District, GroupBy::Kind];
    let p = rows_at("2023-12-31", &all);
    assert_eq!(
        get(&p, "staffing_ratio", "51"),
        (20.0, Some(4.0), Some(5.0))
    );
    assert_eq!(
        get(&p, "party_executive_committee_rate", "51"),
        (4.0, Some(4.0), Some(100.0))
    );
    // chief 1's standing seat is on another commune's committee; chief 10's ended
    assert_eq!(
        get(&p, "party_standing_committee_rate", "51"),
        (2.0, Some(4.0), Some(50.0))
    );
    assert_eq!(
        get(&p, "hq_new_model_coverage", "51"),
        (1.0, Some(4.0), Some(25.0))
    );
    assert_eq!(get(&p, "volunteer_activities", "51").0, 2.0);
    assert_eq!(get(&p, "dialogue_questions", "51").0, 3.0);
    assert_eq!(get(&p, "awards", "51").0, 2.0);
    assert_eq!(
        get(&p, "staffing_ratio", "001"),
        (9.0, Some(2.0), Some(4.5))
    );
    assert_eq!(get(&p, "party_standing_committee_rate", "001").2, Some(0.0));
    assert_eq!(get(&p, "volunteer_activities", "001").0, 1.0);
    assert_eq!(get(&p, "union_works_models", "002").0, 1.0);
    assert_eq!(
        get(&p, "staffing_ratio", "xa"),
        (12.0, Some(2.0), Some(6.0))
    );
    let names: Vec<_> = p
        .iter()
        .filter(|r| r.code == "awards")
        .map(|r| r.group_name.clone())
        .collect();
    let expected = [
        None,
        Some("Huyện A"),
        Some("Huyện B"),
        Some("Phường"),
        Some("Thị trấn"),
        Some("Xã"),
    ];
    assert_eq!(names, expected.map(|n| n.map(str::to_string)));
    assert_eq!(
        p.iter().filter(|r| r.code == "directives_issued").count(),
        1
    );
}

#[test]
fn merged_unit_drops_out_but_its_records_stay() {
    let p = rows_at(
        "2024-06-30",
        &[GroupBy::Province, GroupBy::District, GroupBy::Unit],
    );
    assert_eq!(
        get(&p, "staffing_ratio", "51"),
        (14.0, Some(3.0), Some(4.67))
    );
    assert!(!p.iter().any(|r| r.group_code == "00004"));
    assert_eq!(get(&p, "dialogue_questions", "002").0, 1.0);
    assert_eq!(get(&p, "awards", "002").0, 1.0);
    assert_eq!(get(&p, "directives_issued", "51").0, 2.0);
    assert_eq!(
        get(&p, "staffing_ratio", "00001"),
        (6.0, Some(1.0), Some(6.0))
    );
}

#[test]
fn only_some_codes_and_errors() {
    let f = frames();
    let c = EngineConfig::default();
    let out = compute(
        &f,
        d("2023-12-31"),
        &["awards", "staffing_ratio"],
        &[GroupBy::Kind],
        &c,
    )
    .unwrap();
    let codes: Vec<_> = from_frame(&out).into_iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        ["staffing_ratio"; 3]
            .into_iter()
            .chain(["awards"; 3])
            .collect::<Vec<_>>()
    );
    let err = compute(&f, d("2023-12-31"), &["nope"], &[], &c).unwrap_err();
    assert!(err.to_string().contains("nope"));
    let floor = EngineConfig {
        staffing_floor: StaffingFloor::constant(7),
    };
    let out = from_frame(
        &compute(
            &f,
            d("2023-12-31"),
            &["units_below_staffing_floor"],
            &[],
            &floor,
        )
        .unwrap(),
    );
    assert_eq!(out[0].numerator, 4.0);
}

/// A series across a change of the staffing floor (5, then 7 from 1 January 2024 in
/// this test) counts each month against its own floor, as `compute` with the floor of
/// that day does; the gap list says which floor it applied.
#[test]
fn a_series_across_a_floor_change_uses_each_days_floor() {
    let dated = EngineConfig {
        staffing_floor: StaffingFloor::parse("5, 7 from 2024-01-01").unwrap(),
    };
    let code = ["units_below_staffing_floor"];
    let s = series(
        &frames(),
        &code,
        d("2023-11-01"),
        d("2024-01-31"),
        Period::Month,
        &[],
        &dated,
    )
    .unwrap();
    let at = |day: &str| {
        let point = s.clone().lazy().filter(col("period_end").eq(lit(d(day))));
        from_frame(&point.collect().unwrap())[0].numerator
    };
    let with = |floor: u32, day: &str| {
        let c = EngineConfig {
            staffing_floor: StaffingFloor::constant(floor),
        };
        from_frame(&compute(&frames(), d(day), &code, &[], &c).unwrap())[0].numerator
    };
    assert_eq!(at("2023-12-31"), with(5, "2023-12-31"));
    assert_eq!(at("2024-01-31"), with(7, "2024-01-31"));
    assert_eq!((at("2023-12-31"), at("2024-01-31")), (1.0, 3.0));
    assert_eq!(
        from_frame(&compute(&frames(), d("2024-01-31"), &code, &[], &dated).unwrap()),
        reference(&tiny(), d("2024-01-31"), &code, &[], &dated)
    );
    let detail = |day: &str| {
        let g = gaps(&frames(), "units_below_staffing_floor", d(day), &dated).unwrap();
        g.column("detail")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .map(str::to_owned)
    };
    assert_eq!(
        detail("2023-12-31").as_deref(),
        Some("3 cán bộ, chiến sĩ (tối thiểu 5)")
    );
    assert!(detail("2024-01-31").is_some_and(|t| t.ends_with("(tối thiểu 7)")));
}

#[test]
fn empty_frames_give_empty_results() {
    let f = Frames::empty();
    let c = EngineConfig::default();
    assert_eq!(
        compute(&f, d("2024-01-01"), &[], &GroupBy::ALL, &c)
            .unwrap()
            .height(),
        0
    );
    assert_eq!(
        gaps(&f, "staffing_ratio", d("2024-01-01"), &c)
            .unwrap()
            .height(),
        0
    );
    let t = hq_trajectory(&f, d("2024-01-01"), &c).unwrap();
    assert_eq!((t.units, t.needed, t.on_track), (0, 0, true));
}

/// The unit codes of a gap list and its first detail.
fn gap_units(code: &str, day: &str) -> (Vec<String>, Vec<String>) {
    let g = gaps(&frames(), code, d(day), &EngineConfig::default()).unwrap();
    let col = |c: &str| -> Vec<String> {
        g.column(c)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect()
    };
    let ranks: Vec<u32> = g
        .column("rank")
        .unwrap()
        .u32()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(ranks, (1..=g.height() as u32).collect::<Vec<_>>());
    (col("unit_code"), col("detail"))
}

#[test]
fn gap_lists() {
    let (units, detail) = gap_units("party_executive_committee_rate", "2023-03-01");
    assert_eq!(
        (units, detail),
        (vec!["00001".into()], vec!["Chưa có Trưởng Công an".into()])
    );
    assert!(
        gap_units("party_executive_committee_rate", "2023-12-31")
            .0
            .is_empty()
    );
    assert_eq!(
        gap_units("party_standing_committee_rate", "2023-12-31").0,
        ["00001", "00002"]
    );
    let (units, detail) = gap_units("units_below_staffing_floor", "2023-12-31");
    assert_eq!(
        (units, detail[0].as_str()),
        (vec!["00002".into()], "3 cán bộ, chiến sĩ (tối thiểu 5)")
    );
    assert_eq!(gap_units("staffing_ratio", "2023-12-31").0, ["00002"]);
    let (units, detail) = gap_units("hq_new_model_coverage", "2023-12-31");
    assert_eq!(units, ["00002", "00004", "00003"]);
    assert_eq!(detail[2], "Đã phê duyệt, hạn 30/06/2025");
    let err = gaps(
        &frames(),
        "awards",
        d("2023-12-31"),
        &EngineConfig::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no gap list"));
}

#[test]
fn trajectory_with_and_without_progress() {
    let c = EngineConfig::default();
    let t = hq_trajectory(&frames(), d("2023-12-31"), &c).unwrap();
    assert_eq!((t.units, t.covered, t.missing, t.needed), (4, 1, 3, 3));
    assert_eq!((t.months_left, t.required_per_month), (24, 0.125));
    assert_eq!(
        (t.achieved_last_12_months, t.projected_date, t.on_track),
        (0, None, false)
    );
    let t = hq_trajectory(&frames(), d("2022-12-31"), &c).unwrap();
    assert_eq!((t.units, t.covered, t.needed, t.months_left), (4, 2, 2, 36));
    assert_eq!(t.achieved_last_12_months, 1);
    assert_eq!((t.projected_date, t.on_track), (od("2024-12-31"), true));
}

#[test]
fn categories_of_questions_and_awards() {
    let q = categories(&frames(), "dialogue_questions", d("2023-12-31")).unwrap();
    let topics: Vec<_> = q
        .column("category")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(topics, ["grassroots_security", "project_06"]);
    let counts: Vec<_> = q
        .column("count")
        .unwrap()
        .u32()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(counts, [2, 1]);
    let shares: Vec<_> = q
        .column("answered_share")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(shares, [50.0, 0.0]);
    let a = categories(&frames(), "awards", d("2023-12-31")).unwrap();
    let cats: Vec<_> = a
        .column("category")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(
        cats,
        ["certificate_of_merit", "minister", "provincial_chairman"]
    );
    assert!(categories(&frames(), "staffing_ratio", d("2023-12-31")).is_err());
}

#[test]
fn series_months_match_compute() {
    let c = EngineConfig::default();
    let s = series(
        &frames(),
        &[],
        d("2023-01-10"),
        d("2023-04-02"),
        Period::Month,
        &GroupBy::ALL,
        &c,
    )
    .unwrap();
    let names = s.get_column_names();
    assert_eq!(
        names[names.len() - 2..]
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>(),
        ["period_end", "structure_changed"]
    );
    let ends = Period::Month
        .ends(d("2023-01-10"), d("2023-04-02"))
        .unwrap();
    assert_eq!(ends.len(), 4);
    let mut total = 0;
    for end in ends {
        let at = s
            .clone()
            .lazy()
            .filter(col("period_end").eq(lit(end)))
            .collect()
            .unwrap();
        total += at.height();
        let one = compute(&frames(), end, &[], &GroupBy::ALL, &c).unwrap();
        assert_eq!(from_frame(&at), from_frame(&one), "{end}");
    }
    assert_eq!(total, s.height());
}

#[test]
fn synthetic_province_is_deterministic_and_valid() {
    let a = bench_rows(&Synthetic::province());
    assert_eq!(a, bench_rows(&Synthetic::province()));
    assert_eq!(a.units.len(), 173);
    let f = Frames::from_rows(&a).unwrap();
    let c = EngineConfig::default();
    let out = compute(&f, d("2024-12-31"), &[], &GroupBy::ALL, &c).unwrap();
    assert_eq!(
        from_frame(&out),
        reference(&a, d("2024-12-31"), &[], &GroupBy::ALL, &c)
    );
}

use polars::prelude::{IntoLazy, col, lit};
