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
    DAY, FORMER_PROVINCE, RECORD_COUNTS, SIG1, SIG2, UNATTACHED_COUNTS, UNIT, UNIT_COUNTS,
    UNIT_NAME, grid,
};
use super::frames::Frames;
use super::index::Days;
use super::params::{EngineConfig, GroupBy};
use super::registry::{IndicatorDef, KINDS, Measure};

/// The evaluated facts of some days, ready to be broken down.
struct Facts {
    /// Every unit on every day (see `asof::grid`).
    grid: DataFrame,
    /// Per day, the records attached to no unit, columns suffixed `_u`.
    unattached: LazyFrame,
}

/// The columns of [`evaluate`] that say which units a group holds on a day (their
/// number and two sums over their numbers): equal on two days when the group holds the
/// same units, so a series can mark a change of structure. Dropped by the entries.
pub(crate) const STRUCTURE: [&str; 3] = ["_units", "_sig1", "_sig2"];

/// The rows of `defs` (in registry order) for every day and grouping, in the order of
/// `defs`, then `groupings`, then group code and day. Columns: code, group_kind, group_code,
/// group_name, numerator, denominator, value, period_end (the day), and the
/// [`STRUCTURE`] columns.
pub(crate) fn evaluate(
    frames: &Frames,
    days: &[NaiveDate],
    defs: &[&IndicatorDef],
    groupings: &[GroupBy],
    config: &EngineConfig,
) -> PolarsResult<DataFrame> {
    frames.validate()?;
    let facts = facts(frames, days, config)?;
    let wides = groupings
        .iter()
        .map(|g| wide(frames, &facts, *g).collect())
        .collect::<PolarsResult<Vec<_>>>()?;
    // The rows of each indicator and grouping are columns of the collected wide frames,
    // built eagerly: the groups' columns are shared, not copied, and no plan is made
    // for each of the (indicators × groupings) parts.
    let mut out: Option<DataFrame> = None;
    for def in defs {
        for (g, wide) in groupings.iter().zip(&wides) {
            if !def.province_only || *g == GroupBy::Province {
                let part = long(wide, def, *g)?;
                match out.as_mut() {
                    None => out = Some(part),
                    Some(all) => {
                        all.vstack_mut_owned(part)?;
                    }
                }
            }
        }
    }
    Ok(out.unwrap_or_else(|| DataFrame::empty_with_schema(&output_schema())))
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
        (STRUCTURE[0], DataType::UInt32),
        (STRUCTURE[1], DataType::Float64),
        (STRUCTURE[2], DataType::Float64),
    ]
    .into_iter()
    .map(|(n, t)| (n.into(), t))
    .collect()
}

/// Evaluates the grid of `days`.
fn facts(frames: &Frames, days: &[NaiveDate], config: &EngineConfig) -> PolarsResult<Facts> {
    let grid = grid(frames, &Days::new(days), config.staffing_floor)?;
    let mut renamed = vec![col(DAY)];
    renamed.extend(
        UNATTACHED_COUNTS
            .iter()
            .map(|c| col(*c).alias(format!("{c}_u"))),
    );
    let unattached = grid
        .clone()
        .lazy()
        .filter(col(UNIT).is_null())
        .select(renamed);
    Ok(Facts { grid, unattached })
}

/// One row per day and group of `g` with units valid that day: day, group_code,
/// group_name, the unit counts and the record counts.
fn wide(frames: &Frames, facts: &Facts, g: GroupBy) -> LazyFrame {
    let key = g.key();
    let sums: Vec<Expr> = UNIT_COUNTS
        .iter()
        .chain(RECORD_COUNTS.iter())
        .chain([SIG1, SIG2].iter())
        .map(|c| col(*c).sum())
        .collect();
    let grid = facts.grid.clone().lazy();
    // the grid has one row per unit and day already
    let summed = match g {
        GroupBy::Unit => grid,
        GroupBy::Area => in_areas(frames, grid)
            .group_by([col(DAY), col(key)])
            .agg(sums),
        _ => grid.group_by([col(DAY), col(key)]).agg(sums),
    };
    // units without a district (none since 1 Jul 2025) are in no district's row
    let summed = match g {
        GroupBy::District => summed.filter(col(key).is_not_null()),
        _ => summed,
    };
    let mut lf = summed
        .filter(col("units").gt(lit(0u32)))
        .rename([key], ["group_code"], true);
    if g == GroupBy::Province {
        lf = add_unattached(lf, facts.unattached.clone());
    }
    names(frames, lf, g).sort(["group_code", DAY], SortMultipleOptions::default())
}

