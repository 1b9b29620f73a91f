//! Gap lists, an entry of the engine beside the breakdown: from the as-of unit facts
//! of one day, the units that do not meet a rate or threshold indicator, with what
//! they lack, ranked.

use chrono::NaiveDate;
use polars::prelude::*;

use super::asof::{UNIT, grid};
use super::breakdown::left_join;
use super::frames::Frames;
use super::index::{Days, date_lit};
use super::params::EngineConfig;
use super::registry::find;

/// What a unit must have to meet an indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// Every chief in post (at least one) holds a seat: count column, body in Vietnamese.
    Seat(&'static str, &'static str),
    /// At least the staffing floor of officers in post.
    Floor,
    /// A new-model headquarters in use.
    Headquarters,
}

/// The rule of an indicator with a gap list.
fn rule(code: &str) -> PolarsResult<Rule> {
    Ok(match code {
        "party_executive_committee_rate" => Rule::Seat("chiefs_executive", "Ban Chấp hành"),
        "party_standing_committee_rate" => Rule::Seat("chiefs_standing", "Ban Thường vụ"),
        "units_below_staffing_floor" | "staffing_ratio" => Rule::Floor,
        "hq_new_model_coverage" => Rule::Headquarters,
        _ if find(code).is_some() => {
            polars_bail!(ComputeError: "indicator '{code}' has no gap list")
        }
        _ => polars_bail!(ComputeError: "unknown indicator code '{code}'"),
    })
}

