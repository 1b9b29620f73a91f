//! The parameters every engine call takes at its entry (configuration, breakdowns,
//! periods), and the period ends a series is evaluated at.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use polars::prelude::{Expr, PolarsResult, lit, polars_bail, when};

use super::index::date_lit;

/// The most periods one series may span (50 years by month).
pub const MAX_PERIODS: usize = 600;

/// Settings of the computation that are not part of the data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineConfig {
    /// A unit with fewer officers in post than the floor in force on the day is below
    /// the staffing floor.
    pub staffing_floor: StaffingFloor,
}

/// The most steps a staffing floor rule has.
pub const MAX_FLOOR_STEPS: usize = 8;

/// The largest staffing floor accepted.
const MAX_FLOOR: u32 = 10_000;

/// One step of the staffing floor: `officers` from `from` on (from the beginning when
/// `None`, which only the first step is).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FloorStep {
    /// The first day it applies, or `None` for the first step.
    pub from: Option<NaiveDate>,
    /// The floor: a unit with fewer officers in post is below it.
    pub officers: u32,
}

impl fmt::Display for FloorStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.from {
            Some(day) => write!(f, "{} from {day}", self.officers),
            None => write!(f, "{} from the beginning", self.officers),
        }
    }
}

/// The staffing floor as a dated rule: 5 officers before 1/3/2025, 12 from then on (the
/// district police ended that day and their officers went to the communes, with a
/// target of at least 12 per commune police unit). Written `5, 12 from 2025-03-01`
/// (`COSO_STAFFING_FLOOR`): the first step holds from the beginning, each later one
/// from its day on, days strictly increasing, at most [`MAX_FLOOR_STEPS`] steps.
/// Evaluated per day inside the engine's plan ([`Self::expr`]), so a series crossing a
/// change uses each day's floor.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StaffingFloor {
    steps: [FloorStep; MAX_FLOOR_STEPS],
    len: usize,
}

impl Default for StaffingFloor {
    /// 5 officers, 12 from 1 March 2025.
    fn default() -> Self {
        let march_2025 = NaiveDate::from_ymd_opt(2025, 3, 1);
        let mut floor = Self::constant(5);
        floor.steps[1] = FloorStep {
            from: march_2025,
            officers: 12,
        };
        floor.len = 2;
        floor
    }
}

impl StaffingFloor {
    /// The same floor on every day.
    pub const fn constant(officers: u32) -> Self {
        let none = FloorStep {
            from: None,
            officers: 0,
        };
        let mut steps = [none; MAX_FLOOR_STEPS];
        steps[0].officers = officers;
        Self { steps, len: 1 }
    }

    /// A rule of `steps`: the first without a day, the others with strictly increasing
    /// days; every floor from 1 to 10,000.
    pub fn new(steps: &[FloorStep]) -> Result<Self, String> {
        let Some(first) = steps.first() else {
            return Err("the staffing floor needs at least one value".into());
        };
        if steps.len() > MAX_FLOOR_STEPS {
            return Err(format!(
                "the staffing floor has {} steps; at most {MAX_FLOOR_STEPS}",
                steps.len()
            ));
        }
        if first.from.is_some() {
            return Err(format!(
                "the first staffing floor (`{first}`) holds from the beginning: write it without a day"
            ));
        }
        let mut floor = Self::constant(first.officers);
        let mut last: Option<NaiveDate> = None;
        for (i, step) in steps.iter().enumerate() {
            if !(1..=MAX_FLOOR).contains(&step.officers) {
                return Err(format!(
                    "staffing floor `{step}`: the floor is from 1 to {MAX_FLOOR} officers"
                ));
            }
            if i == 0 {
                continue;
            }
            let Some(day) = step.from else {
                return Err(format!(
                    "staffing floor `{step}`: every value after the first needs `from YYYY-MM-DD`"
                ));
            };
            if last.is_some_and(|l| day <= l) {
                return Err(format!(
                    "staffing floor `{step}`: the days must increase from one value to the next"
                ));
            }
            last = Some(day);
            floor.steps[i] = *step;
        }
        floor.len = steps.len();
        Ok(floor)
    }

