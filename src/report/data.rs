//! The input of report rendering: [`ReportData`], filled by the scheduler from the
//! indicator service (values, trajectory, breakdown by district, gap lists, series), and
//! checked here before anything is drawn.

use chrono::{DateTime, NaiveDate, Utc};

use super::error::ReportError;
use crate::indicators::{IndicatorDef, Status, Trajectory};

/// The language a report is written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Language {
    /// Vietnamese (the default): "6,61", "27/11/2026".
    #[default]
    Vi,
    /// English: "6.61", "27 Nov 2026".
    En,
}

impl Language {
    /// The language code (`vi`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Language::Vi => "vi",
            Language::En => "en",
        }
    }

    /// The language of a code (`vi`, `en`, case-insensitive).
    pub fn parse(code: &str) -> Result<Self, ReportError> {
        match code.trim().to_ascii_lowercase().as_str() {
            "vi" => Ok(Language::Vi),
            "en" => Ok(Language::En),
            _ => Err(ReportError::UnsupportedLanguage(code.to_string())),
        }
    }
}

/// The period a report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportPeriod {
    /// A calendar month ("tháng 11/2026").
    Month {
        /// Year.
        year: i32,
        /// Month, 1 to 12.
        month: u32,
    },
    /// A calendar quarter ("quý IV/2026").
    Quarter {
        /// Year.
        year: i32,
        /// Quarter, 1 to 4.
        quarter: u32,
    },
    /// A calendar year ("năm 2026").
    Year {
        /// Year.
        year: i32,
    },
    /// Any span of days, both ends included.
    Range {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
}

/// How wide the scope of a report is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScopeLevel {
    /// A whole province (the default).
    #[default]
    Province,
    /// One district (a district-scoped recipient).
    District,
    /// The whole country (benchmarks, national tier).
    National,
}

/// Whose data a report shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportScope {
    /// Province or district code ("51", "529").
    pub code: String,
    /// Name as written in the report ("Tỉnh Quảng Ngãi", "Huyện Sơn Hà").
    pub name: String,
    /// Province, district or country.
    pub level: ScopeLevel,
}

/// One headline indicator as of the report date.
#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    /// Indicator code (`party_standing_committee_rate`, ...).
    pub code: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Unit of the value: `%`, `officers/unit`, `units`, `documents`, ...
    pub unit: String,
    /// Value, rounded to `decimals` (rates in percent: 32.9).
    pub value: f64,
    /// Numerator (57).
    pub numerator: f64,
    /// Denominator for rates and ratios (173).
    pub denominator: Option<f64>,
    /// Decimals shown.
    pub decimals: u32,
    /// Red/amber/green status.
    pub status: Status,
    /// The value aimed at, if any (same unit as `value`).
    pub target: Option<f64>,
    /// The value the previous report of the same schedule showed, if any.
    pub previous: Option<f64>,
}

impl Headline {
    /// A headline from its registry definition and figures; the status follows the
    /// registry's thresholds.
    pub fn from_def(
        def: &IndicatorDef,
        numerator: f64,
        denominator: Option<f64>,
        value: f64,
        previous: Option<f64>,
    ) -> Self {
        Headline {
            code: def.code.to_string(),
            name_vi: def.name_vi.to_string(),
            name_en: def.name_en.to_string(),
            unit: def.unit.to_string(),
            value,
            numerator,
            denominator,
            decimals: def.decimals,
            status: crate::indicators::status(def, Some(value)),
            target: def.target,
            previous,
        }
    }
}

/// One headline indicator for one district (its code names a [`Headline`]).
#[derive(Clone, Debug, PartialEq)]
pub struct DistrictValue {
    /// Indicator code, one of the report's headlines.
    pub code: String,
    /// Numerator.
    pub numerator: f64,
    /// Denominator for rates and ratios.
    pub denominator: Option<f64>,
    /// Value (none for a rate over nothing).
    pub value: Option<f64>,
}

/// A row of the table by district.
#[derive(Clone, Debug, PartialEq)]
pub struct DistrictRow {
    /// District code.
    pub code: String,
    /// District name ("Huyện Sơn Hà").
    pub name: String,
    /// Its headline values (any order; missing ones show as "—").
    pub values: Vec<DistrictValue>,
}

