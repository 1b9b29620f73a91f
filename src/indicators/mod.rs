//! The indicator engine: the pure stage of the data flow that turns the loaded records
//! (polars frames built by the service layer, already filtered to the caller's scope)
//! into indicator frames. No database, no async: frames in, frames out.
//!
//! Flow inside the engine:
//! `frames` (input schema, validation; `rows` builds frames from plain Rust rows) →
//! `asof` (per unit and day facts: units valid, officers and chiefs in post, seats,
//! headquarters in use; per day counts of dated records) → `breakdown` (sums per
//! province, district, kind or unit, one row per indicator and group) → the entry points
//! [`compute`] (one day), [`series`] (period ends), [`gaps`], [`hq_trajectory`] and
//! [`categories`]. `registry` holds the indicator definitions as data; `synthetic`
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
mod params;
mod registry;
mod rows;
mod series;
mod synthetic;
mod trajectory;

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
pub use params::{EngineConfig, GroupBy, Period};
pub use registry::{IndicatorDef, Measure, Status, Thresholds, find, kind_name, registry, status};
pub use rows::{
    ActivityRow, AwardRow, DirectiveRow, DistrictRow, HeadquartersRow, MembershipRow, OfficerRow,
    QuestionRow, Rows, UnitRow,
};
pub use series::series;
pub use synthetic::{Synthetic, bench_frames, bench_rows};
pub use trajectory::{Trajectory, hq_trajectory};

#[doc(no_inline)]
pub use polars::prelude::{DataFrame, PolarsError, PolarsResult};
