//! Demo and benchmark inputs of report rendering: [`ReportData::sample`] (the Quảng Ngãi
//! monthly report with the source article's figures) and [`ReportData::national_sample`]
//! (the 700 districts and 10,595 units of the national reference list), built from the
//! embedded reference CSVs with fixed figures, no database.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use super::data::{
    DistrictRow, DistrictValue, GapList, GapUnit, Headline, Language, ReportData, ReportPeriod,
    ReportScope, ScopeLevel, Series,
};
use crate::indicators::{Trajectory, find};
use crate::seed::ReferenceSet;

/// Per district of Quảng Ngãi: (code, chiefs on the standing committee, officers,
/// new-model headquarters in use). Sums: 57, 1,144, 60 (the article's figures).
const QUANG_NGAI: [(&str, u32, u32, u32); 12] = [
    ("522", 7, 172, 2),
    ("524", 7, 141, 5),
    ("525", 5, 99, 9),
    ("527", 4, 69, 2),
    ("528", 5, 88, 4),
    ("529", 5, 88, 8),
    ("530", 3, 55, 6),
    ("531", 2, 31, 4),
    ("532", 4, 75, 3),
    ("533", 4, 82, 4),
    ("534", 5, 119, 3),
    ("535", 6, 125, 10),
];

/// A district of a sample, with its units and figures.
struct SampleDistrict {
    code: String,
    name: String,
    /// (code, name, kind code)
    units: Vec<(String, String, String)>,
    standing: u32,
    officers: u32,
    hq: u32,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The kind code of a statistics-office unit type.
fn kind_code(ward_type: &str) -> &'static str {
    match ward_type {
        "phường" => "phuong",
        "thị trấn" => "thi_tran",
        _ => "xa",
    }
}

/// Districts and units of a reference set, in file order.
fn reference_districts(set: ReferenceSet) -> Vec<SampleDistrict> {
    let mut reader = csv::Reader::from_reader(set.csv().as_bytes());
    let headers = reader.headers().cloned().unwrap_or_default();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap_or(usize::MAX);
    let cols = [
        at("district_code"),
        at("district_name"),
        at("ward_code"),
        at("ward_name"),
        at("ward_type"),
    ];
    let mut districts: Vec<SampleDistrict> = Vec::new();
    for record in reader.records().filter_map(Result::ok) {
        let [dc, dn, wc, wn, wt] = cols.map(|i| record.get(i).unwrap_or("").to_string());
        if districts.last().is_none_or(|d| d.code != dc) {
            districts.push(SampleDistrict {
                code: dc,
                name: dn,
                units: Vec::new(),
                standing: 0,
                officers: 0,
                hq: 0,
            });
        }
        if let Some(d) = districts.last_mut() {
            d.units.push((wc, wn, kind_code(&wt).to_string()));
        }
    }
    districts
}

/// A fraction in [0, 1) from a number, stable across runs.
fn spread(i: usize, salt: u64) -> f64 {
    let x = (i as u64 + 1)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(salt);
    ((x >> 33) % 1000) as f64 / 1000.0
}

fn round_to(value: f64, decimals: u32) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    (value * scale).round() / scale
}

fn pct(num: u32, den: u32) -> f64 {
    if den == 0 {
        0.0
    } else {
        round_to(100.0 * f64::from(num) / f64::from(den), 1)
    }
}

impl ReportData {
    /// The monthly report of Quảng Ngãi for November 2026, in Vietnamese, with the
    /// figures of the source article: 57/173 chiefs on the standing committee, 6.61
    /// officers per unit (1,144/173), 60/173 new-model headquarters, 16 directives, ...
    pub fn sample() -> Self {
        let mut districts = reference_districts(ReferenceSet::QuangNgai);
        for d in &mut districts {
            if let Some((_, s, o, h)) = QUANG_NGAI.iter().find(|q| q.0 == d.code) {
                (d.standing, d.officers, d.hq) = (*s, *o, *h);
            }
        }
        let scope = ReportScope {
            code: "51".into(),
            name: "Tỉnh Quảng Ngãi".into(),
            level: ScopeLevel::Province,
        };
        let mut data = build(scope, &districts, 14);
        data.schedule_name = Some("Báo cáo tháng gửi Ban Giám đốc".into());
        data
    }

