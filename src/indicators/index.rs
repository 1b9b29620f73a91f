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
        Ok(Column::new(name.into(), self.indices(column)?))
    }

    /// [`Self::first_on_or_after`] as plain numbers (read from the arrays, not value by
    /// value through the column).
    fn indices(&self, column: &Column) -> PolarsResult<Vec<u32>> {
        let n = self.len();
        let index = |x: i32| u32::try_from(self.physical.partition_point(|d| *d < x)).unwrap_or(n);
        let dates = column.date()?.physical();
        let mut out = Vec::with_capacity(dates.len());
        for arr in dates.downcast_iter() {
            match arr.validity().filter(|v| v.unset_bits() > 0) {
                None => out.extend(arr.values().iter().map(|v| index(*v))),
                Some(valid) => out.extend(
                    arr.values()
                        .iter()
                        .zip(valid.iter())
                        .map(|(v, ok)| if ok { index(*v) } else { n }),
                ),
            }
        }
        Ok(out)
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
    /// The first day of the period (days since 1970), for the order of a code's periods.
    start: i32,
}

/// The periods of one code, in order of their start: most codes have one.
enum Periods {
    One(Period),
    Many(Vec<Period>),
}

impl Periods {
    fn as_slice(&self) -> &[Period] {
        match self {
            Periods::One(p) => std::slice::from_ref(p),
            Periods::Many(ps) => ps,
        }
    }

    fn add(&mut self, p: Period) {
        match self {
            Periods::One(first) => *self = Periods::Many(vec![*first, p]),
            Periods::Many(ps) => ps.push(p),
        }
    }

    /// Sorts the periods and opens the first to the first day, the last past the last.
    fn close(&mut self, days: u32) {
        let ps = match self {
            Periods::One(p) => std::slice::from_mut(p),
            Periods::Many(ps) => {
                ps.sort_by_key(|p| p.start);
                ps.as_mut_slice()
            }
        };
        if let Some(first) = ps.first_mut() {
            first.lo = 0;
        }
        if let Some(last) = ps.last_mut() {
            last.hi = days;
        }
    }
}

/// The eager index step: unit numbers and day indices of the records.
///
/// A unit is a code over a period, and codes are reused: a record at code C on day d
/// belongs to the period of C in force on d. A record whose span crosses a change of the
/// code's period is cut in one piece per period.
pub(crate) struct Index<'a> {
    days: &'a Days,
    /// The periods of each code.
    units: PlHashMap<&'a str, Periods>,
    /// The number of the "no unit" row (the number of units).
    no_unit: u32,
}

