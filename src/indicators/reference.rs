//! The independent computation the tests hold the engine to: the same definitions
//! written as straightforward loops over the plain rows, without polars.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::params::{EngineConfig, GroupBy};
use super::registry::{IndicatorDef, Measure, kind_name, registry};
use super::rows::{Rows, UnitRow};

/// One output row: code, group kind, group code, group name, numerator, denominator,
/// value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RefRow {
    pub code: String,
    pub group_kind: String,
    pub group_code: String,
    pub group_name: Option<String>,
    pub numerator: f64,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
}

/// Whether `[from, to)` holds on `day`.
fn holds(from: NaiveDate, to: Option<NaiveDate>, day: NaiveDate) -> bool {
    from <= day && to.is_none_or(|t| t > day)
}

/// The group code of a unit in a breakdown.
fn key(u: &UnitRow, g: GroupBy) -> &str {
    match g {
        GroupBy::Province => &u.province_code,
        GroupBy::District => &u.district_code,
        GroupBy::Kind => &u.kind,
        GroupBy::Unit => &u.code,
        // rows carry no former province: a unit's own
        GroupBy::FormerProvince => &u.province_code,
        GroupBy::Area => unreachable!("the reference model holds no areas"),
    }
}

/// The quantities of one group.
#[derive(Default)]
struct Q {
    units: u32,
    officers: u32,
    chiefs: u32,
    executive: u32,
    standing: u32,
    hq_new: u32,
    below: u32,
    volunteer: u32,
    works: u32,
    questions: u32,
    awards: u32,
    directives: u32,
}

impl Q {
    /// The quantity a registry column names.
    fn get(&self, column: &str) -> u32 {
        match column {
            "units" => self.units,
            "officers" => self.officers,
            "chiefs" => self.chiefs,
            "chiefs_executive" => self.executive,
            "chiefs_standing" => self.standing,
            "hq_new" => self.hq_new,
            "below_floor" => self.below,
            "volunteer" => self.volunteer,
            "works" => self.works,
            "questions" => self.questions,
            "awards" => self.awards,
            "directives" => self.directives,
            other => panic!("unknown quantity {other}"),
        }
    }
}

/// Adds the facts of one unit valid on `day` to its group.
fn add_unit(q: &mut Q, rows: &Rows, u: &UnitRow, day: NaiveDate, config: &EngineConfig) {
    q.units += 1;
    let in_post: Vec<_> = rows
        .officers
        .iter()
        .filter(|o| o.unit_code == u.code && holds(o.posted_from, o.posted_to, day))
        .collect();
    q.officers += in_post.len() as u32;
    if (in_post.len() as u32) < config.staffing_floor.at(day).officers {
        q.below += 1;
    }
    for chief in in_post.iter().filter(|o| o.position == "chief") {
        q.chiefs += 1;
        let seat = |body: &str| {
            rows.memberships.iter().any(|m| {
                m.officer_id == chief.id
                    && m.unit_code == chief.unit_code
                    && m.body == body
                    && holds(m.started_on, m.ended_on, day)
            })
        };
        q.executive += u32::from(seat("executive"));
        q.standing += u32::from(seat("standing"));
    }
    let hq = rows.headquarters.iter().any(|h| {
        h.unit_code == u.code
            && h.model == "new"
            && h.in_use_on.is_some_and(|d| d <= day)
            && h.closed_on.is_none_or(|c| c > day)
    });
    q.hq_new += u32::from(hq);
}

/// Whether a record attached to `unit` counts in group `group` of breakdown `g`: when
/// attached to a known unit of the group, or attached to none and `g` is the province.
fn counts_in(rows: &Rows, unit: Option<&str>, g: GroupBy, group: &str) -> bool {
    match unit {
        None => g == GroupBy::Province,
        Some(code) => rows
            .units
            .iter()
            .any(|u| u.code == code && key(u, g) == group),
    }
}

/// Adds the dated records counted on `day` in one group.
fn add_records(q: &mut Q, rows: &Rows, day: NaiveDate, g: GroupBy, group: &str) {
    for a in &rows.activities {
        if !counts_in(rows, a.unit_code.as_deref(), g, group) {
            continue;
        }
        if a.kind == "volunteer_activity" && a.started_on <= day {
            q.volunteer += 1;
        }
        if a.kind == "work_or_model" && a.maintained && holds(a.started_on, a.ended_on, day) {
            q.works += 1;
        }
    }
    q.questions += rows
        .questions
        .iter()
        .filter(|x| x.asked_on <= day && counts_in(rows, x.asker_unit_code.as_deref(), g, group))
        .count() as u32;
    q.awards += rows
        .awards
        .iter()
        .filter(|x| x.awarded_on <= day && counts_in(rows, Some(&x.unit_code), g, group))
        .count() as u32;
    if g == GroupBy::Province {
        q.directives = rows
            .directives
            .iter()
            .filter(|x| x.issued_on <= day)
            .count() as u32;
    }
}