    /// A national-size report (the 700 districts and 10,595 units of 1 May 2024, about
    /// a third of them meeting each rate) for benchmarks.
    pub fn national_sample() -> Self {
        let mut districts = reference_districts(ReferenceSet::National);
        for (i, d) in districts.iter_mut().enumerate() {
            let n = d.units.len() as f64;
            d.standing = (n * (0.2 + 0.25 * spread(i, 1))).round() as u32;
            d.hq = (n * (0.2 + 0.3 * spread(i, 2))).round() as u32;
            d.officers = (n * (5.5 + 2.0 * spread(i, 3))).round() as u32;
        }
        let scope = ReportScope {
            code: "VN".into(),
            name: "Toàn quốc".into(),
            level: ScopeLevel::National,
        };
        build(scope, &districts, 900)
    }
}

fn build(scope: ReportScope, districts: &[SampleDistrict], achieved: u32) -> ReportData {
    let sum = |f: fn(&SampleDistrict) -> u32| districts.iter().map(f).sum::<u32>();
    let units = sum(|d| d.units.len() as u32);
    let (standing, officers, hq) = (sum(|d| d.standing), sum(|d| d.officers), sum(|d| d.hq));
    let report_date = day(2026, 11, 30);
    ReportData {
        language: Language::Vi,
        title: None,
        schedule_name: None,
        period: ReportPeriod::Month {
            year: 2026,
            month: 11,
        },
        report_date,
        scope,
        data_version: 42,
        data_as_of: DateTime::<Utc>::from_timestamp(1_796_007_600, 0).unwrap_or_default(),
        headlines: headlines(units, standing, officers, hq),
        trajectory: Some(trajectory(report_date, units, hq, achieved)),
        districts: districts.iter().map(district_row).collect(),
        gaps: gap_lists(districts),
        series: series(report_date, units, hq, achieved, officers),
        structure_change: None,
    }
}

/// A sample headline: code, numerator, denominator, value, previous value.
type HeadlineSeed<'a> = (&'a str, f64, Option<f64>, f64, Option<f64>);

fn headlines(units: u32, standing: u32, officers: u32, hq: u32) -> Vec<Headline> {
    let (u, o) = (f64::from(units), f64::from(officers));
    let rows: [HeadlineSeed; 10] = [
        (
            "party_executive_committee_rate",
            u,
            Some(u),
            100.0,
            Some(100.0),
        ),
        (
            "party_standing_committee_rate",
            f64::from(standing),
            Some(u),
            pct(standing, units),
            Some(pct(standing.saturating_sub(2), units)),
        ),
        (
            "staffing_ratio",
            o,
            Some(u),
            round_to(o / u, 2),
            Some(round_to((o - 5.0) / u, 2)),
        ),
        ("units_below_staffing_floor", 0.0, None, 0.0, Some(2.0)),
        (
            "hq_new_model_coverage",
            f64::from(hq),
            Some(u),
            pct(hq, units),
            Some(pct(hq.saturating_sub(2), units)),
        ),
        ("directives_issued", 16.0, None, 16.0, Some(15.0)),
        ("volunteer_activities", 104.0, None, 104.0, Some(98.0)),
        ("union_works_models", 42.0, None, 42.0, Some(40.0)),
        ("dialogue_questions", 31.0, None, 31.0, Some(31.0)),
        ("awards", 24.0, None, 24.0, None),
    ];
    rows.iter()
        .filter_map(|(code, num, den, value, prev)| {
            Some(Headline::from_def(find(code)?, *num, *den, *value, *prev))
        })
        .collect()
}

fn trajectory(as_of: NaiveDate, units: u32, covered: u32, achieved: u32) -> Trajectory {
    let target_date = day(2025, 12, 31);
    let needed = units - covered;
    let months = (u64::from(needed) * 12).div_ceil(u64::from(achieved.max(1)));
    Trajectory {
        as_of,
        units,
        covered,
        missing: units - covered,
        target_pct: 100.0,
        target_date,
        needed,
        months_left: 0,
        required_per_month: f64::from(needed),
        achieved_last_12_months: achieved,
        achieved_per_month: f64::from(achieved) / 12.0,
        projected_date: as_of.checked_add_months(Months::new(months as u32)),
        on_track: false,
    }
}