impl<'a> Index<'a> {
    /// Numbers the units of `frames` by their row and indexes the periods of each code.
    pub(crate) fn new(frames: &'a Frames, days: &'a Days) -> PolarsResult<Self> {
        let codes = frames.units.column("code")?.str()?;
        let from = days.indices(frames.units.column("valid_from")?)?;
        let to = days.indices(frames.units.column("valid_to")?)?;
        let starts = frames.units.column("valid_from")?.date()?.physical();
        let mut units: PlHashMap<&str, Periods> = PlHashMap::with_capacity(codes.len());
        let rows = codes.iter().zip(from.iter().zip(&to)).zip(starts.iter());
        for (i, ((code, (lo, hi)), start)) in rows.enumerate() {
            let (Some(code), Some(u)) = (code, u32::try_from(i).ok()) else {
                continue;
            };
            let period = Period {
                u,
                lo: *lo,
                hi: *hi,
                start: start.unwrap_or(i32::MIN),
            };
            units
                .entry(code)
                .and_modify(|p| p.add(period))
                .or_insert(Periods::One(period));
        }
        for periods in units.values_mut() {
            periods.close(days.len());
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
    /// end), that is on the days of indices `_lo.._hi`. A record at a code with several
    /// periods comes once per period it overlaps, its span cut to the period. The unit
    /// code column itself is not copied (`u` stands for it).
    ///
    /// With [`Empty::Drop`] the records that hold on no day evaluated are dropped here,
    /// before any column is copied (on one day of a long history most rows are such:
    /// postings ended before it or begun after it, and their codes are not even looked
    /// up); [`Empty::Keep`] keeps them, for the records whose span the caller widens
    /// (volunteer activities count to date).
    pub(crate) fn spans(
        &self,
        df: &DataFrame,
        unit: Option<&str>,
        from: &str,
        to: Option<&str>,
        empty: Empty,
    ) -> PolarsResult<LazyFrame> {
        let days = self.days;
        let lo = days.indices(df.column(from)?)?;
        let hi = match to {
            Some(to) => days.indices(df.column(to)?)?,
            None => vec![days.len(); df.height()],
        };
        let (rest, codes) = match unit {
            Some(unit) => {
                let codes = df.column(unit)?.str()?.rechunk().into_owned();
                (df.drop(unit)?, Some(codes))
            }
            None => (df.clone(), None),
        };
        // one array after the rechunk; read only at the rows that hold on some day
        let names = codes.as_ref().and_then(|c| c.downcast_iter().next());
        let mut cuts = Cuts::with_capacity(df.height());
        let mut last: Option<(&str, &[Period])> = None;
        for (i, (l, h)) in lo.into_iter().zip(hi).enumerate() {
            if empty == Empty::Drop && l >= h {
                continue;
            }
            let row = IdxSize::try_from(i).unwrap_or(IdxSize::MAX);
            let Some(code) = names.and_then(|a| a.get(i)) else {
                cuts.push(row, Some(self.no_unit), l, h);
                continue;
            };
            // records come grouped by unit more often than not: one lookup per run
            let periods = match last {
                Some((c, periods)) if c == code => Some(periods),
                _ => {
                    let found = self.units.get(code).map(Periods::as_slice);
                    last = found.map(|p| (code, p));
                    found
                }
            };
            match periods {
                None => cuts.push(row, None, l, h),
                Some(periods) => cuts.cut(row, periods, (l, h), empty),
            }
        }
        cuts.frame(&rest)
    }
}

/// The rows of [`Index::spans`] as they are found: the record's row, its unit number
/// and its span of day indices.
struct Cuts {
    rows: Vec<IdxSize>,
    us: Vec<Option<u32>>,
    los: Vec<u32>,
    his: Vec<u32>,
}

impl Cuts {
    fn with_capacity(n: usize) -> Self {
        Self {
            rows: Vec::with_capacity(n),
            us: Vec::with_capacity(n),
            los: Vec::with_capacity(n),
            his: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, row: IdxSize, u: Option<u32>, lo: u32, hi: u32) {
        self.rows.push(row);
        self.us.push(u);
        self.los.push(lo);
        self.his.push(hi);
    }

    /// The record of `row` cut at the periods of its code: one row per period it
    /// overlaps (with [`Empty::Keep`], a record that holds on no day evaluated keeps one
    /// row, at the period of its start).
    fn cut(&mut self, row: IdxSize, periods: &[Period], (l, h): (u32, u32), empty: Empty) {
        let mut any = false;
        for p in periods {
            let (pl, ph) = (l.max(p.lo), h.min(p.hi));
            if pl < ph {
                self.push(row, Some(p.u), pl, ph);
                any = true;
            }
        }
        if !any && empty == Empty::Keep {
            // holds on no day evaluated (ended between two of them, or after the last):
            // kept, unchanged, at the period of its start, for the records whose span is
            // widened later (to date)
            let at = periods.iter().find(|p| p.lo <= l && l < p.hi);
            self.push(row, at.or(periods.last()).map(|p| p.u), l, h);
        }
    }

    /// The rows of `df` taken in order, with `u`, `_lo` and `_hi`.
    fn frame(self, df: &DataFrame) -> PolarsResult<LazyFrame> {
        let every = self.rows.len() == df.height()
            && self
                .rows
                .iter()
                .enumerate()
                .all(|(i, r)| usize::try_from(*r) == Ok(i));
        let taken = if every {
            df.clone()
        } else {
            df.take(&IdxCa::from_vec("".into(), self.rows))?
        };
        let extra = [
            Column::new(U.into(), self.us),
            Column::new("_lo".into(), self.los),
            Column::new("_hi".into(), self.his),
        ];
        Ok(taken.hstack(&extra)?.lazy())
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

/// Days since 1970-01-01: the physical value of a polars date.
pub(crate) fn epoch_days(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i32::try_from((d - epoch).num_days()).unwrap_or(i32::MAX)
}

/// A date as a typed polars `Date` literal (`lit` of a `NaiveDate` makes a datetime).
pub(crate) fn date_lit(d: NaiveDate) -> Expr {
    lit(Scalar::new_date(epoch_days(d)))
}
