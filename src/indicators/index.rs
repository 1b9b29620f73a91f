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

/// One period of a unit code: its unit number and the day indices `lo..hi` on which a
/// record at that code belongs to it (the first period of a code reaches back to the
/// first day, the last one forward past the last day).
#[derive(Clone, Copy, Debug)]
struct Period {
    u: u32,
    lo: u32,
    hi: u32,
}

/// The eager index step: unit numbers and day indices of the records.
///
/// A unit is a code over a period, and codes are reused: a record at code C on day d
/// belongs to the period of C in force on d. A record whose span crosses a change of the
/// code's period is cut in one piece per period.
pub(crate) struct Index<'a> {
    days: &'a Days,
    /// The periods of each code, in order of their start.
    units: PlHashMap<&'a str, Vec<Period>>,
    /// Whether some code has more than one period (otherwise no record is ever cut).
    reused: bool,
    /// The number of the "no unit" row (the number of units).
    no_unit: u32,
}

impl<'a> Index<'a> {
    /// Numbers the units of `frames` by their row and indexes the periods of each code.
    pub(crate) fn new(frames: &'a Frames, days: &'a Days) -> PolarsResult<Self> {
        let codes = frames.units.column("code")?.str()?;
        let from = days.first_on_or_after("_lo", frames.units.column("valid_from")?)?;
        let to = days.first_on_or_after("_hi", frames.units.column("valid_to")?)?;
        let (from, to) = (from.u32()?, to.u32()?);
        let starts = frames
            .units
            .column("valid_from")?
            .date()?
            .physical()
            .clone();
        let mut units: PlHashMap<&str, Vec<(i32, Period)>> = PlHashMap::with_capacity(codes.len());
        for (i, code) in codes.iter().enumerate() {
            let (Some(code), Some(u)) = (code, u32::try_from(i).ok()) else {
                continue;
            };
            let period = Period {
                u,
                lo: from.get(i).unwrap_or(0),
                hi: to.get(i).unwrap_or(days.len()),
            };
            let start = starts.get(i).unwrap_or(i32::MIN);
            units.entry(code).or_default().push((start, period));
        }
        let mut reused = false;
        let units = units
            .into_iter()
            .map(|(code, mut periods)| {
                periods.sort_by_key(|(start, _)| *start);
                let mut periods: Vec<Period> = periods.into_iter().map(|(_, p)| p).collect();
                reused |= periods.len() > 1;
                if let Some(first) = periods.first_mut() {
                    first.lo = 0;
                }
                if let Some(last) = periods.last_mut() {
                    last.hi = days.len();
                }
                (code, periods)
            })
            .collect();
        let no_unit = u32::try_from(codes.len()).unwrap_or(u32::MAX);
        Ok(Self {
            days,
            units,
            reused,
            no_unit,
        })
    }

    /// `df`, lazily, with `u` (UInt32: the number of the unit in column `unit`; the "no
    /// unit" number for a null code or no such column; null for an unknown code) and
    /// `_lo`, `_hi` (UInt32): the record holds on `[from, to)` (`to` none or null: no
    /// end), that is on the days of indices `_lo.._hi`. A record at a code with several
    /// periods comes once per period it overlaps, its span cut to the period.
    ///
    /// With [`Empty::Drop`] the records that hold on no day evaluated are dropped here,
    /// before any column is copied (on one day of a long history most rows are such:
    /// postings ended before it or begun after it); [`Empty::Keep`] keeps them, for the
    /// records whose span the caller widens (volunteer activities count to date).
    pub(crate) fn spans(
        &self,
        df: &DataFrame,
        unit: Option<&str>,
        from: &str,
        to: Option<&str>,
        empty: Empty,
    ) -> PolarsResult<LazyFrame> {
        let days = self.days;
        let lo = days.first_on_or_after("_lo", df.column(from)?)?;
        let hi = match to {
            Some(to) => days.first_on_or_after("_hi", df.column(to)?)?,
            None => constant("_hi", days.len(), df.height()),
        };
        let holding;
        let (df, lo, hi) = match empty {
            Empty::Keep => (df, lo, hi),
            Empty::Drop => {
                let mask = lo
                    .as_materialized_series()
                    .lt(hi.as_materialized_series())?;
                holding = df.filter(&mask)?;
                (&holding, lo.filter(&mask)?, hi.filter(&mask)?)
            }
        };
        let Some(unit) = unit else {
            let u = constant(U, self.no_unit, df.height());
            return Ok(df.hstack(&[u, lo, hi])?.lazy());
        };
        if !self.reused {
            let u = self.numbers(df.column(unit)?)?;
            return Ok(df.hstack(&[u, lo, hi])?.lazy());
        }
        self.cut(df, df.column(unit)?, &lo, &hi, empty)
    }