fn district_row(d: &SampleDistrict) -> DistrictRow {
    let n = d.units.len() as u32;
    let rate = |code: &str, num: u32| DistrictValue {
        code: code.into(),
        numerator: f64::from(num),
        denominator: Some(f64::from(n)),
        value: Some(pct(num, n)),
    };
    DistrictRow {
        code: d.code.clone(),
        name: d.name.clone(),
        values: vec![
            rate("party_executive_committee_rate", n),
            rate("party_standing_committee_rate", d.standing),
            DistrictValue {
                code: "staffing_ratio".into(),
                numerator: f64::from(d.officers),
                denominator: Some(f64::from(n)),
                value: (n > 0).then(|| round_to(f64::from(d.officers) / f64::from(n), 2)),
            },
            rate("hq_new_model_coverage", d.hq),
        ],
    }
}

/// Headquarters states of units still without one, as the gap engine words them.
const HQ_DETAILS: [&str; 4] = [
    "Chưa có dự án trụ sở mới",
    "Chưa phê duyệt, hạn 30/06/2026",
    "Đã phê duyệt, hạn 31/12/2026",
    "Đang xây dựng, hạn 31/03/2027",
];

fn gap_lists(districts: &[SampleDistrict]) -> Vec<GapList> {
    let list = |code: &str, skip: fn(&SampleDistrict) -> u32, detail: &dyn Fn(usize) -> String| {
        let def = find(code);
        let units = districts
            .iter()
            .flat_map(|d| d.units.iter().skip(skip(d) as usize).map(move |u| (d, u)))
            .enumerate()
            .map(|(i, (d, (code, name, kind)))| GapUnit {
                unit_code: code.clone(),
                unit_name: name.clone(),
                district_name: d.name.clone(),
                kind: kind.clone(),
                detail: detail(i),
            })
            .collect();
        GapList {
            code: code.into(),
            name_vi: def.map_or(code, |d| d.name_vi).into(),
            name_en: def.map_or(code, |d| d.name_en).into(),
            units,
        }
    };
    vec![
        list(
            "party_executive_committee_rate",
            |d| d.units.len() as u32,
            &|_| String::new(),
        ),
        list("party_standing_committee_rate", |d| d.standing, &|_| {
            "Trưởng Công an chưa tham gia Ban Thường vụ Đảng ủy".to_string()
        }),
        list("hq_new_model_coverage", |d| d.hq, &|i| {
            HQ_DETAILS[i % HQ_DETAILS.len()].to_string()
        }),
    ]
}

/// The last day of the month `back` months before `end`'s month.
fn month_end(end: NaiveDate, back: u32) -> NaiveDate {
    let first = end.with_day0(0).unwrap_or(end);
    first
        .checked_sub_months(Months::new(back))
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(end)
}

/// 24 month ends up to `end`: headquarters coverage growing by `achieved` units over the
/// last 12 months (slower before), officers per unit rising to today's figure.
fn series(end: NaiveDate, units: u32, covered: u32, achieved: u32, officers: u32) -> Vec<Series> {
    let months: Vec<NaiveDate> = (0..24).rev().map(|back| month_end(end, back)).collect();
    let year_ago = covered.saturating_sub(achieved);
    let start = year_ago.saturating_sub(achieved / 2);
    let hq = |k: usize| -> u32 {
        let k = k as f64;
        let c = if k <= 11.0 {
            f64::from(start) + f64::from(year_ago - start) * k / 11.0
        } else {
            f64::from(year_ago) + f64::from(achieved) * (k - 11.0) / 12.0
        };
        c.round() as u32
    };
    let staff =
        |k: usize| f64::from(officers) * (0.95 + 0.05 * k as f64 / 23.0) / f64::from(units.max(1));
    let make = |code: &str, f: &dyn Fn(usize) -> f64| {
        let def = find(code);
        Series {
            code: code.into(),
            name_vi: def.map_or(code, |d| d.name_vi).into(),
            name_en: def.map_or(code, |d| d.name_en).into(),
            unit: def.map_or("", |d| d.unit).into(),
            decimals: def.map_or(1, |d| d.decimals),
            points: months.iter().enumerate().map(|(k, d)| (*d, f(k))).collect(),
        }
    };
    vec![
        make("hq_new_model_coverage", &|k| pct(hq(k), units)),
        make("staffing_ratio", &|k| round_to(staff(k), 2)),
    ]
}
