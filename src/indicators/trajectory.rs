//! The headquarters trajectory, an entry of the engine beside the breakdown: from the
//! as-of facts of one day and of twelve months earlier, how far the new-model
//! headquarters coverage is from its target, the pace it needs and the pace achieved.

use chrono::{Months, NaiveDate};
use polars::prelude::*;

use super::asof::UNIT;
use super::frames::Frames;
use super::index::date_lit;
use super::params::{EngineConfig, months_before, months_between};
use super::registry::find;

/// Where the new-model headquarters coverage stands and where its pace leads.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    /// The day evaluated.
    pub as_of: NaiveDate,
    /// Units valid on the day.
    pub units: u32,
    /// Those with a new-model headquarters in use.
    pub covered: u32,
    /// Those without (`units - covered`).
    pub missing: u32,
    /// The target coverage in percent (registry: 100).
    pub target_pct: f64,
    /// The day the target is due (registry: 2025-12-31).
    pub target_date: NaiveDate,
    /// Units still to cover to reach the target (`ceil(units * target_pct / 100) -
    /// covered`, at least 0).
    pub needed: u32,
    /// Whole months from the month of `as_of` to the month of `target_date` (0 when due
    /// this month or past).
    pub months_left: u32,
    /// Units to cover per month to be on time: `needed / months_left`, or all of
    /// `needed` when no month is left.
    pub required_per_month: f64,
    /// Units valid on the day whose new-model headquarters is in use on the day but was
    /// not twelve months earlier.
    pub achieved_last_12_months: u32,
    /// `achieved_last_12_months / 12`.
    pub achieved_per_month: f64,
    /// The day the target is reached at the achieved pace: `as_of` when already reached,
    /// `as_of` plus `ceil(needed / achieved_per_month)` months, none without progress.
    pub projected_date: Option<NaiveDate>,
    /// Whether the target is reached or projected by its date.
    pub on_track: bool,
}

/// The trajectory of `hq_new_model_coverage` as of `as_of` (target and date from the
/// registry; `config` is not used yet and keeps the signature of the other entries).
pub fn hq_trajectory(
    frames: &Frames,
    as_of: NaiveDate,
    _config: &EngineConfig,
) -> PolarsResult<Trajectory> {
    frames.validate()?;
    let def = find("hq_new_model_coverage")
        .ok_or_else(|| polars_err!(ComputeError: "hq_new_model_coverage is not registered"))?;
    let target_pct = def.target.unwrap_or(100.0);
    let target_date = def.target_date.unwrap_or(as_of);
    let (units, covered, achieved) = counts(frames, as_of)?;
    let needed = ((f64::from(units) * target_pct / 100.0).ceil() as u32).saturating_sub(covered);
    let months_left = if target_date < as_of {
        0
    } else {
        months_between(as_of, target_date)
    };
    let required_per_month = match (needed, months_left) {
        (0, _) => 0.0,
        (n, 0) => f64::from(n),
        (n, m) => f64::from(n) / f64::from(m),
    };
    let achieved_per_month = f64::from(achieved) / 12.0;
    let projected_date = projection(as_of, needed, achieved);
    Ok(Trajectory {
        as_of,
        units,
        covered,
        missing: units - covered,
        target_pct,
        target_date,
        needed,
        months_left,
        required_per_month,
        achieved_last_12_months: achieved,
        achieved_per_month,
        projected_date,
        // a target reached is not behind, even when reached after its date
        on_track: needed == 0 || projected_date.is_some_and(|d| d <= target_date),
    })
}

/// Units valid on `as_of`, those covered, those covered now but not 12 months earlier.
fn counts(frames: &Frames, as_of: NaiveDate) -> PolarsResult<(u32, u32, u32)> {
    let valid = valid_on(frames, as_of);
    let covered = valid
        .clone()
        .semi_join(hq_in_use_on(frames, as_of), col(UNIT), col(UNIT));
    let before = hq_in_use_on(frames, months_before(as_of, 12));
    let achieved = covered.clone().anti_join(before, col(UNIT), col(UNIT));
    let height = |lf: LazyFrame| -> PolarsResult<u32> {
        Ok(u32::try_from(lf.collect()?.height()).unwrap_or(u32::MAX))
    };
    let units = height(valid)?;
    Ok((units, height(covered)?, height(achieved)?))
}

/// The day `needed` more units are covered at the pace of `achieved` a year: `as_of`
/// plus `ceil(12 * needed / achieved)` months (whole numbers: no rounding drift).
fn projection(as_of: NaiveDate, needed: u32, achieved: u32) -> Option<NaiveDate> {
    if needed == 0 {
        return Some(as_of);
    }
    if achieved == 0 {
        return None;
    }
    let months = (u64::from(needed) * 12).div_ceil(u64::from(achieved));
    as_of.checked_add_months(Months::new(u32::try_from(months).ok()?))
}

/// The units valid on `day` (code column `unit_code`).
fn valid_on(frames: &Frames, day: NaiveDate) -> LazyFrame {
    frames
        .units
        .clone()
        .lazy()
        .filter(holds("valid_from", "valid_to", day))
        .select([col("code").alias(UNIT)])
}

/// The unit codes (valid or not) with a new-model headquarters in use on `day`.
fn hq_in_use_on(frames: &Frames, day: NaiveDate) -> LazyFrame {
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
fn holds(from: &str, to: &str, day: NaiveDate) -> Expr {
    let d = date_lit(day);
    col(from)
        .lt_eq(d.clone())
        .and(col(to).is_null().or(col(to).gt(d)))
}
