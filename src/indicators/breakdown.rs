//! Breakdown, the stage after the as-of facts: sums the unit facts and record counts per
//! day and group (province, district, kind, unit), names the groups, and turns each
//! indicator into rows of numerator, denominator and value. [`compute`] and [`series`]
//! are thin entries over [`evaluate`].
//!
//! Group rows on a day are the groups with at least one unit valid that day. Records
//! attached to a unit count toward the groups of that unit (its district, province and
//! kind, whether or not it is still valid); records attached to no unit (documents,
//! province-wide activities, questions not asked by a unit) count in every province row
//! only (frames hold one province in production); `province_only` indicators
//! (`directives_issued`) appear in the province breakdown only.
//!
//! [`compute`]: super::compute
//! [`series`]: super::series

use chrono::NaiveDate;
use polars::prelude::*;

use super::asof::{
    DAY, JoinOn, RECORD_COUNTS, UNIT, UNIT_COUNTS, days_frame, record_counts, unit_facts,
};
use super::frames::Frames;
use super::params::{EngineConfig, GroupBy};
use super::registry::{IndicatorDef, KINDS, Measure};

/// The evaluated facts of some days, ready to be broken down.
struct Facts {
    /// Per day and valid unit (see `asof::unit_facts`).
    units: DataFrame,
    /// Record counts per day, with the static attributes of their unit.
    attached: LazyFrame,
    /// Record counts per day of records attached to no unit, columns suffixed `_u`.
    unattached: LazyFrame,
}

/// The rows of `defs` for every day and grouping, sorted by indicator (registry order),
/// grouping (order given), group code and day. Columns: code, group_kind, group_code,
/// group_name, numerator, denominator, value, period_end (the day).
pub(crate) fn evaluate(
    frames: &Frames,
    days: &[NaiveDate],
    defs: &[&IndicatorDef],
    groupings: &[GroupBy],
    config: &EngineConfig,
) -> PolarsResult<DataFrame> {
    frames.validate()?;
    let facts = facts(frames, days, config)?;
    let mut parts = Vec::new();
    for (g_rank, g) in groupings.iter().enumerate() {
        let wide = wide(frames, &facts, *g)?;
        for def in defs
            .iter()
            .filter(|d| !d.province_only || *g == GroupBy::Province)
        {
            let rank = super::registry::registry()
                .iter()
                .position(|r| r.code == def.code)
                .unwrap_or(0);
            parts.push(long(wide.clone().lazy(), def, *g, rank, g_rank));
        }
    }
    if parts.is_empty() {
        return Ok(DataFrame::empty_with_schema(&output_schema()));
    }
    concat(parts, UnionArgs::default())?
        .sort(
            ["_rank", "_g_rank", "group_code", "period_end"],
            Default::default(),
        )
        .drop(cols(["_rank", "_g_rank"]))
        .collect()
}

/// The output schema of [`evaluate`].
pub(crate) fn output_schema() -> Schema {
    [
        ("code", DataType::String),
        ("group_kind", DataType::String),
        ("group_code", DataType::String),
        ("group_name", DataType::String),
        ("numerator", DataType::Float64),
        ("denominator", DataType::Float64),
        ("value", DataType::Float64),
        ("period_end", DataType::Date),
    ]
    .into_iter()
    .map(|(n, t)| (n.into(), t))
    .collect()
}

/// Evaluates the unit facts and record counts of `days`.
fn facts(frames: &Frames, days: &[NaiveDate], config: &EngineConfig) -> PolarsResult<Facts> {
    let days = days_frame(days)?;
    let units = unit_facts(frames, &days, config.staffing_floor)?;
    let records = record_counts(frames, &days)?.collect()?;
    let statics = frames.units.clone().lazy().select([
        col("code").alias(UNIT),
        col("district_code"),
        col("province_code"),
        col("kind"),
    ]);
    let attached = records
        .clone()
        .lazy()
        .filter(col(UNIT).is_not_null())
        .inner_join_on(statics, [UNIT]);
    let unattached = records.lazy().filter(col(UNIT).is_null()).select(
        std::iter::once(col(DAY))
            .chain(
                RECORD_COUNTS
                    .iter()
                    .map(|c| col(*c).alias(format!("{c}_u"))),
            )
            .collect::<Vec<_>>(),
    );
    Ok(Facts {
        units,
        attached,
        unattached,
    })
}

