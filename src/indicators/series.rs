//! The series entry of the engine: the indicators evaluated at the end of each month,
//! quarter or year of a range, in one pass of the breakdown stage over all period ends.

use chrono::NaiveDate;
use polars::prelude::{DataFrame, PolarsResult};

use super::breakdown::evaluate;
use super::frames::Frames;
use super::params::{EngineConfig, GroupBy, Period, groupings};
use super::registry::resolve;

/// The indicators `codes` (all when empty) for each `period` overlapping `from..=to`,
/// each evaluated as of the period's last day (see [`Period::ends`]; at most
/// [`MAX_PERIODS`](super::params::MAX_PERIODS) periods), for each breakdown of `group_by`
/// (the province only when empty).
///
/// The columns of [`compute`](super::compute) plus `period_end` (Date, last), sorted by
/// indicator, breakdown, group code and period end; a group appears for the periods in
/// which it has units valid. Equal, row for row, to `compute` at each period end.
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
    evaluate(frames, &days, &defs, &groupings(group_by), config)
}
