//! Headquarters holdings, between the dataset fetch and the engine: a building passed
//! by a restructuring (see `restructure`) has one row per holder, each with `held_from`
//! / `held_to` (half-open; null = no bound). Here each row's status dates are clipped
//! to its holding, so the engine (which knows only the building's dates) attributes the
//! building to the predecessor before the change and to the successor from it, without
//! the engine or the stored building dates changing:
//! - `approved_on`, `construction_started_on`, `in_use_on`: not before `held_from`;
//! - `closed_on`: not after `held_to` (a holding that ends closes the row).
//!
//! Limitation: a building with no status date at all (planned only) has no start the
//! engine could move, so its successor's row counts as planned for that code before
//! the change too.
//!
//! The two holding columns are then dropped: the tables keep their documented shape.

use polars::prelude::*;

/// The stage dates a holding's start clips.
const STARTS: [&str; 3] = ["approved_on", "construction_started_on", "in_use_on"];

/// [`clip`] on the blocking pool (polars' executor must not run on the async runtime).
pub(super) async fn clip_blocking(hq: DataFrame) -> crate::service::Result<DataFrame> {
    let internal = |e: String| crate::service::ServiceError::Internal(format!("holdings: {e}"));
    match tokio::task::spawn_blocking(move || clip(hq)).await {
        Ok(r) => r.map_err(|e| internal(e.to_string())),
        Err(e) => Err(internal(e.to_string())),
    }
}

/// `hq` with its dates clipped to the holdings and without the holding columns.
pub(super) fn clip(hq: DataFrame) -> PolarsResult<DataFrame> {
    let from = col("held_from");
    let to = col("held_to");
    let mut exprs: Vec<Expr> = STARTS
        .iter()
        .map(|&c| {
            when(from.clone().is_not_null().and(col(c).lt(from.clone())))
                .then(from.clone())
                .otherwise(col(c))
                .alias(c)
        })
        .collect();
    exprs.push(
        when(
            to.clone().is_not_null().and(
                col("closed_on")
                    .is_null()
                    .or(col("closed_on").gt(to.clone())),
            ),
        )
        .then(to)
        .otherwise(col("closed_on"))
        .alias("closed_on"),
    );
    hq.lazy()
        .with_columns(exprs)
        .drop(cols(["held_from", "held_to"]))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn days(v: &[Option<&str>]) -> Column {
        let d: Vec<Option<NaiveDate>> = v.iter().map(|s| s.map(|s| s.parse().unwrap())).collect();
        Column::new("x".into(), d)
    }

    fn frame(cols_: [(&str, &[Option<&str>]); 6]) -> DataFrame {
        let columns: Vec<Column> = cols_
            .iter()
            .map(|(n, v)| days(v).with_name((*n).into()))
            .collect();
        DataFrame::new_infer_height(columns).unwrap()
    }

    #[test]
    fn dates_are_clipped_to_the_holding_and_the_columns_dropped() {
        // Row 0: held until 2025-07-01 (the predecessor). Row 1: held from then (the
        // successor). Row 2: never passed.
        let hq = frame([
            (
                "approved_on",
                &[Some("2023-01-01"), Some("2023-01-01"), None],
            ),
            (
                "construction_started_on",
                &[Some("2023-06-01"), Some("2023-06-01"), None],
            ),
            (
                "in_use_on",
                &[Some("2024-03-01"), Some("2024-03-01"), Some("2020-01-01")],
            ),
            ("closed_on", &[None, None, Some("2024-01-01")]),
            ("held_from", &[None, Some("2025-07-01"), None]),
            ("held_to", &[Some("2025-07-01"), None, None]),
        ]);
        let out = clip(hq).unwrap();
        assert_eq!(out.width(), 4);
        let get = |c: &str, i: usize| out.column(c).unwrap().get(i).unwrap().to_string();
        assert_eq!(get("closed_on", 0), "2025-07-01");
        assert_eq!(get("in_use_on", 0), "2024-03-01");
        assert_eq!(get("in_use_on", 1), "2025-07-01");
        assert_eq!(get("approved_on", 1), "2025-07-01");
        assert_eq!(get("closed_on", 1), "null");
        assert_eq!(get("closed_on", 2), "2024-01-01");
        assert_eq!(get("in_use_on", 2), "2020-01-01");
    }
}
