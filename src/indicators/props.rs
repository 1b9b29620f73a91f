//! Property tests: on random small data sets (a few districts in two provinces, units of
//! the three kinds, some ended; officers, chiefs and seats with random dates, some ended
//! or pointing at unknown units; headquarters in every state; dated records), `compute`
//! equals the independent computation of `reference` for every indicator, breakdown and
//! several days, and `series` equals `compute` at each period end, with staffing floors
//! that change within the span (a series crossing the change).

use chrono::{Days, NaiveDate};
use polars::prelude::{IntoLazy, col, lit};
use proptest::prelude::*;

use super::reference::{from_frame, reference};
use super::*;

/// Days since 2020-01-01.
fn day(offset: u16) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Days::new(u64::from(offset))
}

fn opt_day(offset: Option<u16>) -> Option<NaiveDate> {
    offset.map(day)
}

/// A unit code among `n` units, or an unknown code for the index `n`.
fn unit_code(i: usize, n: usize) -> String {
    if i < n {
        format!("{:05}", i + 1)
    } else {
        "99999".into()
    }
}

const SPAN: u16 = 1800;

/// Step of the grid most days fall on.
const STEP: u16 = 150;

/// A day: on a coarse grid most of the time, so that dates of different records and the
/// days evaluated often fall on the same day (boundaries matter).
fn offsets() -> impl Strategy<Value = u16> {
    prop_oneof![7 => (0..SPAN / STEP).prop_map(|x| x * STEP), 3 => 0..SPAN]
}

/// A day evaluated: on the grid, the day before or after it, or any day.
fn as_of() -> impl Strategy<Value = u16> {
    let grid = || (1..SPAN / STEP).prop_map(|x| x * STEP);
    prop_oneof![
        5 => grid(),
        1 => grid().prop_map(|x| x - 1),
        1 => grid().prop_map(|x| x + 1),
        3 => 0..SPAN + 200,
    ]
}

fn ends() -> impl Strategy<Value = Option<u16>> {
    prop::option::weighted(0.4, offsets())
}

fn units() -> impl Strategy<Value = Vec<UnitRow>> {
    prop::collection::vec((0..3usize, 0..3usize, offsets(), ends()), 1..7).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (district, kind, from, to))| UnitRow {
                code: unit_code(i, usize::MAX),
                name: format!("Đơn vị {i}"),
                district_code: format!("{:03}", district + 1),
                province_code: if district < 2 { "51" } else { "52" }.into(),
                kind: ["xa", "phuong", "thi_tran"][kind].into(),
                valid_from: day(from),
                valid_to: opt_day(to),
            })
            .collect()
    })
}

/// Raw officers: unit index (one past the units: unknown), position, dates.
fn officers() -> impl Strategy<Value = Vec<(usize, usize, u16, Option<u16>)>> {
    prop::collection::vec((0..8usize, 0..4usize, offsets(), ends()), 0..40)
}

/// Raw seats: officer index, same unit as the officer, unit index, body, dates.
type RawSeat = (usize, bool, usize, bool, u16, Option<u16>);

fn seats() -> impl Strategy<Value = Vec<RawSeat>> {
    prop::collection::vec(
        (
            0..40usize,
            prop::bool::weighted(0.85),
            0..8usize,
            any::<bool>(),
            offsets(),
            ends(),
        ),
        0..30,
    )
}

fn headquarters() -> impl Strategy<Value = Vec<(usize, usize, [Option<u16>; 5])>> {
    let in_use = prop::option::weighted(0.6, offsets());
    let dates =
        (ends(), ends(), in_use, ends(), ends()).prop_map(|(a, s, i, c, t)| [a, s, i, c, t]);
    prop::collection::vec((0..8usize, 0..6usize, dates), 0..12)
}

/// Dated records: (kind or topic index, unit index or none, date, end, flag).
/// A generated record before it is tied to units: (unit index, optional second unit
/// index, start day, optional end day, flag).
type RawRecord = (usize, Option<usize>, u16, Option<u16>, bool);

fn records() -> impl Strategy<Value = Vec<RawRecord>> {
    prop::collection::vec(
        (
            0..6usize,
            prop::option::of(0..8usize),
            offsets(),
            ends(),
            any::<bool>(),
        ),
        0..12,
    )
}

/// Builds the rows of one data set from the raw draws.
fn assemble(
    units: Vec<UnitRow>,
    raw_officers: Vec<(usize, usize, u16, Option<u16>)>,
    raw_seats: Vec<RawSeat>,
    raw_hq: Vec<(usize, usize, [Option<u16>; 5])>,
    raw_records: Vec<RawRecord>,
    no_district_3: bool,
) -> Rows {
    let n = units.len();
    let code = |i: usize| unit_code(i.min(n), n);
    let officers: Vec<OfficerRow> = raw_officers
        .into_iter()
        .enumerate()
        .map(|(i, (u, p, from, to))| OfficerRow {
            id: i as i32 + 1,
            unit_code: code(u),
            position: ["chief", "chief", "deputy", "officer"][p].into(),
            posted_from: day(from),
            posted_to: opt_day(to),
        })
        .collect();
    let memberships = raw_seats
        .into_iter()
        .filter(|_| !officers.is_empty())
        .map(|(o, same, u, exec, from, to)| {
            let of = &officers[o % officers.len()];
            MembershipRow {
                officer_id: of.id,
                unit_code: if same { of.unit_code.clone() } else { code(u) },
                body: if exec { "executive" } else { "standing" }.into(),
                started_on: day(from),
                ended_on: opt_day(to),
            }
        })
        .collect();
    let headquarters = raw_hq
        .into_iter()
        .map(|(u, m, [a, s, i, c, t])| HeadquartersRow {
            unit_code: code(u),
            model: ["new", "new", "new", "legacy", "temporary", "shared"][m].into(),
            approved_on: opt_day(a),
            construction_started_on: opt_day(s),
            in_use_on: opt_day(i),
            closed_on: opt_day(c),
            target_date: opt_day(t),
        })
        .collect();
    let mut rows = Rows {
        officers,
        memberships,
        headquarters,
        ..Rows::default()
    };
    add_records(&mut rows, &raw_records, &code);
    rows.districts = (1..=3)
        .filter(|i| !(no_district_3 && *i == 3))
        .map(|i| DistrictRow {
            code: format!("{i:03}"),
            name: format!("Huyện {i}"),
            province_code: if i < 3 { "51" } else { "52" }.into(),
        })
        .collect();
    rows.units = units;
    rows
}

