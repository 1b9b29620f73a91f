//! The parameters every engine call takes at its entry (configuration, breakdowns,
//! periods), and the period ends a series is evaluated at.

use chrono::{Datelike, Months, NaiveDate};
use polars::prelude::{PolarsResult, polars_bail};

/// The most periods one series may span (50 years by month).
pub const MAX_PERIODS: usize = 600;

/// Settings of the computation that are not part of the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    /// A unit with fewer officers in post than this is below the staffing floor.
    pub staffing_floor: u32,
}

impl Default for EngineConfig {
    /// The 5-officer floor of the indicator issue.
    fn default() -> Self {
        Self { staffing_floor: 5 }
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
}

impl GroupBy {
    /// Every breakdown, widest first.
    pub const ALL: [GroupBy; 4] = [
        GroupBy::Province,
        GroupBy::District,
        GroupBy::Kind,
        GroupBy::Unit,
    ];

    /// The `group_kind` value of the output rows.
    pub fn code(self) -> &'static str {
        match self {
            GroupBy::Province => "province",
            GroupBy::District => "district",
            GroupBy::Kind => "kind",
            GroupBy::Unit => "unit",
        }
    }

    /// The column of the unit facts holding the group code.
    pub(crate) fn key(self) -> &'static str {
        match self {
            GroupBy::Province => "province_code",
            GroupBy::District => "district_code",
            GroupBy::Kind => "kind",
            GroupBy::Unit => "unit_code",
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
    fn groupings_default_to_province_and_drop_repeats() {
        assert_eq!(groupings(&[]), vec![GroupBy::Province]);
        let g = groupings(&[GroupBy::Unit, GroupBy::Kind, GroupBy::Unit]);
        assert_eq!(g, vec![GroupBy::Unit, GroupBy::Kind]);
    }
}