/// The grid rows of the units each area holds on the row's day, with `area_code` (a
/// unit held by several areas comes once per area).
fn in_areas(frames: &Frames, grid: LazyFrame) -> LazyFrame {
    let members = frames.areas.clone().lazy().select([
        col("area_code"),
        col("unit_code").alias(UNIT),
        col("valid_from").alias("_af"),
        col("valid_to").alias("_at"),
    ]);
    let held = col("_af")
        .is_null()
        .or(col("_af").lt_eq(col(DAY)))
        .and(col("_at").is_null().or(col("_at").gt(col(DAY))));
    grid.join(
        members,
        [col(UNIT)],
        [col(UNIT)],
        JoinArgs::new(JoinType::Inner),
    )
    .filter(held)
}

/// Adds the counts of records attached to no unit to every row of the same day.
fn add_unattached(lf: LazyFrame, unattached: LazyFrame) -> LazyFrame {
    let sums: Vec<Expr> = UNATTACHED_COUNTS
        .iter()
        .map(|c| (col(*c) + col(format!("{c}_u"))).alias(*c))
        .collect();
    let drop: Vec<String> = UNATTACHED_COUNTS.iter().map(|c| format!("{c}_u")).collect();
    left_join(lf, unattached, &[DAY])
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
        // the grid's rows are unit periods: each carries its own name
        GroupBy::Unit => return lf.rename([UNIT_NAME], ["group_name"], true),
        GroupBy::Kind => kinds_frame(),
        GroupBy::FormerProvince => match frames.units.column("former_province_name") {
            Ok(_) => frames.units.clone().lazy().select([
                col(FORMER_PROVINCE).alias("code"),
                col("former_province_name").alias("name"),
            ]),
            Err(_) => {
                return lf.with_column(lit(NULL).cast(DataType::String).alias("group_name"));
            }
        },
        GroupBy::Area => frames.areas.clone().lazy().select([
            col("area_code").alias("code"),
            col("area_name").alias("name"),
        ]),
    };
    // one name per code (the units and areas frames repeat them)
    let table = table
        .filter(col("code").is_not_null())
        .group_by([col("code")])
        .agg([col("name").drop_nulls().first()])
        .select([
            col("code").alias("group_code"),
            col("name").alias("group_name"),
        ]);
    left_join(lf, table, &["group_code"])
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

/// The rows of one indicator for one grouping, from the grouping's wide frame.
fn long(wide: &DataFrame, def: &IndicatorDef, g: GroupBy) -> PolarsResult<DataFrame> {
    let height = wide.height();
    let float = |c: &str| wide.column(c)?.cast(&DataType::Float64);
    let num = float(def.numerator_col)?;
    let den = match def.denominator_col {
        Some(c) => float(c)?,
        None => Column::full_null("denominator".into(), height, &DataType::Float64),
    };
    let text = |name: &str, value: &str| {
        Column::new_scalar(name.into(), Scalar::from(PlSmallStr::from(value)), height)
    };
    let renamed = |c: &str, name: &str| -> PolarsResult<Column> {
        Ok(wide.column(c)?.clone().with_name(name.into()))
    };
    DataFrame::new(
        height,
        vec![
            text("code", def.code),
            text("group_kind", g.code()),
            wide.column("group_code")?.clone(),
            wide.column("group_name")?.clone(),
            num.clone().with_name("numerator".into()),
            den.clone().with_name("denominator".into()),
            value(def, &num, &den)?,
            renamed(DAY, "period_end")?,
            renamed("units", STRUCTURE[0])?,
            renamed(SIG1, STRUCTURE[1])?,
            renamed(SIG2, STRUCTURE[2])?,
        ],
    )
}

/// The value of an indicator from its numerator and denominator (see [`Measure`]),
/// rounded half away from zero to the indicator's decimals; null for a rate or ratio
/// over a denominator that is not positive.
fn value(def: &IndicatorDef, num: &Column, den: &Column) -> PolarsResult<Column> {
    let (num, den) = (num.as_materialized_series(), den.as_materialized_series());
    let over = |quotient: Series| -> PolarsResult<Column> {
        let rounded = quotient.round(def.decimals, RoundMode::HalfAwayFromZero)?;
        let positive = den.gt(0.0)?;
        let kept: Float64Chunked = rounded
            .f64()?
            .iter()
            .zip(positive.iter())
            .map(|(v, p)| v.filter(|_| p == Some(true)))
            .collect();
        Ok(kept.with_name("value".into()).into_column())
    };
    match def.measure {
        Measure::Percent => over((&(num * 100.0) / den)?),
        Measure::Ratio => over((num / den)?),
        Measure::Count => Ok(num.clone().with_name("value".into()).into_column()),
    }
}

/// Left join on columns of the same names in both frames.
pub(crate) fn left_join(lf: LazyFrame, other: LazyFrame, on: &[&str]) -> LazyFrame {
    let keys: Vec<Expr> = on.iter().map(|c| col(*c)).collect();
    lf.join(other, &keys, &keys, JoinArgs::new(JoinType::Left))
}