/// A unit that does not meet a rate indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct GapUnit {
    /// Unit code.
    pub unit_code: String,
    /// Unit name ("Xã Sơn Hạ").
    pub unit_name: String,
    /// District name.
    pub district_name: String,
    /// Unit kind code (`xa`, `phuong`, `thi_tran`).
    pub kind: String,
    /// What it lacks (Vietnamese, from the gap engine).
    pub detail: String,
}

/// The units not meeting one rate indicator, ranked.
#[derive(Clone, Debug, PartialEq)]
pub struct GapList {
    /// Indicator code.
    pub code: String,
    /// Vietnamese name of the indicator.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// The units, furthest from meeting it first.
    pub units: Vec<GapUnit>,
}

/// A monthly series of one indicator, drawn as a line chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Indicator code.
    pub code: String,
    /// Vietnamese name (the chart title).
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Unit (`%` draws a 0-100 axis).
    pub unit: String,
    /// Decimals shown.
    pub decimals: u32,
    /// (month end, value), in increasing date order.
    pub points: Vec<(NaiveDate, f64)>,
}

/// Everything a report shows, computed beforehand: rendering reads nothing else.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportData {
    /// Language of the text (Vietnamese by default).
    pub language: Language,
    /// Topic shown in the subject and heading; none for the default ("Xây dựng Công an
    /// cấp xã" / "Building commune-level police").
    pub title: Option<String>,
    /// Name of the schedule that produced the report, shown in the footer.
    pub schedule_name: Option<String>,
    /// The period covered.
    pub period: ReportPeriod,
    /// The day the figures are taken on.
    pub report_date: NaiveDate,
    /// Province or district shown.
    pub scope: ReportScope,
    /// Data version the figures were computed from.
    pub data_version: i64,
    /// When that data version was written.
    pub data_as_of: DateTime<Utc>,
    /// Headline indicators, in the order shown (at least one).
    pub headlines: Vec<Headline>,
    /// Headquarters trajectory toward its target, if computed.
    pub trajectory: Option<Trajectory>,
    /// Table by district (may be empty, e.g. for a district-scoped report).
    pub districts: Vec<DistrictRow>,
    /// Gap lists, one per rate indicator.
    pub gaps: Vec<GapList>,
    /// Monthly series for the line charts.
    pub series: Vec<Series>,
    /// The restructurings between the previous report's day and this one's, when
    /// there were any: the changes shown against the previous report compare two
    /// different sets of units.
    pub structure_change: Option<StructureChange>,
}

/// Restructurings between two reports.
#[derive(Clone, Debug, PartialEq)]
pub struct StructureChange {
    /// The day the previous report's figures were taken on.
    pub since: NaiveDate,
    /// Each change: the day it took effect and its act, e.g. "1677/NQ-UBTVQH15".
    pub changes: Vec<(NaiveDate, String)>,
    /// Units in the scope on `since`.
    pub units_before: u32,
    /// Units in the scope on the report day.
    pub units_after: u32,
}

impl ReportData {
    /// The headline with this code.
    pub fn headline(&self, code: &str) -> Option<&Headline> {
        self.headlines.iter().find(|h| h.code == code)
    }

    /// Checks what rendering relies on; a clear error instead of an empty or wrong report.
    pub fn validate(&self) -> Result<(), ReportError> {
        if self.headlines.is_empty() {
            return Err(invalid("the report has no headline indicator"));
        }
        if self.scope.name.trim().is_empty() {
            return Err(invalid("the scope has no name"));
        }
        if self.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(invalid("the title is empty"));
        }
        check_period(self.period)?;
        self.headlines.iter().try_for_each(check_headline)?;
        check_unique(self.headlines.iter().map(|h| h.code.as_str()), "headline")?;
        self.districts
            .iter()
            .try_for_each(|d| check_district(self, d))?;
        self.gaps.iter().try_for_each(check_gap_list)?;
        self.series.iter().try_for_each(check_series)?;
        self.trajectory.as_ref().map_or(Ok(()), check_trajectory)
    }
}