    /// The unit numbers of a column of unit codes (every code has one period).
    fn numbers(&self, codes: &Column) -> PolarsResult<Column> {
        let out: Vec<Option<u32>> = codes
            .str()?
            .iter()
            .map(|c| match c {
                Some(c) => self.units.get(c).and_then(|p| p.first()).map(|p| p.u),
                None => Some(self.no_unit),
            })
            .collect();
        Ok(Column::new(U.into(), out))
    }

    /// The rows of `df` cut at the periods of their codes: one row per period a record
    /// overlaps (a record that holds on no day evaluated keeps one row, at the period of
    /// its start).
    fn cut(
        &self,
        df: &DataFrame,
        codes: &Column,
        lo: &Column,
        hi: &Column,
        empty: Empty,
    ) -> PolarsResult<LazyFrame> {
        let (lo, hi) = (lo.u32()?, hi.u32()?);
        let n = df.height();
        let (mut rows, mut us, mut los, mut his) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for (i, code) in codes.str()?.iter().enumerate() {
            let (l, h) = (lo.get(i).unwrap_or(0), hi.get(i).unwrap_or(0));
            let row = IdxSize::try_from(i).unwrap_or(IdxSize::MAX);
            let mut push = |u: Option<u32>, l: u32, h: u32| {
                rows.push(row);
                us.push(u);
                los.push(l);
                his.push(h);
            };
            match code {
                None => push(Some(self.no_unit), l, h),
                Some(c) => match self.units.get(c) {
                    None => push(None, l, h),
                    Some(periods) => {
                        let mut any = false;
                        for p in periods {
                            let (pl, ph) = (l.max(p.lo), h.min(p.hi));
                            if pl < ph {
                                push(Some(p.u), pl, ph);
                                any = true;
                            }
                        }
                        if !any && empty == Empty::Keep {
                            // holds on no day evaluated (ended between two of them, or
                            // after the last): kept, unchanged, at the period of its
                            // start, for the records whose span is widened later (to date)
                            let at = periods.iter().find(|p| p.lo <= l && l < p.hi);
                            push(at.or(periods.last()).map(|p| p.u), l, h);
                        }
                    }
                },
            }
        }
        let take = IdxCa::from_vec("".into(), rows);
        let cut = df.take(&take)?;
        let extra = [
            Column::new(U.into(), us),
            Column::new("_lo".into(), los),
            Column::new("_hi".into(), his),
        ];
        Ok(cut.hstack(&extra)?.lazy())
    }
}

/// What [`Index::spans`] does with the records that hold on no day evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Empty {
    /// Kept (the caller widens some spans).
    Keep,
    /// Dropped before anything is copied.
    Drop,
}

/// A UInt32 column holding `value` on every row.
fn constant(name: &str, value: u32, height: usize) -> Column {
    let value = Scalar::new(DataType::UInt32, AnyValue::UInt32(value));
    Column::new_scalar(name.into(), value, height)
}

/// Days since 1970-01-01: the physical value of a polars date.
pub(crate) fn epoch_days(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i32::try_from((d - epoch).num_days()).unwrap_or(i32::MAX)
}

/// A date as a typed polars `Date` literal (`lit` of a `NaiveDate` makes a datetime).
pub(crate) fn date_lit(d: NaiveDate) -> Expr {
    lit(Scalar::new_date(epoch_days(d)))
}