/// The name of a group.
fn name(rows: &Rows, g: GroupBy, group: &str) -> Option<String> {
    match g {
        GroupBy::Province | GroupBy::FormerProvince | GroupBy::Area => None,
        GroupBy::District => rows
            .districts
            .iter()
            .find(|d| d.code == group)
            .map(|d| d.name.clone()),
        GroupBy::Kind => kind_name(group).map(str::to_string),
        GroupBy::Unit => rows
            .units
            .iter()
            .find(|u| u.code == group)
            .map(|u| u.name.clone()),
    }
}

/// `v` rounded half away from zero to `decimals`.
fn round(v: f64, decimals: u32) -> f64 {
    let m = 10f64.powi(decimals as i32);
    (v * m).round() / m
}

/// The row of one indicator for one group.
fn row(def: &IndicatorDef, g: GroupBy, group: &str, gname: Option<String>, q: &Q) -> RefRow {
    let num = f64::from(q.get(def.numerator_col));
    let den = def.denominator_col.map(|c| f64::from(q.get(c)));
    let value = match (def.measure, den) {
        (Measure::Count, _) => Some(num),
        (Measure::Percent, Some(d)) if d > 0.0 => Some(round(num * 100.0 / d, def.decimals)),
        (Measure::Ratio, Some(d)) if d > 0.0 => Some(round(num / d, def.decimals)),
        _ => None,
    };
    RefRow {
        code: def.code.into(),
        group_kind: g.code().into(),
        group_code: group.into(),
        group_name: gname,
        numerator: num,
        denominator: den,
        value,
    }
}

/// The indicators `codes` (all when empty) on `day` for each breakdown of `group_by`
/// (province when empty), in the engine's order.
pub(crate) fn reference(
    rows: &Rows,
    day: NaiveDate,
    codes: &[&str],
    group_by: &[GroupBy],
    config: &EngineConfig,
) -> Vec<RefRow> {
    let groupings = if group_by.is_empty() {
        vec![GroupBy::Province]
    } else {
        group_by.to_vec()
    };
    let mut per_grouping = Vec::new();
    for g in groupings {
        let mut groups: BTreeMap<String, Q> = BTreeMap::new();
        for u in rows
            .units
            .iter()
            .filter(|u| holds(u.valid_from, u.valid_to, day))
        {
            add_unit(
                groups.entry(key(u, g).to_string()).or_default(),
                rows,
                u,
                day,
                config,
            );
        }
        for (group, q) in groups.iter_mut() {
            add_records(q, rows, day, g, group);
        }
        per_grouping.push((g, groups));
    }
    let mut out = Vec::new();
    for def in registry()
        .iter()
        .filter(|d| codes.is_empty() || codes.contains(&d.code))
    {
        for (g, groups) in &per_grouping {
            if def.province_only && *g != GroupBy::Province {
                continue;
            }
            for (group, q) in groups {
                out.push(row(def, *g, group, name(rows, *g, group), q));
            }
        }
    }
    out
}

/// The rows of an engine output frame (`compute` columns), in frame order.
pub(crate) fn from_frame(df: &polars::prelude::DataFrame) -> Vec<RefRow> {
    let s = |c: &str| df.column(c).unwrap().str().unwrap().clone();
    let f = |c: &str| df.column(c).unwrap().f64().unwrap().clone();
    let (code, kind, group, gname) = (s("code"), s("group_kind"), s("group_code"), s("group_name"));
    let (num, den, value) = (f("numerator"), f("denominator"), f("value"));
    (0..df.height())
        .map(|i| RefRow {
            code: code.get(i).unwrap().into(),
            group_kind: kind.get(i).unwrap().into(),
            group_code: group.get(i).unwrap().into(),
            group_name: gname.get(i).map(str::to_string),
            numerator: num.get(i).unwrap(),
            denominator: den.get(i),
            value: value.get(i),
        })
        .collect()
}
