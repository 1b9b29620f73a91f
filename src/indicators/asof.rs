//! As-of evaluation, the first computing stage after validation: the facts of every unit
//! on every day evaluated (valid or not; officers and chiefs in post; chiefs holding an
//! executive or standing seat; a new-model headquarters in use; dated records to date).
//!
//! One plan serves one day or 72 month ends alike, without expanding every record over
//! every day: each date becomes the index of the first day evaluated on or after it (a
//! binary search over the few days), so that a record holding on `[from, to)` holds on
//! the days of indices `lo..hi`; it adds +1 at `lo` and -1 at `hi`, and a cumulative sum
//! per unit over a dense grid of units × days gives the count on every day. A chief with
//! overlapping seats of one body counts once: the per-chief sums are first turned into
//! 0/1 transitions.

use chrono::NaiveDate;
use polars::prelude::*;

use super::frames::Frames;

/// The day column of the facts.
pub(crate) const DAY: &str = "day";
/// The day index column (position of the day among the days evaluated).
pub(crate) const IDX: &str = "idx";
/// The unit code column of the facts.
pub(crate) const UNIT: &str = "unit_code";
/// The unit number column (row of the unit in the units frame).
const U: &str = "u";
/// Per unit counts of the facts, zero on days the unit is not valid (`units` is 1 when
/// it is).
pub(crate) const UNIT_COUNTS: [&str; 7] = [
    "units",
    "officers",
    "chiefs",
    "chiefs_executive",
    "chiefs_standing",
    "hq_new",
    "below_floor",
];
/// Per unit counts of dated records to date, kept on every day (valid or not).
pub(crate) const RECORD_COUNTS: [&str; 4] = ["volunteer", "works", "questions", "awards"];
/// Counts of records attached to no unit (see [`unattached`]).
pub(crate) const UNATTACHED_COUNTS: [&str; 4] = ["volunteer", "works", "questions", "directives"];
/// The event columns summed over the grid.
const DELTAS: [&str; 9] = [
    "officers",
    "chiefs",
    "chiefs_executive",
    "chiefs_standing",
    "hq_new",
    "volunteer",
    "works",
    "questions",
    "awards",
];

/// A date as a typed polars `Date` literal.
pub(crate) fn date_lit(d: NaiveDate) -> Expr {
    lit(Scalar::new_date(epoch_days(d)))
}

/// Days since 1970-01-01: the physical value of a polars date.
fn epoch_days(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i32::try_from((d - epoch).num_days()).unwrap_or(i32::MAX)
}

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
    fn first_on_or_after(&self, name: &str, column: &Column) -> PolarsResult<Column> {
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

    /// `df` with `_lo` and `_hi` (UInt32): the record holds on `[from, to)` (`to` none or
    /// null: no end), that is on the days of indices `_lo.._hi`.
    pub(crate) fn spans(
        &self,
        df: &DataFrame,
        from: &str,
        to: Option<&str>,
    ) -> PolarsResult<LazyFrame> {
        let lo = self.first_on_or_after("_lo", df.column(from)?)?;
        let hi = match to {
            Some(to) => self.first_on_or_after("_hi", df.column(to)?)?,
            None => Column::new_scalar("_hi".into(), Scalar::from(self.len()), df.height()),
        };
        Ok(df.hstack(&[lo, hi])?.lazy())
    }
}

/// The units with their number `u` (UInt32) in the units frame: u, code.
fn unit_numbers(frames: &Frames) -> LazyFrame {
    frames
        .units
        .clone()
        .lazy()
        .with_row_index(U, None)
        .select([col(U), col("code").alias(UNIT)])
}

/// +1 events at `_lo` and -1 events at `_hi` of spans that hold on some day, in the
/// [`DELTAS`] columns: `weights` gives the weight of each row in some of them. Columns:
/// u, idx, the deltas (Int32).
fn events(
    spans: LazyFrame,
    units: &LazyFrame,
    unit: &str,
    weights: &[(&str, Expr)],
    n: u32,
) -> PolarsResult<LazyFrame> {
    let spans = spans.filter(col("_lo").lt(col("_hi"))).join(
        units.clone(),
        [col(unit)],
        [col(UNIT)],
        JoinArgs::new(JoinType::Inner),
    );
    let side = |at: &str, sign: i32| {
        let mut exprs = vec![col(U), col(at).cast(DataType::UInt32).alias(IDX)];
        exprs.extend(DELTAS.iter().map(|c| {
            let w = weights.iter().find(|(name, _)| name == c);
            let w = w.map_or(lit(0i32), |(_, e)| {
                e.clone().cast(DataType::Int32) * lit(sign)
            });
            w.alias(*c)
        }));
        spans.clone().select(exprs)
    };
    Ok(
        concat([side("_lo", 1), side("_hi", -1)], UnionArgs::default())?
            .filter(col(IDX).lt(lit(n))),
    )
}