    /// Parses `5, 12 from 2025-03-01` (see the type's documentation).
    pub fn parse(text: &str) -> Result<Self, String> {
        let steps = text
            .split(',')
            .map(|part| parse_step(part.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(&steps)
    }

    /// The steps, oldest first.
    pub fn steps(&self) -> &[FloorStep] {
        &self.steps[..self.len]
    }

    /// The step in force on `day`.
    pub fn at(&self, day: NaiveDate) -> FloorStep {
        self.steps()
            .iter()
            .rev()
            .find(|s| s.from.is_none_or(|from| from <= day))
            .copied()
            .unwrap_or(self.steps[0])
    }

    /// The floor on the day of each row of `day` (a Date expression), as Int64:
    /// `when(day >= 2025-03-01).then(12).otherwise(5)` for the default rule.
    pub(crate) fn expr(&self, day: Expr) -> Expr {
        let mut floor = lit(i64::from(self.steps[0].officers));
        for step in &self.steps()[1..] {
            if let Some(from) = step.from {
                floor = when(day.clone().gt_eq(date_lit(from)))
                    .then(lit(i64::from(step.officers)))
                    .otherwise(floor);
            }
        }
        floor
    }
}

/// One step: `12` or `12 from 2025-03-01`.
fn parse_step(text: &str) -> Result<FloorStep, String> {
    let bad = || {
        format!(
            "staffing floor `{text}`: write a number of officers, optionally `from YYYY-MM-DD`, \
             e.g. `5, 12 from 2025-03-01`"
        )
    };
    let (officers, from) = match text.split_once(" from ") {
        Some((n, day)) => {
            let day = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").map_err(|_| bad())?;
            (n.trim(), Some(day))
        }
        None => (text, None),
    };
    let officers = officers.parse::<u32>().map_err(|_| bad())?;
    Ok(FloorStep { from, officers })
}

impl fmt::Display for StaffingFloor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match step.from {
                Some(day) => write!(f, "{} from {day}", step.officers)?,
                None => write!(f, "{}", step.officers)?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for StaffingFloor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StaffingFloor({self})")
    }
}

impl std::str::FromStr for StaffingFloor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

/// A breakdown of the indicators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupBy {
    /// One row per province (the whole scope in production, which holds one province).
    Province,
    /// One row per district (huyện, thị xã, thành phố, quận).
    District,
    /// One row per unit kind (xã, phường, thị trấn).
    Kind,
    /// One row per commune police unit.
    Unit,
    /// One row per province the units came from (Quảng Ngãi or Kon Tum for the units of
    /// 1 Jul 2025; a unit's own province before): see `Frames::units`.
    FormerProvince,
    /// One row per area (`Frames::areas`): a unit counts in every area holding it on the
    /// day; areas overlap, so the rows do not add up to the province.
    Area,
}

impl GroupBy {
    /// The partitions of the units, widest first (what the reference model checks).
    pub const ALL: [GroupBy; 4] = [
        GroupBy::Province,
        GroupBy::District,
        GroupBy::Kind,
        GroupBy::Unit,
    ];

    /// Every breakdown: the partitions, then the former provinces and the areas (what
    /// the stored snapshot holds).
    pub const EVERY: [GroupBy; 6] = [
        GroupBy::Province,
        GroupBy::District,
        GroupBy::Kind,
        GroupBy::Unit,
        GroupBy::FormerProvince,
        GroupBy::Area,
    ];

