//! The eager index step, before the lazy as-of plans: the days evaluated, each date of a
//! record turned into the index of the first day evaluated on or after it (a binary
//! search over the few days), and each unit code into the unit's number (its row in the
//! units frame; the number after the last unit stands for "no unit").

use chrono::NaiveDate;
use polars::prelude::*;

use super::asof::{DAY, IDX, U};
use super::frames::Frames;

/// The days evaluated: sorted, without repeats.
pub(crate) struct Days {
    dates: Vec<NaiveDate>,
    physical: Vec<i32>,
}

impl Days {
    /// The days of `days`, sorted and without repeats.
    pub(crate) fn new(days: &[NaiveDate]) -> Self {
        let mut dates = days.to_vec();
        dates.sort_unstable();
        dates.dedup();
        let physical = dates.iter().map(|d| epoch_days(*d)).collect();
        Self { dates, physical }
    }

    /// How many days.
    pub(crate) fn len(&self) -> u32 {
        u32::try_from(self.dates.len()).unwrap_or(u32::MAX)
    }

    /// The frame of the days: idx (UInt32), day (Date).
    pub(crate) fn frame(&self) -> PolarsResult<DataFrame> {
        DataFrame::new(
            self.dates.len(),
            vec![
                Column::new(IDX.into(), (0..self.len()).collect::<Vec<u32>>()),
                Column::new(DAY.into(), self.dates.clone()),
            ],
        )
    }

    /// Per date of a Date column: the index of the first day on or after it (the number
    /// of days before it); `len()` for a null or a date after every day.
    pub(crate) fn first_on_or_after(&self, name: &str, column: &Column) -> PolarsResult<Column> {
        let n = self.len();
        let index = |x: i32| u32::try_from(self.physical.partition_point(|d| *d < x)).unwrap_or(n);
        let out: Vec<u32> = column
            .date()?
            .physical()
            .iter()
            .map(|v| v.map_or(n, index))
            .collect();
        Ok(Column::new(name.into(), out))
    }
}

/// The eager index step: unit numbers and day indices of the records.
pub(crate) struct Index<'a> {
    days: &'a Days,
    units: PlHashMap<&'a str, u32>,
    /// The number of the "no unit" row (the number of units).
    no_unit: u32,
}

impl<'a> Index<'a> {
    /// Numbers the units of `frames` by their row.
    pub(crate) fn new(frames: &'a Frames, days: &'a Days) -> PolarsResult<Self> {
        let codes = frames.units.column("code")?.str()?;
        let mut units = PlHashMap::with_capacity(codes.len());
        for (u, code) in (0u32..).zip(codes.iter()) {
            if let Some(code) = code {
                units.insert(code, u);
            }
        }
        let no_unit = u32::try_from(codes.len()).unwrap_or(u32::MAX);
        Ok(Self {
            days,
            units,
            no_unit,
        })
    }

    /// `df`, lazily, with `u` (UInt32: the number of the unit in column `unit`; the "no
    /// unit" number for a null code or no such column; null for an unknown code) and
    /// `_lo`, `_hi` (UInt32): the record holds on `[from, to)` (`to` none or null: no
    /// end), that is on the days of indices `_lo.._hi`.
    pub(crate) fn spans(
        &self,
        df: &DataFrame,
        unit: Option<&str>,
        from: &str,
        to: Option<&str>,
    ) -> PolarsResult<LazyFrame> {
        let days = self.days;
        let lo = days.first_on_or_after("_lo", df.column(from)?)?;
        let hi = match to {
            Some(to) => days.first_on_or_after("_hi", df.column(to)?)?,
            None => constant("_hi", days.len(), df.height()),
        };
        let u = match unit {
            Some(unit) => self.numbers(df.column(unit)?)?,
            None => constant(U, self.no_unit, df.height()),
        };
        Ok(df.hstack(&[u, lo, hi])?.lazy())
    }

    /// The unit numbers of a column of unit codes.
    fn numbers(&self, codes: &Column) -> PolarsResult<Column> {
        let out: Vec<Option<u32>> = codes
            .str()?
            .iter()
            .map(|c| match c {
                Some(c) => self.units.get(c).copied(),
                None => Some(self.no_unit),
            })
            .collect();
        Ok(Column::new(U.into(), out))
    }
}

/// A UInt32 column holding `value` on every row.
fn constant(name: &str, value: u32, height: usize) -> Column {
    let value = Scalar::new(DataType::UInt32, AnyValue::UInt32(value));
    Column::new_scalar(name.into(), value, height)
}

/// Days since 1970-01-01: the physical value of a polars date.
fn epoch_days(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i32::try_from((d - epoch).num_days()).unwrap_or(i32::MAX)
}

/// A date as a typed polars `Date` literal (`lit` of a `NaiveDate` makes a datetime).
pub(crate) fn date_lit(d: NaiveDate) -> Expr {
    lit(Scalar::new_date(epoch_days(d)))
}
