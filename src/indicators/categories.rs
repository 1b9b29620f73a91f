//! Category breakdowns of the count indicators, an entry of the engine beside the
//! breakdown: dialogue questions by topic with the share answered, awards by form and
//! by issuer, as of one day.

use chrono::NaiveDate;
use polars::prelude::*;

use super::frames::Frames;
use super::index::date_lit;
use super::registry::find;

/// The categories of indicator `code` as of `as_of`, over records dated on or before it:
/// - `dialogue_questions`: `category_kind` `topic`, one row per topic asked;
/// - `awards`: `category_kind` `form`, then `issuer`, one row per value given.
///
/// Columns: `category_kind` (String), `category` (String, the stored code), `count`
/// (UInt32), `answered` (UInt32: questions with status `answered` and no answer date or
/// one on or before the day; null for awards), `answered_share` (Float64, percent of
/// `count`, 1 decimal; null for awards). Sorted by kind (in the order above), count
/// (largest first) and category. Errors for other indicators.
pub fn categories(frames: &Frames, code: &str, as_of: NaiveDate) -> PolarsResult<DataFrame> {
    frames.validate()?;
    let day = date_lit(as_of);
    let parts = match code {
        "dialogue_questions" => vec![questions(frames, day)],
        "awards" => {
            let given = frames
                .awards
                .clone()
                .lazy()
                .filter(col("awarded_on").lt_eq(day));
            vec![by(given.clone(), "form", 0), by(given, "issuer", 1)]
        }
        _ if find(code).is_some() => {
            polars_bail!(ComputeError: "indicator '{code}' has no categories")
        }
        _ => polars_bail!(ComputeError: "unknown indicator code '{code}'"),
    };
    let order = SortMultipleOptions::default().with_order_descending_multi([false, true, false]);
    concat(parts, UnionArgs::default())?
        .sort(["_kind", "count", "category"], order)
        .drop(cols(["_kind"]))
        .collect()
}

/// Questions asked by `day`, per topic, with those answered by then.
fn questions(frames: &Frames, day: Expr) -> LazyFrame {
    let answered = col("status").eq(lit("answered")).and(
        col("answered_on")
            .is_null()
            .or(col("answered_on").lt_eq(day.clone())),
    );
    frames
        .questions
        .clone()
        .lazy()
        .filter(col("asked_on").lt_eq(day))
        .group_by([col("topic")])
        .agg([len().alias("count"), answered.sum().alias("answered")])
        .select([
            lit(0u32).alias("_kind"),
            lit("topic").alias("category_kind"),
            col("topic").alias("category"),
            col("count").cast(DataType::UInt32),
            col("answered").cast(DataType::UInt32),
            (col("answered").cast(DataType::Float64) * lit(100.0)
                / col("count").cast(DataType::Float64))
            .round(1, RoundMode::HalfAwayFromZero)
            .alias("answered_share"),
        ])
}

/// Records per value of `column`, without an answered share.
fn by(lf: LazyFrame, column: &str, kind: u32) -> LazyFrame {
    lf.group_by([col(column)])
        .agg([len().alias("count")])
        .select([
            lit(kind).alias("_kind"),
            lit(column).alias("category_kind"),
            col(column).alias("category"),
            col("count").cast(DataType::UInt32),
            lit(NULL).cast(DataType::UInt32).alias("answered"),
            lit(NULL).cast(DataType::Float64).alias("answered_share"),
        ])
}