    /// The `group_kind` value of the output rows.
    pub fn code(self) -> &'static str {
        match self {
            GroupBy::Province => "province",
            GroupBy::District => "district",
            GroupBy::Kind => "kind",
            GroupBy::Unit => "unit",
            GroupBy::FormerProvince => "former_province",
            GroupBy::Area => "area",
        }
    }

    /// The column of the unit facts holding the group code.
    pub(crate) fn key(self) -> &'static str {
        match self {
            GroupBy::Province => "province_code",
            GroupBy::District => "district_code",
            GroupBy::Kind => "kind",
            GroupBy::Unit => "unit_code",
            GroupBy::FormerProvince => "former_province_code",
            GroupBy::Area => "area_code",
        }
    }
}

/// The breakdowns asked for, without repeats; none means the province only.
pub(crate) fn groupings(group_by: &[GroupBy]) -> Vec<GroupBy> {
    let mut out: Vec<GroupBy> = Vec::new();
    for g in group_by {
        if !out.contains(g) {
            out.push(*g);
        }
    }
    if out.is_empty() {
        out.push(GroupBy::Province);
    }
    out
}

/// The length of the periods of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    /// Calendar months.
    Month,
    /// Calendar quarters (January-March, ...).
    Quarter,
    /// Calendar years.
    Year,
}

impl Period {
    /// Months in one period.
    fn months(self) -> u32 {
        match self {
            Period::Month => 1,
            Period::Quarter => 3,
            Period::Year => 12,
        }
    }

    /// How many periods overlap `from..=to`; none when `from` is after `to`.
    pub fn count(self, from: NaiveDate, to: NaiveDate) -> Option<usize> {
        if from > to {
            return None;
        }
        let len = self.months();
        let first = month_index(period_start(from, len));
        let last = month_index(period_start(to, len));
        usize::try_from(last.saturating_sub(first) / len + 1).ok()
    }

    /// The last day of every period that overlaps `from..=to`, in order: the period
    /// holding `from` first, the period holding `to` last (its end may be after `to`).
    /// Errors when `from` is after `to` or the range spans more than [`MAX_PERIODS`].
    pub fn ends(self, from: NaiveDate, to: NaiveDate) -> PolarsResult<Vec<NaiveDate>> {
        if from > to {
            polars_bail!(ComputeError: "series range: from {from} is after to {to}");
        }
        let len = self.months();
        let first = period_start(from, len);
        let last = period_start(to, len);
        let count = month_index(last).saturating_sub(month_index(first)) / len + 1;
        if count as usize > MAX_PERIODS {
            polars_bail!(ComputeError: "series range: {count} periods, at most {MAX_PERIODS}");
        }
        (1..=count)
            .map(|i| end_after(first, i * len))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| polars::prelude::polars_err!(ComputeError: "series range out of dates"))
    }
}

/// Months since year 0 of the month holding `d` (non-negative for the dates we handle).
fn month_index(d: NaiveDate) -> u32 {
    u32::try_from(d.year() * 12).unwrap_or(0) + d.month0()
}

/// The first day of the period of `len` months holding `d` (periods aligned on January).
fn period_start(d: NaiveDate, len: u32) -> NaiveDate {
    let back = d.month0() % len;
    let first = d.with_day(1).unwrap_or(d);
    first.checked_sub_months(Months::new(back)).unwrap_or(first)
}

/// The day before `start` plus `months` months: the end of a period starting at `start`.
fn end_after(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(months))?.pred_opt()
}

/// The same day `months` months earlier (the last day of the month when it is shorter).
pub(crate) fn months_before(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(months)).unwrap_or(d)
}

