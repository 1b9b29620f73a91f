//! As-of evaluation, the first computing stage after validation: for every day of a
//! small frame of days, the facts of each unit valid that day (officers and chiefs in
//! post, chiefs' committee seats, new-model headquarters in use) and the counts of the
//! dated records (activities, questions, awards, documents) per unit. Everything is a
//! cross join of the records with the days, filtered by "holds on the day", so one
//! plan serves one day or 72 month ends alike.

use chrono::NaiveDate;
use polars::prelude::*;

use super::frames::Frames;

/// The day column of the days frame and of every fact.
pub(crate) const DAY: &str = "day";
/// The unit column of the facts.
pub(crate) const UNIT: &str = "unit_code";
/// Per unit counts of the unit facts (besides `units`, one per unit row).
pub(crate) const UNIT_COUNTS: [&str; 6] = [
    "officers",
    "chiefs",
    "chiefs_executive",
    "chiefs_standing",
    "hq_new",
    "below_floor",
];
/// Per unit counts of the dated records.
pub(crate) const RECORD_COUNTS: [&str; 5] =
    ["volunteer", "works", "questions", "awards", "directives"];

/// Stands for "no end" in an interval, so that "holds" is two plain comparisons.
const NO_END: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Stands for "always" as the start of an interval.
pub(crate) const NO_START: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// A frame of one `day` column holding `days` sorted and without repeats.
pub(crate) fn days_frame(days: &[NaiveDate]) -> PolarsResult<DataFrame> {
    let mut days = days.to_vec();
    days.sort_unstable();
    days.dedup();
    DataFrame::new(days.len(), vec![Column::new(DAY.into(), days)])
}

/// The rows of `lf` crossed with the days on which `[from, to)` holds (`to` null: no end).
pub(crate) fn at_days(lf: LazyFrame, from: Expr, to: Expr, days: &LazyFrame) -> LazyFrame {
    lf.with_columns([
        from.alias("_since"),
        to.fill_null(lit(NO_END)).alias("_until"),
    ])
    .cross_join(days.clone(), None)
    .filter(
        col("_since")
            .lt_eq(col(DAY))
            .and(col("_until").gt(col(DAY))),
    )
    .drop(cols(["_since", "_until"]))
}

/// Units valid on each day: day, unit_code, unit_name, district_code, province_code, kind.
pub(crate) fn units_at(frames: &Frames, days: &LazyFrame) -> LazyFrame {
    at_days(
        frames.units.clone().lazy(),
        col("valid_from"),
        col("valid_to"),
        days,
    )
    .select([
        col(DAY),
        col("code").alias(UNIT),
        col("name").alias("unit_name"),
        col("district_code"),
        col("province_code"),
        col("kind"),
    ])
}

/// Per day and unit: officers in post and chiefs among them.
fn officer_counts(frames: &Frames, days: &LazyFrame) -> LazyFrame {
    let officers = frames.officers.clone().lazy().select(pick(&[
        UNIT,
        "position",
        "posted_from",
        "posted_to",
    ]));
    at_days(officers, col("posted_from"), col("posted_to"), days)
        .group_by([col(DAY), col(UNIT)])
        .agg([
            len().alias("officers"),
            col("position").eq(lit("chief")).sum().alias("chiefs"),
        ])
}

/// Per day and unit: chiefs in post holding an executive and a standing seat of their
/// unit's commune (a chief with two overlapping seats of one body counts once).
fn seat_counts(frames: &Frames, days: &LazyFrame) -> LazyFrame {
    let chiefs = frames
        .officers
        .clone()
        .lazy()
        .filter(col("position").eq(lit("chief")))
        .select(pick(&["id", UNIT, "posted_from", "posted_to"]));
    let seats = frames.memberships.clone().lazy().select([
        col("officer_id").alias("id"),
        col(UNIT),
        col("body"),
        col("started_on"),
        col("ended_on"),
    ]);
    let both = chiefs.inner_join_on(seats, ["id", UNIT]);
    let from = later(col("posted_from"), col("started_on"));
    let to = earlier(col("posted_to"), col("ended_on"));
    let held = |body: &str| col("body").eq(lit(body)).cast(DataType::UInt32).max();
    at_days(both, from, to, days)
        .group_by([col(DAY), col(UNIT), col("id")])
        .agg([
            held("executive").alias("chiefs_executive"),
            held("standing").alias("chiefs_standing"),
        ])
        .group_by([col(DAY), col(UNIT)])
        .agg([col("chiefs_executive").sum(), col("chiefs_standing").sum()])
}

/// The later of two dates.
fn later(a: Expr, b: Expr) -> Expr {
    when(a.clone().gt_eq(b.clone())).then(a).otherwise(b)
}

/// The earlier of two interval ends, where null means no end.
fn earlier(a: Expr, b: Expr) -> Expr {
    let (a, b) = (a.fill_null(lit(NO_END)), b.fill_null(lit(NO_END)));
    when(a.clone().lt_eq(b.clone())).then(a).otherwise(b)
}