/// One row per day and group of `g`: day, group_code, group_name, `units`, the unit
/// counts and the record counts.
fn wide(frames: &Frames, facts: &Facts, g: GroupBy) -> PolarsResult<DataFrame> {
    let key = g.key();
    let mut unit_sums = vec![len().cast(DataType::UInt32).alias("units")];
    unit_sums.extend(UNIT_COUNTS.iter().map(|c| col(*c).sum()));
    let record_sums: Vec<Expr> = RECORD_COUNTS.iter().map(|c| col(*c).sum()).collect();
    let zeros: Vec<Expr> = RECORD_COUNTS
        .iter()
        .map(|c| col(*c).fill_null(lit(0u32)))
        .collect();
    let groups = facts
        .units
        .clone()
        .lazy()
        .group_by([col(DAY), col(key)])
        .agg(unit_sums);
    let records = facts
        .attached
        .clone()
        .group_by([col(DAY), col(key)])
        .agg(record_sums);
    let mut lf = groups
        .left_join_on(records, [DAY, key])
        .with_columns(zeros)
        .rename([key], ["group_code"], true);
    if g == GroupBy::Province {
        lf = add_unattached(lf, facts.unattached.clone());
    }
    names(frames, lf, g).collect()
}

/// Adds the counts of records attached to no unit to every row of the same day.
fn add_unattached(lf: LazyFrame, unattached: LazyFrame) -> LazyFrame {
    let sums: Vec<Expr> = RECORD_COUNTS
        .iter()
        .map(|c| (col(*c) + col(format!("{c}_u")).fill_null(lit(0u32))).alias(*c))
        .collect();
    let drop: Vec<String> = RECORD_COUNTS.iter().map(|c| format!("{c}_u")).collect();
    lf.left_join_on(unattached, [DAY])
        .with_columns(sums)
        .drop(cols(drop))
}

/// Adds `group_name`: none for a province (the frames do not hold province names),
/// the district's name, the kind's Vietnamese name, the unit's name.
fn names(frames: &Frames, lf: LazyFrame, g: GroupBy) -> LazyFrame {
    let table = match g {
        GroupBy::Province => {
            return lf.with_column(lit(NULL).cast(DataType::String).alias("group_name"));
        }
        GroupBy::District => frames.districts.clone().lazy(),
        GroupBy::Unit => frames.units.clone().lazy(),
        GroupBy::Kind => kinds_frame(),
    };
    let table = table.select([
        col("code").alias("group_code"),
        col("name").alias("group_name"),
    ]);
    lf.left_join_on(table, ["group_code"])
}

/// The unit kinds and their Vietnamese names: code, name.
fn kinds_frame() -> LazyFrame {
    df!(
        "code" => KINDS.map(|k| k.0),
        "name" => KINDS.map(|k| k.1),
    )
    .map(IntoLazy::lazy)
    .unwrap_or_else(|_| DataFrame::empty().lazy())
}

/// The rows of one indicator for one grouping (with sort helpers `_rank`, `_g_rank`).
fn long(wide: LazyFrame, def: &IndicatorDef, g: GroupBy, rank: usize, g_rank: usize) -> LazyFrame {
    let num = col(def.numerator_col).cast(DataType::Float64);
    let den = match def.denominator_col {
        Some(c) => col(c).cast(DataType::Float64),
        None => lit(NULL).cast(DataType::Float64),
    };
    wide.select([
        lit(rank as u32).alias("_rank"),
        lit(g_rank as u32).alias("_g_rank"),
        lit(def.code).alias("code"),
        lit(g.code()).alias("group_kind"),
        col("group_code"),
        col("group_name"),
        num.clone().alias("numerator"),
        den.clone().alias("denominator"),
        value(def, num, den).alias("value"),
        col(DAY).alias("period_end"),
    ])
}

/// The value of an indicator from its numerator and denominator (see [`Measure`]),
/// rounded half away from zero to the indicator's decimals.
fn value(def: &IndicatorDef, num: Expr, den: Expr) -> Expr {
    let round = |e: Expr| e.round(def.decimals, RoundMode::HalfAwayFromZero);
    let over = |e: Expr| {
        when(den.clone().gt(lit(0.0)))
            .then(round(e))
            .otherwise(lit(NULL).cast(DataType::Float64))
    };
    match def.measure {
        Measure::Percent => over(num * lit(100.0) / den.clone()),
        Measure::Ratio => over(num / den.clone()),
        Measure::Count => num,
    }
}