/// Months from the month of `from` to the month of `to`, zero when `to` is earlier.
pub(crate) fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    month_index(to).saturating_sub(month_index(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn period_ends_cover_the_range() {
        let months = Period::Month.ends(d(2024, 1, 15), d(2024, 3, 1)).unwrap();
        assert_eq!(months, vec![d(2024, 1, 31), d(2024, 2, 29), d(2024, 3, 31)]);
        let quarters = Period::Quarter.ends(d(2023, 11, 2), d(2024, 4, 1)).unwrap();
        assert_eq!(
            quarters,
            vec![d(2023, 12, 31), d(2024, 3, 31), d(2024, 6, 30)]
        );
        let years = Period::Year.ends(d(2019, 1, 1), d(2024, 12, 31)).unwrap();
        assert_eq!(years.len(), 6);
        assert_eq!(
            Period::Month
                .ends(d(2019, 1, 1), d(2024, 12, 31))
                .unwrap()
                .len(),
            72
        );
    }

    #[test]
    fn period_counts_agree_with_the_ends() {
        let ranges = [
            (d(2024, 1, 15), d(2024, 3, 1)),
            (d(2023, 11, 2), d(2024, 4, 1)),
            (d(2019, 1, 1), d(2024, 12, 31)),
            (d(2024, 5, 5), d(2024, 5, 5)),
        ];
        for period in [Period::Month, Period::Quarter, Period::Year] {
            for (from, to) in ranges {
                let ends = period.ends(from, to).unwrap();
                assert_eq!(
                    period.count(from, to),
                    Some(ends.len()),
                    "{period:?} {from} {to}"
                );
            }
        }
        assert_eq!(
            Period::Month.count(d(1900, 1, 1), d(2024, 12, 31)),
            Some(1500)
        );
        assert_eq!(Period::Month.count(d(2024, 2, 1), d(2024, 1, 1)), None);
    }

    #[test]
    fn period_ends_refuse_bad_ranges() {
        assert!(Period::Month.ends(d(2024, 2, 1), d(2024, 1, 1)).is_err());
        assert!(Period::Month.ends(d(1900, 1, 1), d(2024, 1, 1)).is_err());
    }

    #[test]
    fn the_staffing_floor_is_a_dated_rule() {
        let floor = StaffingFloor::default();
        assert_eq!(floor.to_string(), "5, 12 from 2025-03-01");
        assert_eq!(StaffingFloor::parse(" 5 ,12 from 2025-03-01"), Ok(floor));
        assert_eq!(floor.at(d(2024, 12, 31)).officers, 5);
        assert_eq!(floor.at(d(2025, 2, 28)).officers, 5);
        assert_eq!(floor.at(d(2025, 3, 1)).officers, 12);
        assert_eq!(floor.at(d(2025, 3, 1)).to_string(), "12 from 2025-03-01");
        assert_eq!(floor.at(d(2019, 1, 1)).to_string(), "5 from the beginning");
        let three = StaffingFloor::parse("4, 5 from 2020-01-01, 12 from 2025-03-01").unwrap();
        let ons: Vec<u32> = [d(2019, 12, 31), d(2020, 1, 1), d(2026, 1, 1)]
            .map(|day| three.at(day).officers)
            .to_vec();
        assert_eq!(ons, vec![4, 5, 12]);
        assert_eq!(StaffingFloor::parse("7"), Ok(StaffingFloor::constant(7)));
    }

    #[test]
    fn a_bad_staffing_floor_is_refused_with_the_reason() {
        let refused = |text: &str, why: &str| {
            let err = StaffingFloor::parse(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        };
        refused("", "write a number");
        refused("5 from 2024-01-01", "holds from the beginning");
        refused("5, 12", "needs `from YYYY-MM-DD`");
        refused("5, 12 from 2025-03-01, 13 from 2025-03-01", "must increase");
        refused("5, 12 from 2025-03-01, 13 from 2024-03-01", "must increase");
        refused("0", "from 1 to 10000");
        refused("5, 12 from 1/3/2025", "write a number");
        refused("5, twelve from 2025-03-01", "write a number");
        refused(&["5"; 9].join(", "), "at most 8");
    }

    #[test]
    fn groupings_default_to_province_and_drop_repeats() {
        assert_eq!(groupings(&[]), vec![GroupBy::Province]);
        let g = groupings(&[GroupBy::Unit, GroupBy::Kind, GroupBy::Unit]);
        assert_eq!(g, vec![GroupBy::Unit, GroupBy::Kind]);
    }
}