/// An [`ReportError::InvalidData`].
pub(crate) fn invalid(message: impl Into<String>) -> ReportError {
    ReportError::InvalidData(message.into())
}

fn check_period(period: ReportPeriod) -> Result<(), ReportError> {
    match period {
        ReportPeriod::Month { month, .. } if !(1..=12).contains(&month) => {
            Err(invalid(format!("month {month} is not 1 to 12")))
        }
        ReportPeriod::Quarter { quarter, .. } if !(1..=4).contains(&quarter) => {
            Err(invalid(format!("quarter {quarter} is not 1 to 4")))
        }
        ReportPeriod::Range { from, to } if to < from => Err(invalid(format!(
            "period ends ({to}) before it starts ({from})"
        ))),
        _ => Ok(()),
    }
}

fn check_number(what: &str, value: f64) -> Result<(), ReportError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(invalid(format!("{what} is not a finite number")))
    }
}

fn check_headline(h: &Headline) -> Result<(), ReportError> {
    if h.code.trim().is_empty() || h.name_vi.trim().is_empty() {
        return Err(invalid("a headline indicator has no code or no name"));
    }
    let what = |field: &str| format!("headline `{}`: {field}", h.code);
    check_number(&what("value"), h.value)?;
    check_number(&what("numerator"), h.numerator)?;
    for (field, v) in [("denominator", h.denominator), ("target", h.target)] {
        v.map_or(Ok(()), |v| check_number(&what(field), v))?;
    }
    h.previous
        .map_or(Ok(()), |v| check_number(&what("previous"), v))?;
    if h.decimals > 6 {
        return Err(invalid(what("more than 6 decimals")));
    }
    Ok(())
}

fn check_unique<'a>(codes: impl Iterator<Item = &'a str>, what: &str) -> Result<(), ReportError> {
    let mut seen = std::collections::HashSet::new();
    for code in codes {
        if !seen.insert(code) {
            return Err(invalid(format!("{what} `{code}` appears twice")));
        }
    }
    Ok(())
}

fn check_district(data: &ReportData, row: &DistrictRow) -> Result<(), ReportError> {
    if row.name.trim().is_empty() {
        return Err(invalid(format!("district `{}` has no name", row.code)));
    }
    for v in &row.values {
        if data.headline(&v.code).is_none() {
            return Err(invalid(format!(
                "district `{}` has a value for `{}`, which is not a headline",
                row.code, v.code
            )));
        }
        let what = format!("district `{}`, `{}`", row.code, v.code);
        check_number(&what, v.numerator)?;
        for n in [v.denominator, v.value].into_iter().flatten() {
            check_number(&what, n)?;
        }
    }
    check_unique(row.values.iter().map(|v| v.code.as_str()), "district value")
}

fn check_gap_list(list: &GapList) -> Result<(), ReportError> {
    if list.code.trim().is_empty() || list.name_vi.trim().is_empty() {
        return Err(invalid("a gap list has no indicator code or no name"));
    }
    Ok(())
}

fn check_series(series: &Series) -> Result<(), ReportError> {
    if series.code.trim().is_empty() || series.name_vi.trim().is_empty() {
        return Err(invalid("a series has no indicator code or no name"));
    }
    if series.points.windows(2).any(|w| w[1].0 <= w[0].0) {
        return Err(invalid(format!(
            "series `{}`: dates are not increasing",
            series.code
        )));
    }
    for (_, v) in &series.points {
        check_number(&format!("series `{}`", series.code), *v)?;
    }
    Ok(())
}

fn check_trajectory(t: &Trajectory) -> Result<(), ReportError> {
    if t.covered > t.units || t.missing != t.units - t.covered {
        return Err(invalid(format!(
            "trajectory: {} covered and {} missing of {} units",
            t.covered, t.missing, t.units
        )));
    }
    for (field, v) in [
        ("target", t.target_pct),
        ("required pace", t.required_per_month),
        ("achieved pace", t.achieved_per_month),
    ] {
        check_number(&format!("trajectory {field}"), v)?;
    }
    Ok(())
}