/// Events of officers in post and chiefs among them.
fn officer_events(frames: &Frames, days: &Days, units: &LazyFrame) -> PolarsResult<LazyFrame> {
    let spans = days.spans(&frames.officers, "posted_from", Some("posted_to"))?;
    let weights = [
        ("officers", lit(1i32)),
        ("chiefs", col("position").eq(lit("chief"))),
    ];
    events(spans, units, UNIT, &weights, days.len())
}

/// Events of new-model headquarters in use (several at once count as several; the grid
/// turns the sum into 0/1).
fn hq_events(frames: &Frames, days: &Days, units: &LazyFrame) -> PolarsResult<LazyFrame> {
    let spans = days
        .spans(&frames.headquarters, "in_use_on", Some("closed_on"))?
        .filter(
            col("model")
                .eq(lit("new"))
                .and(col("in_use_on").is_not_null()),
        );
    events(spans, units, UNIT, &[("hq_new", lit(1i32))], days.len())
}

/// Events of the dated records attached to units.
fn record_events(frames: &Frames, days: &Days, units: &LazyFrame) -> PolarsResult<Vec<LazyFrame>> {
    let n = days.len();
    let one = || lit(1i32);
    let questions = days.spans(&frames.questions, "asked_on", None)?;
    let awards = days.spans(&frames.awards, "awarded_on", None)?;
    Ok(vec![
        events(
            volunteer(frames, days)?,
            units,
            UNIT,
            &[("volunteer", one())],
            n,
        )?,
        events(works(frames, days)?, units, UNIT, &[("works", one())], n)?,
        events(
            questions,
            units,
            "asker_unit_code",
            &[("questions", one())],
            n,
        )?,
        events(awards, units, UNIT, &[("awards", one())], n)?,
    ])
}

/// Volunteer activities, counted from their start.
fn volunteer(frames: &Frames, days: &Days) -> PolarsResult<LazyFrame> {
    Ok(days
        .spans(&frames.activities, "started_on", None)?
        .filter(col("kind").eq(lit("volunteer_activity"))))
}

/// Works and models marked maintained, counted while not ended.
fn works(frames: &Frames, days: &Days) -> PolarsResult<LazyFrame> {
    Ok(days
        .spans(&frames.activities, "started_on", Some("ended_on"))?
        .filter(col("kind").eq(lit("work_or_model")).and(col("maintained"))))
}

/// Events of chiefs holding an executive or a standing seat of their unit's commune:
/// the spans where a chief's posting and a seat overlap, summed per chief and body, then
/// turned into 0/1 transitions so that overlapping seats of one body count once.
fn seat_events(frames: &Frames, days: &Days, units: &LazyFrame) -> PolarsResult<LazyFrame> {
    let n = days.len();
    let chiefs = days
        .spans(&frames.officers, "posted_from", Some("posted_to"))?
        .filter(col("position").eq(lit("chief")))
        .select([
            col("id"),
            col(UNIT),
            col("_lo").alias("_lo_p"),
            col("_hi").alias("_hi_p"),
        ]);
    let seats = days
        .spans(&frames.memberships, "started_on", Some("ended_on"))?
        .select([
            col("officer_id").alias("id"),
            col(UNIT),
            col("body"),
            col("_lo"),
            col("_hi"),
        ]);
    let keys = [col("id"), col(UNIT)];
    let pairs = chiefs
        .join(seats, keys.clone(), keys, JoinArgs::new(JoinType::Inner))
        .with_columns([
            greater(col("_lo"), col("_lo_p")).alias("_lo"),
            lesser(col("_hi"), col("_hi_p")).alias("_hi"),
        ])
        .filter(col("_lo").lt(col("_hi")));
    let side = |at: &str, sign: i32| {
        pairs.clone().select([
            col("id"),
            col("body"),
            col(UNIT),
            col(at).alias(IDX),
            lit(sign).alias("_d"),
        ])
    };
    let held = (col("_c").gt(lit(0i32))).cast(DataType::Int32)
        - (col("_c") - col("_d")).gt(lit(0i32)).cast(DataType::Int32);
    let transitions = concat([side("_lo", 1), side("_hi", -1)], UnionArgs::default())?
        .filter(col(IDX).lt(lit(n)))
        .group_by([col("id"), col("body"), col(UNIT), col(IDX)])
        .agg([col("_d").sum()])
        .sort(["id", "body", IDX], SortMultipleOptions::default())
        .with_column(
            col("_d")
                .cum_sum(false)
                .over([col("id"), col("body")])?
                .alias("_c"),
        )
        .with_column(held.alias("_t"))
        .filter(col("_t").neq(lit(0i32)))
        .with_columns([
            col(IDX).alias("_lo"),
            lit(n).cast(DataType::UInt32).alias("_hi"),
        ]);
    let by_body = |body: &str| {
        when(col("body").eq(lit(body)))
            .then(col("_t"))
            .otherwise(lit(0i32))
    };
    let weights = [
        ("chiefs_executive", by_body("executive")),
        ("chiefs_standing", by_body("standing")),
    ];
    // each transition is one event at its index: the -1 side at `n` is dropped
    events(transitions, units, UNIT, &weights, n)
}

