//! As-of evaluation, the first computing stage after validation: the facts of every unit
//! on every day evaluated (valid or not; officers and chiefs in post; chiefs holding an
//! executive or standing seat; a new-model headquarters in use; dated records to date).
//!
//! One pass serves one day or 72 month ends alike, without expanding every record over
//! every day. After the eager `index` step (unit numbers `u`; a record holding on
//! `[from, to)` holds on the days of indices `lo..hi`), each record adds +1 at `lo`
//! and -1 at `hi` of its unit's row in dense arrays of units × days (one per count),
//! and a running sum along each row gives the count on every day. Chiefs' seats come as
//! transitions from `seats`. Records attached to no unit (a null unit code) count on an
//! extra row of the grid, the "no unit" row, with a null unit code.

use polars::prelude::*;

use super::frames::Frames;
use super::index::{Days, Empty, Index};
use super::params::StaffingFloor;
use super::seats::seat_transitions;

/// The day column of the facts.
pub(crate) const DAY: &str = "day";
/// The day index column (position of the day among the days evaluated).
pub(crate) const IDX: &str = "idx";
/// The unit code column of the facts.
pub(crate) const UNIT: &str = "unit_code";
/// The unit name column of the grid (the name of the unit period).
pub(crate) const UNIT_NAME: &str = "unit_name";
/// The unit number column (row of the unit in the units frame).
pub(crate) const U: &str = "u";
/// The column of the province a unit came from (see `Frames::units`).
pub(crate) const FORMER_PROVINCE: &str = "former_province_code";
/// Sums over the valid units of `u + 1` and of its square: with the count of units, a
/// signature of which units are valid (Float64, exact up to millions of units).
pub(crate) const SIG1: &str = "_sig1";
/// See [`SIG1`].
pub(crate) const SIG2: &str = "_sig2";
/// Per unit counts of the grid, zero on days the unit is not valid (`units` is 1 when
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
/// Per unit counts of dated records to date, kept on every day (valid or not);
/// `directives` are on the "no unit" row only.
pub(crate) const RECORD_COUNTS: [&str; 5] =
    ["volunteer", "works", "questions", "awards", "directives"];
/// Counts of records that may be attached to no unit (the "no unit" row of the grid).
pub(crate) const UNATTACHED_COUNTS: [&str; 4] = ["volunteer", "works", "questions", "directives"];
/// The event columns summed over the grid.
const DELTAS: [&str; 10] = [
    "officers",
    "chiefs",
    "chiefs_executive",
    "chiefs_standing",
    "hq_new",
    "volunteer",
    "works",
    "questions",
    "awards",
    "directives",
];

/// The spans of one kind of record with their weights in some of the [`DELTAS`].
pub(crate) struct Source {
    /// u, `_lo`, `_hi` (UInt32) and one Int32 column per weighted delta.
    spans: LazyFrame,
    /// The deltas weighted.
    deltas: Vec<&'static str>,
}

