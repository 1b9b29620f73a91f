//! The series entry of the engine: the indicators evaluated at the end of each month,
//! quarter or year of a range, in one pass of the breakdown stage over all period ends,
//! each point marked when its group holds other units than at the point before (a
//! restructuring between the two: the denominator changed).

use chrono::NaiveDate;
use polars::prelude::*;

use super::breakdown::{STRUCTURE, evaluate};
use super::frames::Frames;
use super::params::{EngineConfig, GroupBy, Period, groupings};
use super::registry::resolve;

/// The indicators `codes` (all when empty) for each `period` overlapping `from..=to`,
/// each evaluated as of the period's last day (see [`Period::ends`]; at most
/// [`MAX_PERIODS`](super::params::MAX_PERIODS) periods), for each breakdown of `group_by`
/// (the province only when empty).
///
/// The columns of [`compute`](super::compute) plus `period_end` (Date) and
/// `structure_changed` (Boolean: the group holds other units than at its previous point,
/// false at its first), sorted by indicator, breakdown, group code and period end; a
/// group appears for the periods in which it has units valid. Equal, row for row, to
/// `compute` at each period end.
pub fn series(
    frames: &Frames,
    codes: &[&str],
    from: NaiveDate,
    to: NaiveDate,
    period: Period,
    group_by: &[GroupBy],
    config: &EngineConfig,
) -> PolarsResult<DataFrame> {
    let defs = resolve(codes)?;
    let days = period.ends(from, to)?;
    let out = evaluate(frames, &days, &defs, &groupings(group_by), config)?;
    mark_changes(out)
}

/// Adds `structure_changed` from the [`STRUCTURE`] columns (rows sorted by group, then
/// day) and drops them.
fn mark_changes(out: DataFrame) -> PolarsResult<DataFrame> {
    let prev = |c: &str| col(c).shift(lit(1));
    let same_group = ["code", "group_kind", "group_code"]
        .into_iter()
        .map(|c| col(c).eq(prev(c)).fill_null(lit(false)))
        .reduce(Expr::and)
        .unwrap_or_else(|| lit(false));
    let other_units = STRUCTURE
        .into_iter()
        .map(|c| col(c).neq(prev(c)).fill_null(lit(false)))
        .reduce(Expr::or)
        .unwrap_or_else(|| lit(false));
    out.lazy()
        .with_column(same_group.and(other_units).alias("structure_changed"))
        .drop(cols(STRUCTURE))
        .collect()
}