/// The larger of two indices.
fn greater(a: Expr, b: Expr) -> Expr {
    when(a.clone().gt_eq(b.clone())).then(a).otherwise(b)
}

/// The smaller of two indices.
fn lesser(a: Expr, b: Expr) -> Expr {
    when(a.clone().lt_eq(b.clone())).then(a).otherwise(b)
}

/// The dense grid of every unit on every day, collected: u, unit_code, district_code,
/// province_code, kind, idx, day, the [`UNIT_COUNTS`] (UInt32, zero where the unit is not
/// valid that day) and the [`RECORD_COUNTS`] (UInt32, records of the unit to date).
pub(crate) fn grid(frames: &Frames, days: &Days, floor: u32) -> PolarsResult<DataFrame> {
    let units = unit_numbers(frames);
    let mut parts = vec![
        officer_events(frames, days, &units)?,
        seat_events(frames, days, &units)?,
        hq_events(frames, days, &units)?,
    ];
    parts.extend(record_events(frames, days, &units)?);
    let sums: Vec<Expr> = DELTAS.iter().map(|c| col(*c).sum()).collect();
    let deltas = concat(parts, UnionArgs::default())?
        .group_by([col(U), col(IDX)])
        .agg(sums);
    let cumulative: PolarsResult<Vec<Expr>> = DELTAS
        .iter()
        .map(|c| col(*c).fill_null(lit(0i32)).cum_sum(false).over([col(U)]))
        .collect();
    let keys = [col(U), col(IDX)];
    days.spans(&frames.units, "valid_from", Some("valid_to"))?
        .with_row_index(U, None)
        .select([
            col(U),
            col("code").alias(UNIT),
            col("district_code"),
            col("province_code"),
            col("kind"),
            col("_lo"),
            col("_hi"),
        ])
        .cross_join(days.frame()?.lazy(), None)
        .with_column(
            col(IDX)
                .gt_eq(col("_lo"))
                .and(col(IDX).lt(col("_hi")))
                .alias("_valid"),
        )
        .join(deltas, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .sort([U, IDX], SortMultipleOptions::default())
        .with_columns(cumulative?)
        .select(grid_columns(floor))
        .collect()
}

/// The output columns of the grid.
fn grid_columns(floor: u32) -> Vec<Expr> {
    let valid = || col("_valid");
    let on_valid = |e: Expr| when(valid()).then(e).otherwise(lit(0u32));
    let count = |c: &str| col(c).cast(DataType::UInt32);
    let mut out = vec![
        col(U),
        col(UNIT),
        col("district_code"),
        col("province_code"),
        col("kind"),
        col(IDX),
        col(DAY),
        valid().cast(DataType::UInt32).alias("units"),
    ];
    for c in ["officers", "chiefs", "chiefs_executive", "chiefs_standing"] {
        out.push(on_valid(count(c)).alias(c));
    }
    out.push(on_valid(col("hq_new").gt(lit(0i32)).cast(DataType::UInt32)).alias("hq_new"));
    out.push(on_valid(col("officers").lt(lit(floor)).cast(DataType::UInt32)).alias("below_floor"));
    out.extend(RECORD_COUNTS.iter().map(|c| count(c)));
    out
}

/// Per day, the records attached to no unit counted that day: idx, day, the
/// [`UNATTACHED_COUNTS`] (UInt32).
pub(crate) fn unattached(frames: &Frames, days: &Days) -> PolarsResult<LazyFrame> {
    let none = col("_unit").is_null();
    let sources = [
        (
            "volunteer",
            volunteer(frames, days)?.with_column(col(UNIT).alias("_unit")),
        ),
        (
            "works",
            works(frames, days)?.with_column(col(UNIT).alias("_unit")),
        ),
        (
            "questions",
            days.spans(&frames.questions, "asked_on", None)?
                .with_column(col("asker_unit_code").alias("_unit")),
        ),
        (
            "directives",
            days.spans(&frames.directives, "issued_on", None)?
                .with_column(lit(NULL).cast(DataType::String).alias("_unit")),
        ),
    ];
    let mut parts = Vec::new();
    for (name, lf) in sources {
        let lf = lf.filter(none.clone().and(col("_lo").lt(col("_hi"))));
        for (at, sign) in [("_lo", 1i32), ("_hi", -1)] {
            let mut exprs = vec![col(at).alias(IDX)];
            exprs.extend(
                UNATTACHED_COUNTS
                    .iter()
                    .map(|c| lit(if *c == name { sign } else { 0 }).alias(*c)),
            );
            parts.push(lf.clone().select(exprs));
        }
    }
    let sums: Vec<Expr> = UNATTACHED_COUNTS.iter().map(|c| col(*c).sum()).collect();
    let deltas = concat(parts, UnionArgs::default())?
        .group_by([col(IDX)])
        .agg(sums);
    let cumulative: Vec<Expr> = UNATTACHED_COUNTS
        .iter()
        .map(|c| {
            col(*c)
                .fill_null(lit(0i32))
                .cum_sum(false)
                .cast(DataType::UInt32)
        })
        .collect();
    Ok(days
        .frame()?
        .lazy()
        .join(
            deltas,
            [col(IDX)],
            [col(IDX)],
            JoinArgs::new(JoinType::Left),
        )
        .sort([IDX], SortMultipleOptions::default())
        .with_columns(cumulative))
}

/// The units valid on `day` (code column `unit_code`).
pub(crate) fn valid_on(frames: &Frames, day: NaiveDate) -> LazyFrame {
    frames
        .units
        .clone()
        .lazy()
        .filter(holds("valid_from", "valid_to", day))
        .select([col("code").alias(UNIT)])
}

/// The unit codes (valid or not) with a new-model headquarters in use on `day`.
pub(crate) fn hq_in_use_on(frames: &Frames, day: NaiveDate) -> LazyFrame {
    frames
        .headquarters
        .clone()
        .lazy()
        .filter(
            col("model")
                .eq(lit("new"))
                .and(holds("in_use_on", "closed_on", day)),
        )
        .select([col(UNIT)])
        .unique(None, UniqueKeepStrategy::Any)
}

/// `[from, to)` holds on `day` (`from` null: never; `to` null: no end).
pub(crate) fn holds(from: &str, to: &str, day: NaiveDate) -> Expr {
    let d = date_lit(day);
    col(from)
        .lt_eq(d.clone())
        .and(col(to).is_null().or(col(to).gt(d)))
}

/// Left join on columns of the same names in both frames.
pub(crate) fn left_join(lf: LazyFrame, other: LazyFrame, on: &[&str]) -> LazyFrame {
    let keys: Vec<Expr> = on.iter().map(|c| col(*c)).collect();
    lf.join(other, &keys, &keys, JoinArgs::new(JoinType::Left))
}

#[cfg(test)]
mod tmp_profile {
    use super::*;
    use std::time::Instant;

    #[test]
    #[ignore = "profile"]
    fn profile_parts() {
        let frames = super::super::bench_frames(&super::super::Synthetic::national()).unwrap();
        for n in [1usize, 72] {
            let ends: Vec<NaiveDate> = (0..n as u32)
                .map(|i| NaiveDate::from_ymd_opt(2024, 12, 31).unwrap() - chrono::Months::new(i))
                .collect();
            let days = Days::new(&ends);
            let units = unit_numbers(&frames);
            println!("== {n} days");
            let t = Instant::now();
            let h = officer_events(&frames, &days, &units)
                .unwrap()
                .collect()
                .unwrap()
                .height();
            println!("officer_events {:?} {h}", t.elapsed());
            let t = Instant::now();
            let h = seat_events(&frames, &days, &units)
                .unwrap()
                .collect()
                .unwrap()
                .height();
            println!("seat_events {:?} {h}", t.elapsed());
            let t = Instant::now();
            let h = hq_events(&frames, &days, &units)
                .unwrap()
                .collect()
                .unwrap()
                .height();
            println!("hq_events {:?} {h}", t.elapsed());
            let t = Instant::now();
            let h = grid(&frames, &days, 5).unwrap().height();
            println!("grid {:?} {h}", t.elapsed());
            let t = Instant::now();
            let h = unattached(&frames, &days)
                .unwrap()
                .collect()
                .unwrap()
                .height();
            println!("unattached {:?} {h}", t.elapsed());
        }
    }
}