/// The spans of one kind of record weighted in some deltas (`weights`: delta, weight).
pub(crate) fn weighted(spans: LazyFrame, weights: &[(&'static str, Expr)]) -> Source {
    let index = |c: &str| col(c).cast(DataType::UInt32);
    let mut exprs = vec![col(U), index("_lo"), index("_hi")];
    exprs.extend(
        weights
            .iter()
            .map(|(c, w)| w.clone().cast(DataType::Int32).alias(*c)),
    );
    Source {
        spans: spans.select(exprs),
        deltas: weights.iter().map(|(c, _)| *c).collect(),
    }
}

/// Every kind of record as a weighted source: officers (and chiefs), chiefs' seats,
/// new-model headquarters in use, and the dated records.
fn sources(frames: &Frames, days: &Days) -> PolarsResult<Vec<Source>> {
    let ix = Index::new(frames, days)?;
    let officers = ix.spans(
        &frames.officers,
        Some(UNIT),
        "posted_from",
        Some("posted_to"),
        Empty::Drop,
    )?;
    let seats = ix.spans(
        &frames.memberships,
        Some(UNIT),
        "started_on",
        Some("ended_on"),
        Empty::Drop,
    )?;
    let hq = ix.spans(
        &frames.headquarters,
        Some(UNIT),
        "in_use_on",
        Some("closed_on"),
        Empty::Drop,
    )?;
    let new_in_use = col("model")
        .eq(lit("new"))
        .and(col("in_use_on").is_not_null());
    let chief = col("position").eq(lit("chief"));
    let mut out = vec![
        weighted(
            officers.clone(),
            &[("officers", lit(1i32)), ("chiefs", chief)],
        ),
        seat_transitions(officers, seats, days.len())?,
        weighted(hq.filter(new_in_use), &[("hq_new", lit(1i32))]),
    ];
    out.extend(record_sources(frames, &ix, days.len())?);
    Ok(out)
}

/// The dated records as weighted sources: volunteer activities (from their start),
/// maintained works and models (while not ended), questions, awards and documents.
fn record_sources(frames: &Frames, ix: &Index<'_>, n: u32) -> PolarsResult<Vec<Source>> {
    let activities = ix.spans(
        &frames.activities,
        Some(UNIT),
        "started_on",
        Some("ended_on"),
        Empty::Keep,
    )?;
    let kind = |k: &str| col("kind").eq(lit(k));
    let count = |spans: LazyFrame, delta: &'static str| weighted(spans, &[(delta, lit(1i32))]);
    let volunteer = activities
        .clone()
        .filter(kind("volunteer_activity"))
        .with_column(lit(n).alias("_hi"));
    let works = activities.filter(kind("work_or_model").and(col("maintained")));
    let questions = ix.spans(
        &frames.questions,
        Some("asker_unit_code"),
        "asked_on",
        None,
        Empty::Drop,
    )?;
    Ok(vec![
        count(volunteer, "volunteer"),
        count(works, "works"),
        count(questions, "questions"),
        count(
            ix.spans(&frames.awards, Some(UNIT), "awarded_on", None, Empty::Drop)?,
            "awards",
        ),
        count(
            ix.spans(&frames.directives, None, "issued_on", None, Empty::Drop)?,
            "directives",
        ),
    ])
}

/// The per unit and day counts of every [`DELTAS`] column, dense, in grid order (`u * n +
/// idx`, `rows` grid rows of `n` days): each source's spans add their
/// weight at `_lo` and take it back at `_hi` of the unit's row, and a running sum over
/// each row's days turns the events into counts. Spans of unknown units (null `u`) or
/// holding on no day add nothing.
fn counts(sources: Vec<Source>, rows: usize, n: u32) -> PolarsResult<Vec<Vec<i32>>> {
    let days = usize::try_from(n).unwrap_or(usize::MAX);
    let cells = rows.saturating_mul(days);
    let mut counts: Vec<Vec<i32>> = DELTAS.iter().map(|_| vec![0; cells]).collect();
    for Source { spans, deltas } in sources {
        let spans = spans.collect()?;
        let (u, lo, hi) = (
            spans.column(U)?.u32()?.rechunk(),
            spans.column("_lo")?.u32()?.rechunk(),
            spans.column("_hi")?.u32()?.rechunk(),
        );
        for delta in deltas {
            let Some(d) = DELTAS.iter().position(|c| *c == delta) else {
                continue;
            };
            let weights = spans.column(delta)?.i32()?.rechunk();
            let out = &mut counts[d];
            let each = u.iter().zip(lo.iter()).zip(hi.iter()).zip(weights.iter());
            for (((u, lo), hi), w) in each {
                let (Some(u), Some(lo), Some(hi), Some(w)) = (u, lo, hi, w) else {
                    continue;
                };
                let (u, lo, hi) = (u as usize, lo as usize, hi as usize);
                if lo >= hi || u >= rows || lo >= days {
                    continue;
                }
                out[u * days + lo] += w;
                if hi < days {
                    out[u * days + hi] -= w;
                }
            }
        }
    }
    for column in &mut counts {
        for row in column.chunks_mut(days.max(1)) {
            let mut sum = 0i32;
            for v in row {
                sum += *v;
                *v = sum;
            }
        }
    }
    Ok(counts)
}

/// The running sum of `column` over the rows in order, restarting at each row where
/// `starts` holds (a cumulative sum per group of consecutive rows, without a window: the
/// whole-column running sum minus its value before the group's first row). Int64.
pub(crate) fn running_sum(column: &str, starts: Expr) -> Expr {
    let value = || col(column).cast(DataType::Int64);
    let total = value().cum_sum(false);
    let before = when(starts)
        .then(total.clone() - value())
        .otherwise(lit(NULL).cast(DataType::Int64))
        .fill_null_with_strategy(FillNullStrategy::Forward(None));
    total - before
}

/// The dense grid of every unit (in units frame order) and of the "no unit" row (null
/// codes, never valid) on every day, collected: unit_code, unit_name, district_code, province_code,
/// kind, idx, day, the [`UNIT_COUNTS`] (UInt32, zero where the unit is not valid that
/// day) and the [`RECORD_COUNTS`] (UInt32, records of the unit to date).
pub(crate) fn grid(frames: &Frames, days: &Days, floor: StaffingFloor) -> PolarsResult<DataFrame> {
    grid_plan(frames, days, floor)?.collect()
}

/// The plan of [`grid`] after the eager steps (the index, and the counts).
fn grid_plan(frames: &Frames, days: &Days, floor: StaffingFloor) -> PolarsResult<LazyFrame> {
    let n = days.len();
    let units = grid_rows(frames, days)?.collect()?;
    let rows = units.height();
    let counts = counts(sources(frames, days)?, rows, n)?;
    // every row of `units` once per day, in grid order (`u * n + idx`)
    let days_n = usize::try_from(n).unwrap_or(0);
    let row = |r: usize| IdxSize::try_from(r).unwrap_or(IdxSize::MAX);
    let repeated = IdxCa::from_vec(
        U.into(),
        (0..rows)
            .flat_map(|r| std::iter::repeat_n(row(r), days_n))
            .collect(),
    );
    let tiled = IdxCa::from_vec(
        IDX.into(),
        (0..rows).flat_map(|_| 0..IdxSize::from(n)).collect(),
    );
    let mut columns = vec![repeated.clone().into_column()];
    columns.extend(days.frame()?.take(&tiled)?.into_columns());
    columns.extend(
        DELTAS
            .iter()
            .zip(counts)
            .map(|(c, values)| Column::new((*c).into(), values)),
    );
    let grid = units.take(&repeated)?.hstack(&columns)?;
    Ok(grid.lazy().select(grid_columns(floor)))
}

/// The rows of the grid before the days: the units (unit_code, district_code,
/// province_code, kind, `_lo`, `_hi` of their validity) and the "no unit" row.
fn grid_rows(frames: &Frames, days: &Days) -> PolarsResult<LazyFrame> {
    let valid_from = days.first_on_or_after("_lo", frames.units.column("valid_from")?)?;
    let valid_to = days.first_on_or_after("_hi", frames.units.column("valid_to")?)?;
    // the province a unit came from: its own unless the frame says otherwise
    let former = match frames.units.column(FORMER_PROVINCE) {
        Ok(_) => col(FORMER_PROVINCE).fill_null(col("province_code")),
        Err(_) => col("province_code"),
    };
    let units = frames
        .units
        .hstack(&[valid_from, valid_to])?
        .lazy()
        .select([
            col("code").alias(UNIT),
            col("name").alias(UNIT_NAME),
            col("district_code"),
            col("province_code"),
            former.alias(FORMER_PROVINCE),
            col("kind"),
            col("_lo"),
            col("_hi"),
        ]);
    let none = [None::<&str>];
    let no_unit = df!(
        UNIT => none,
        UNIT_NAME => none,
        "district_code" => none,
        "province_code" => none,
        FORMER_PROVINCE => none,
        "kind" => none,
        "_lo" => [0u32],
        "_hi" => [0u32],
    )?
    .lazy();
    concat([units, no_unit], UnionArgs::default())
}

/// The output columns of the grid; `below_floor` against the floor in force on each
/// row's day.
fn grid_columns(floor: StaffingFloor) -> Vec<Expr> {
    let valid = || col(IDX).gt_eq(col("_lo")).and(col(IDX).lt(col("_hi")));
    let on_valid = |e: Expr| when(valid()).then(e).otherwise(lit(0u32));
    let on_valid_f64 = |e: Expr| when(valid()).then(e).otherwise(lit(0.0));
    let count = |c: &str| col(c).cast(DataType::UInt32);
    let mut out = vec![
        col(UNIT),
        col(UNIT_NAME),
        col("district_code"),
        col("province_code"),
        col(FORMER_PROVINCE),
        col("kind"),
        col(IDX),
        col(DAY),
        valid().cast(DataType::UInt32).alias("units"),
        // which units are valid (with `units`: a signature of the set, see `series`)
        on_valid_f64(col(U).cast(DataType::Float64) + lit(1.0)).alias(SIG1),
        on_valid_f64((col(U).cast(DataType::Float64) + lit(1.0)).pow(2)).alias(SIG2),
    ];
    for c in ["officers", "chiefs", "chiefs_executive", "chiefs_standing"] {
        out.push(on_valid(count(c)).alias(c));
    }
    out.push(on_valid(col("hq_new").gt(lit(0i64)).cast(DataType::UInt32)).alias("hq_new"));
    out.push(
        on_valid(
            col("officers")
                .lt(floor.expr(col(DAY)))
                .cast(DataType::UInt32),
        )
        .alias("below_floor"),
    );
    out.extend(RECORD_COUNTS.iter().map(|c| count(c)));
    out
}