/// The units valid on `as_of` that do not meet indicator `code`:
/// - `party_executive_committee_rate`, `party_standing_committee_rate`: units without a
///   chief in post, or with a chief in post not holding the seat;
/// - `units_below_staffing_floor`, `staffing_ratio`: units with fewer officers in post
///   than the floor of `config.staffing_floor` in force on `as_of`;
/// - `hq_new_model_coverage`: units without a new-model headquarters in use.
///
/// Columns: `rank` (UInt32, from 1), `unit_code`, `unit_name`, `district_code`,
/// `district_name` (null if the district is not in the frames), `kind`, `officers`,
/// `chiefs`, `chiefs_executive`, `chiefs_standing` (UInt32, in post on the day), `hq_status`
/// (the most advanced state of the unit's new-model buildings not closed: `none`,
/// `planned`, `approved`, `under_construction`, `in_use`), `target_date` (Date, the
/// earliest target of those buildings), `detail` (String, Vietnamese).
///
/// Ranking: seats: units without a chief first, then by district and unit code;
/// staffing: fewest officers first, then district and unit code; headquarters: least
/// advanced state first, then earliest target date (none last), district and unit code.
/// Errors for indicators without a gap list (the counts).
pub fn gaps(
    frames: &Frames,
    code: &str,
    as_of: NaiveDate,
    config: &EngineConfig,
) -> PolarsResult<DataFrame> {
    let rule = rule(code)?;
    frames.validate()?;
    let facts = grid(frames, &Days::new(&[as_of]), config.staffing_floor)?
        .lazy()
        .filter(col("units").eq(lit(1u32)));
    let districts = frames.districts.clone().lazy().select([
        col("code").alias("district_code"),
        col("name").alias("district_name"),
    ]);
    let facts = left_join(facts, hq_states(frames, as_of), &[UNIT]);
    left_join(facts, districts, &["district_code"])
        .with_column(col("_stage").fill_null(lit(0u32)))
        .with_column(stage_code(col("_stage")))
        .filter(misses(rule))
        .with_column(detail(rule, config.staffing_floor.at(as_of).officers).alias("detail"))
        .sort_by_exprs(
            order(rule),
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .with_row_index("rank", Some(1))
        .select(output())
        .collect()
}

/// The filter keeping the units that miss the rule.
fn misses(rule: Rule) -> Expr {
    match rule {
        Rule::Seat(seats, _) => col("chiefs").eq(lit(0u32)).or(col(seats).lt(col("chiefs"))),
        Rule::Floor => col("below_floor").eq(lit(1u32)),
        Rule::Headquarters => col("hq_new").eq(lit(0u32)),
    }
}

/// The sort keys of a rule's gap list.
fn order(rule: Rule) -> Vec<Expr> {
    let mut keys = match rule {
        Rule::Seat(..) => vec![col("chiefs").gt(lit(0u32))],
        Rule::Floor => vec![col("officers")],
        Rule::Headquarters => vec![col("_stage"), col("target_date")],
    };
    keys.extend([col("district_code"), col(UNIT)]);
    keys
}

/// The detail text of a rule's gap (Vietnamese).
fn detail(rule: Rule, floor: u32) -> Expr {
    match rule {
        Rule::Seat(_, body) => when(col("chiefs").eq(lit(0u32)))
            .then(lit("Chưa có Trưởng Công an"))
            .otherwise(lit(format!("Trưởng Công an chưa tham gia {body} Đảng ủy"))),
        Rule::Floor => {
            col("officers").cast(DataType::String)
                + lit(format!(" cán bộ, chiến sĩ (tối thiểu {floor})"))
        }
        Rule::Headquarters => {
            let due = lit(", hạn ") + col("target_date").dt().to_string("%d/%m/%Y");
            stage_label(col("_stage")) + due.fill_null(lit(""))
        }
    }
}

/// The output columns of a gap list, in order.
fn output() -> Vec<Expr> {
    [
        "rank",
        UNIT,
        "unit_name",
        "district_code",
        "district_name",
        "kind",
        "officers",
        "chiefs",
        "chiefs_executive",
        "chiefs_standing",
        "hq_status",
        "target_date",
        "detail",
    ]
    .iter()
    .map(|c| col(*c))
    .collect()
}

/// Headquarters states: code and Vietnamese label, by stage (0 = no new building).
const STAGES: [(&str, &str); 5] = [
    ("none", "Chưa có dự án trụ sở mới"),
    ("planned", "Chưa phê duyệt"),
    ("approved", "Đã phê duyệt"),
    ("under_construction", "Đang xây dựng"),
    ("in_use", "Đã đưa vào sử dụng"),
];

/// Maps a stage number to its code, or its Vietnamese label when `label`.
fn stage_text(stage: Expr, label: bool) -> Expr {
    let text = |(code, vi): (&str, &str)| lit(if label { vi } else { code });
    let is = |i: u32| stage.clone().eq(lit(i));
    let [none, planned, approved, building, in_use] = STAGES;
    when(is(0))
        .then(text(none))
        .when(is(1))
        .then(text(planned))
        .when(is(2))
        .then(text(approved))
        .when(is(3))
        .then(text(building))
        .otherwise(text(in_use))
}

/// The state code of a stage number.
fn stage_code(stage: Expr) -> Expr {
    stage_text(stage, false).alias("hq_status")
}

/// The Vietnamese label of a stage number.
fn stage_label(stage: Expr) -> Expr {
    stage_text(stage, true)
}

/// Per unit with new-model buildings not closed on `day`: `_stage` (1 planned, 2
/// approved, 3 under construction, 4 in use) and the earliest `target_date`.
fn hq_states(frames: &Frames, day: NaiveDate) -> LazyFrame {
    let d = date_lit(day);
    let reached = |c: &str| col(c).is_not_null().and(col(c).lt_eq(d.clone()));
    let stage = when(reached("in_use_on"))
        .then(lit(4u32))
        .when(reached("construction_started_on"))
        .then(lit(3u32))
        .when(reached("approved_on"))
        .then(lit(2u32))
        .otherwise(lit(1u32));
    let open = col("closed_on")
        .is_null()
        .or(col("closed_on").gt(d.clone()));
    frames
        .headquarters
        .clone()
        .lazy()
        .filter(col("model").eq(lit("new")).and(open))
        .group_by([col(UNIT)])
        .agg([stage.max().alias("_stage"), col("target_date").min()])
}