/// Per day, the units (by code, valid or not) with a new-model headquarters in use:
/// in use on or before the day and not closed by then. Columns: day, unit_code.
pub(crate) fn hq_in_use(frames: &Frames, days: &LazyFrame) -> LazyFrame {
    let new = frames
        .headquarters
        .clone()
        .lazy()
        .filter(
            col("model")
                .eq(lit("new"))
                .and(col("in_use_on").is_not_null()),
        )
        .select(pick(&[UNIT, "in_use_on", "closed_on"]));
    at_days(new, col("in_use_on"), col("closed_on"), days)
        .group_by([col(DAY), col(UNIT)])
        .agg([len().alias("_n")])
        .select([col(DAY), col(UNIT)])
}

/// The facts of every unit valid on each day, collected: day, unit_code, unit_name,
/// district_code, province_code, kind and the [`UNIT_COUNTS`] (UInt32; `hq_new` and
/// `below_floor` are 0 or 1).
pub(crate) fn unit_facts(frames: &Frames, days: &DataFrame, floor: u32) -> PolarsResult<DataFrame> {
    let days = days.clone().lazy();
    let hq = hq_in_use(frames, &days).with_column(lit(1u32).alias("hq_new"));
    let counts: Vec<Expr> = UNIT_COUNTS[..5]
        .iter()
        .map(|c| col(*c).cast(DataType::UInt32).fill_null(lit(0u32)))
        .collect();
    units_at(frames, &days)
        .left_join_on(officer_counts(frames, &days), [DAY, UNIT])
        .left_join_on(seat_counts(frames, &days), [DAY, UNIT])
        .left_join_on(hq, [DAY, UNIT])
        .with_columns(counts)
        .with_column(
            col("officers")
                .lt(lit(floor))
                .cast(DataType::UInt32)
                .alias("below_floor"),
        )
        .collect()
}

/// One kind of dated record as `[from, to)` spans with their unit (null: not attached).
struct Source {
    lf: LazyFrame,
    unit: Expr,
    from: Expr,
    to: Expr,
    count: &'static str,
}

/// The dated records each count indicator counts.
fn sources(frames: &Frames) -> [Source; 5] {
    let activities = frames.activities.clone().lazy();
    let kind = |k: &str| col("kind").eq(lit(k));
    let no_end = || lit(NULL).cast(DataType::Date);
    [
        Source {
            lf: activities.clone().filter(kind("volunteer_activity")),
            unit: col(UNIT),
            from: col("started_on"),
            to: no_end(),
            count: "volunteer",
        },
        Source {
            lf: activities.filter(kind("work_or_model").and(col("maintained"))),
            unit: col(UNIT),
            from: col("started_on"),
            to: col("ended_on"),
            count: "works",
        },
        Source {
            lf: frames.questions.clone().lazy(),
            unit: col("asker_unit_code"),
            from: col("asked_on"),
            to: no_end(),
            count: "questions",
        },
        Source {
            lf: frames.awards.clone().lazy(),
            unit: col(UNIT),
            from: col("awarded_on"),
            to: no_end(),
            count: "awards",
        },
        Source {
            lf: frames.directives.clone().lazy(),
            unit: lit(NULL).cast(DataType::String),
            from: col("issued_on"),
            to: no_end(),
            count: "directives",
        },
    ]
}

/// Per day and unit code (null for records not attached to a unit), the records each
/// count indicator counts on that day: day, unit_code, the [`RECORD_COUNTS`] (UInt32).
pub(crate) fn record_counts(frames: &Frames, days: &DataFrame) -> PolarsResult<LazyFrame> {
    let days = days.clone().lazy();
    let parts: Vec<LazyFrame> = sources(frames)
        .into_iter()
        .map(|s| {
            let spans =
                s.lf.select([s.unit.alias(UNIT), s.from.alias("_from"), s.to.alias("_to")]);
            let mut out = vec![col(DAY), col(UNIT)];
            out.extend(
                RECORD_COUNTS
                    .iter()
                    .map(|c| lit(u32::from(*c == s.count)).alias(*c)),
            );
            at_days(spans, col("_from"), col("_to"), &days).select(out)
        })
        .collect();
    let sums: Vec<Expr> = RECORD_COUNTS.iter().map(|c| col(*c).sum()).collect();
    Ok(concat(parts, UnionArgs::default())?
        .group_by([col(DAY), col(UNIT)])
        .agg(sums))
}

/// Column expressions of these names.
pub(crate) fn pick(names: &[&str]) -> Vec<Expr> {
    names.iter().map(|n| col(*n)).collect()
}

/// Joins on columns of the same names in both frames.
pub(crate) trait JoinOn {
    fn left_join_on<const N: usize>(self, other: LazyFrame, on: [&str; N]) -> LazyFrame;
    fn inner_join_on<const N: usize>(self, other: LazyFrame, on: [&str; N]) -> LazyFrame;
}

impl JoinOn for LazyFrame {
    fn left_join_on<const N: usize>(self, other: LazyFrame, on: [&str; N]) -> LazyFrame {
        let keys: Vec<Expr> = on.iter().map(|c| col(*c)).collect();
        self.join(other, &keys, &keys, JoinArgs::new(JoinType::Left))
    }

    fn inner_join_on<const N: usize>(self, other: LazyFrame, on: [&str; N]) -> LazyFrame {
        let keys: Vec<Expr> = on.iter().map(|c| col(*c)).collect();
        self.join(other, &keys, &keys, JoinArgs::new(JoinType::Inner))
    }
}