/// Directives, activities, questions and awards from the same raw draws.
fn add_records(rows: &mut Rows, raw: &[RawRecord], code: &dyn Fn(usize) -> String) {
    for (i, (k, u, from, to, flag)) in raw.iter().enumerate() {
        let id = i as i32 + 1;
        let unit = u.map(code);
        rows.activities.push(ActivityRow {
            id,
            kind: ["volunteer_activity", "work_or_model", "programme"][k % 3].into(),
            organisation: "womens_association".into(),
            unit_code: unit.clone(),
            started_on: day(*from),
            ended_on: opt_day(*to),
            maintained: *flag,
        });
        rows.questions.push(QuestionRow {
            id,
            topic: frames_topic(*k).into(),
            asker_unit_code: unit.clone(),
            status: if *flag { "answered" } else { "open" }.into(),
            asked_on: day(*from),
            answered_on: opt_day(*to),
        });
        if i % 2 == 0 {
            rows.directives.push(DirectiveRow {
                id,
                kind: "plan".into(),
                issuer: "police_department".into(),
                issued_on: day(*from),
            });
        }
        rows.awards.push(AwardRow {
            id,
            form: ["certificate_of_merit", "certificate_of_commendation"][k % 2].into(),
            issuer: ["minister", "provincial_chairman", "director"][k % 3].into(),
            recipient_kind: "collective".into(),
            unit_code: code(u.unwrap_or(0)),
            awarded_on: day(*to.as_ref().unwrap_or(from)),
        });
    }
}

fn frames_topic(k: usize) -> &'static str {
    [
        "grassroots_security",
        "project_06",
        "party_building",
        "organisation_personnel",
        "emulation_commendation",
        "logistics_technical",
    ][k % 6]
}

/// A staffing floor: the same on every day, or changing once or twice within the span
/// of the data (often on a grid day, so that the change falls on a day evaluated).
fn floors() -> impl Strategy<Value = StaffingFloor> {
    let step = || (offsets(), 1..8u32);
    prop_oneof![
        1 => (1..8u32).prop_map(StaffingFloor::constant),
        3 => (1..8u32, prop::collection::vec(step(), 1..3)).prop_map(|(first, later)| {
            let mut steps = vec![FloorStep { from: None, officers: first }];
            let mut later: Vec<(u16, u32)> = later.into_iter().filter(|(o, _)| *o > 0).collect();
            later.sort_unstable();
            later.dedup_by_key(|(o, _)| *o);
            steps.extend(later.into_iter().map(|(o, officers)| FloorStep { from: Some(day(o)), officers }));
            StaffingFloor::new(&steps).unwrap()
        }),
    ]
}

prop_compose! {
    fn data_set()(
        units in units(),
        officers in officers(),
        seats in seats(),
        hq in headquarters(),
        records in records(),
        no_district_3 in any::<bool>(),
    ) -> Rows {
        assemble(units, officers, seats, hq, records, no_district_3)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn compute_equals_reference(
        rows in data_set(),
        days in prop::collection::vec(as_of(), 2),
        floor in floors(),
    ) {
        let frames = Frames::from_rows(&rows).unwrap();
        let config = EngineConfig { staffing_floor: floor };
        for offset in days {
            let out = compute(&frames, day(offset), &[], &GroupBy::ALL, &config).unwrap();
            let expected = reference(&rows, day(offset), &[], &GroupBy::ALL, &config);
            prop_assert_eq!(from_frame(&out), expected, "as of {}", day(offset));
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn series_equals_compute_at_period_ends(
        rows in data_set(),
        from in 0..SPAN,
        periods in 1..5u32,
        period in prop::sample::select(vec![Period::Month, Period::Quarter, Period::Year]),
        floor in floors(),
    ) {
        let frames = Frames::from_rows(&rows).unwrap();
        let config = EngineConfig { staffing_floor: floor };
        let months = match period { Period::Month => 1, Period::Quarter => 3, Period::Year => 12 };
        let (from, to) = (day(from), day(from) + chrono::Months::new((periods - 1) * months));
        let s = series(&frames, &[], from, to, period, &GroupBy::ALL, &config).unwrap();
        let ends = period.ends(from, to).unwrap();
        let mut seen = 0;
        for end in ends {
            let one = compute(&frames, end, &[], &GroupBy::ALL, &config).unwrap();
            let at = s.clone().lazy().filter(col("period_end").eq(lit(end))).collect().unwrap();
            seen += at.height();
            prop_assert_eq!(from_frame(&at), from_frame(&one), "period ending {}", end);
        }
        prop_assert_eq!(seen, s.height());
    }
}
