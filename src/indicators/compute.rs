//! The "as of one day" entry of the engine: all (or some) indicators for one day and the
//! breakdowns asked for, over the breakdown stage.

use chrono::NaiveDate;
use polars::prelude::{DataFrame, PolarsResult};

use super::breakdown::{STRUCTURE, evaluate};
use super::frames::Frames;
use super::params::{EngineConfig, GroupBy, groupings};
use super::registry::resolve;

/// The indicators `codes` (all when empty) as of `as_of`, for each breakdown of
/// `group_by` (the province only when empty).
///
/// One row per indicator and group, sorted by indicator (registry order), breakdown
/// (order given) and group code. Columns:
/// - `code` (String): the indicator code;
/// - `group_kind` (String): `province`, `district`, `kind`, `unit`, `former_province`
///   or `area`;
/// - `group_code` (String): the province, district or unit code, or the kind (`xa`,
///   `phuong`, `thi_tran`);
/// - `group_name` (String, null for provinces, whose names the frames do not hold): the
///   district or unit name, or the kind's Vietnamese name (`Xã`, `Phường`, `Thị trấn`);
/// - `numerator` (Float64);
/// - `denominator` (Float64, null for counts without one);
/// - `value` (Float64, rounded to the indicator's decimals; rates in percent; null
///   for a rate or ratio whose denominator is 0).
///
/// Groups on a day are those with at least one unit valid that day;
/// `directives_issued` appears in the province breakdown only (see the `breakdown`
/// module for how records attach to groups). Errors on malformed frames or an unknown
/// code.
pub fn compute(
    frames: &Frames,
    as_of: NaiveDate,
    codes: &[&str],
    group_by: &[GroupBy],
    config: &EngineConfig,
) -> PolarsResult<DataFrame> {
    let defs = resolve(codes)?;
    let out = evaluate(frames, &[as_of], &defs, &groupings(group_by), config)?;
    Ok(out.drop_many(["period_end"].into_iter().chain(STRUCTURE)))
}
