//! Chiefs' committee seats, a source of the as-of grid: the days each chief in post holds
//! an executive or a standing seat of the Party committee of the unit's own commune,
//! as +1/-1 transitions per chief and body (overlapping seats of one body count once).

use polars::prelude::*;

use super::asof::{IDX, Source, U, running_sum, weighted};

/// Chiefs holding an executive or a standing seat of their unit's commune, as weighted
/// spans of one day each: the spans where a chief's posting and a seat on the same unit
/// overlap, summed per chief and body, then turned into +1/-1 transitions of "holds a
/// seat of that body" so that overlapping seats of one body count once.
pub(crate) fn seat_transitions(
    officers: LazyFrame,
    seats: LazyFrame,
    n: u32,
) -> PolarsResult<Source> {
    let pairs = overlaps(officers, seats);
    let side = |at: &str, sign: i32| {
        let cols = [
            col("id"),
            col("body"),
            col(U),
            col(at).alias(IDX),
            lit(sign).alias("_d"),
        ];
        pairs.clone().select(cols)
    };
    // A chief's seats are counted per unit period (a code's periods are different units).
    let changed = |c: &str| col(c).neq_missing(col(c).shift(lit(1)));
    let starts = changed("id").or(changed("body")).or(changed(U));
    let held = |c: Expr| c.gt(lit(0i64)).cast(DataType::Int32);
    let transitions = concat([side("_lo", 1), side("_hi", -1)], UnionArgs::default())?
        .filter(col(IDX).lt(lit(n)))
        .group_by([col("id"), col("body"), col(U), col(IDX)])
        .agg([col("_d").sum()])
        .sort(["id", "body", U, IDX], SortMultipleOptions::default())
        .with_column(running_sum("_d", starts).alias("_c"))
        .with_column((held(col("_c")) - held(col("_c") - col("_d"))).alias("_t"))
        .filter(col("_t").neq(lit(0i32)))
        // one event at the transition's day: the -1 side at `n` is dropped
        .with_columns([col(IDX).alias("_lo"), lit(n).alias("_hi")]);
    let by_body = |body: &str| {
        when(col("body").eq(lit(body)))
            .then(col("_t"))
            .otherwise(lit(0i32))
    };
    let weights = [
        ("chiefs_executive", by_body("executive")),
        ("chiefs_standing", by_body("standing")),
    ];
    Ok(weighted(transitions, &weights))
}

/// The spans where a chief's posting and one of the chief's seats on the Party committee
/// of the same unit both hold: id, u, body, `_lo`, `_hi` (cached: read twice).
fn overlaps(officers: LazyFrame, seats: LazyFrame) -> LazyFrame {
    let chiefs = officers.filter(col("position").eq(lit("chief"))).select([
        col("id"),
        col(U),
        col("_lo").alias("_lo_p"),
        col("_hi").alias("_hi_p"),
    ]);
    let seats = seats.select([
        col("officer_id").alias("id"),
        col(U),
        col("body"),
        col("_lo"),
        col("_hi"),
    ]);
    let keys = [col("id"), col(U)];
    chiefs
        .join(seats, keys.clone(), keys, JoinArgs::new(JoinType::Inner))
        .select([
            col("id"),
            col(U),
            col("body"),
            greater(col("_lo"), col("_lo_p")).alias("_lo"),
            lesser(col("_hi"), col("_hi_p")).alias("_hi"),
        ])
        .filter(col("_lo").lt(col("_hi")))
        .cache()
}

/// The larger of two indices.
fn greater(a: Expr, b: Expr) -> Expr {
    when(a.clone().gt_eq(b.clone())).then(a).otherwise(b)
}

/// The smaller of two indices.
fn lesser(a: Expr, b: Expr) -> Expr {
    when(a.clone().lt_eq(b.clone())).then(a).otherwise(b)
}
