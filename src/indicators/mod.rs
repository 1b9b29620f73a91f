//! The indicator engine: the pure stage of the data flow that turns the loaded records
//! (polars frames built by the service layer, already filtered to the caller's scope)
//! into indicator frames. No database, no async: frames in, frames out.
//!
//! Flow inside the engine:
//! `frames` (input schema, validation; `rows` builds frames from plain Rust rows) →
//! `index` (eager: unit numbers, dates as indices among the days evaluated) → `asof`
//! (the counts of every unit on every day summed into dense arrays: officers and chiefs
//! in post, seats (from `seats`, lazy), new-model headquarters in use and dated records
//! to date; then the grid of units × days beside them) →
//! `breakdown` (sums per province, district, kind or unit, one row per indicator and
//! group) → the entry points [`compute`] (one day), [`series`] (period ends, one pass),
//! [`gaps`], [`hq_trajectory`] and [`categories`]. `registry` holds the indicator
//! definitions as data; `params` the breakdowns, periods and configuration; `synthetic`
//! makes deterministic benchmark frames.
//!
//! Every entry point validates the frames first and returns a [`PolarsError`] naming
//! the frame and column when one is malformed, or when an indicator code is unknown.

mod asof;
mod breakdown;
mod categories;
mod compute;
mod frames;
mod gaps;
mod index;
mod params;
mod rebase;
mod registry;
mod rows;
mod seats;
mod series;
mod synthetic;
mod trajectory;

#[cfg(test)]
mod across;
#[cfg(test)]
mod bench;
#[cfg(test)]
mod known;
#[cfg(test)]
mod props;
#[cfg(test)]
mod reference;

pub use categories::categories;
pub use compute::compute;
pub use frames::Frames;
pub use gaps::gaps;
pub use params::{EngineConfig, FloorStep, GroupBy, MAX_PERIODS, Period, StaffingFloor};
pub use rebase::rebase;
pub use registry::{
    IndicatorDef, Measure, Parameter, Status, Thresholds, find, kind_name, registry, rule_of,
    rule_on, status,
};
pub use rows::{
    ActivityRow, AwardRow, DirectiveRow, DistrictRow, HeadquartersRow, MembershipRow, OfficerRow,
    QuestionRow, Rows, UnitRow,
};
pub use series::series;
pub use synthetic::{Synthetic, bench_frames, bench_rows};
pub use trajectory::{Trajectory, hq_trajectory};

#[doc(no_inline)]
pub use polars::prelude::{DataFrame, PolarsError, PolarsResult};
