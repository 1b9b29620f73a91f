//! What the rows of every kind are checked against: the units (a code on the record's
//! day, in the caller's scope), and the shape of a plan (counts and samples of what an
//! import creates, updates, leaves and ends).

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::unit_period;
use serde::Serialize;

use super::cell::Problem;
use crate::auth::Scope;
use crate::service::{Result, units};

/// Samples of each change listed in a dry run's answer.
pub const SAMPLES: usize = 5;

/// The unit periods of the codes a file names: all of them, and those the caller sees.
pub struct Units {
    all: HashMap<String, Vec<unit_period::Model>>,
    visible: HashMap<String, Vec<unit_period::Model>>,
}

fn by_code(periods: Vec<unit_period::Model>) -> HashMap<String, Vec<unit_period::Model>> {
    let mut map: HashMap<String, Vec<unit_period::Model>> = HashMap::new();
    for p in periods {
        map.entry(p.code.clone()).or_default().push(p);
    }
    for list in map.values_mut() {
        list.sort_by_key(|p| p.valid_from);
    }
    map
}

impl Units {
    /// Loads the periods of `codes` (two statements per 1,000 codes).
    pub async fn load(
        db: &impl sea_orm::ConnectionTrait,
        scope: &Scope,
        codes: &[String],
    ) -> Result<Self> {
        let mut all = Vec::new();
        let mut visible = Vec::new();
        for chunk in codes.chunks(1_000) {
            all.extend(units::periods_of(db, &Scope::all(), chunk).await?);
            if !scope.is_all() {
                visible.extend(units::periods_of(db, scope, chunk).await?);
            }
        }
        let all = by_code(all);
        let visible = if scope.is_all() {
            all.clone()
        } else {
            by_code(visible)
        };
        Ok(Self { all, visible })
    }

    /// Whether `code` is a unit on `day` (before its first period: the first, as the
    /// service's writes take it; no day: any period) that the caller may write to.
    pub fn check(&self, code: &str, day: Option<NaiveDate>) -> std::result::Result<(), Problem> {
        let on = |periods: &[unit_period::Model]| match day {
            None => !periods.is_empty(),
            Some(day) => {
                periods
                    .iter()
                    .any(|p| p.valid_from <= day && p.valid_to.is_none_or(|t| t >= day))
                    || periods.first().is_some_and(|p| day < p.valid_from)
            }
        };
        let Some(periods) = self.all.get(code) else {
            return Err(Problem::new(
                "IMPORT_UNKNOWN_UNIT",
                format!("không có đơn vị mã {code}"),
                format!("there is no unit with code {code}"),
            ));
        };
        if !on(periods) {
            let day = day.map(crate::format::date_vi).unwrap_or_default();
            return Err(Problem::new(
                "IMPORT_UNKNOWN_UNIT",
                format!("đơn vị mã {code} không tồn tại vào ngày {day}"),
                format!("unit {code} did not exist on {day}"),
            ));
        }
        match self.visible.get(code) {
            Some(periods) if on(periods) => Ok(()),
            _ => Err(Problem::new(
                "IMPORT_OUT_OF_SCOPE",
                format!("đơn vị mã {code} ngoài địa bàn của bạn"),
                format!("unit {code} is outside your area"),
            )),
        }
    }
}

/// How many records an import creates, updates, leaves as they are and ends.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// New records.
    pub created: usize,
    /// Records changed.
    pub updated: usize,
    /// Records the file holds as they are.
    pub unchanged: usize,
    /// Records missing from a complete file, ended on its day.
    pub ended: usize,
}

/// A few of each change, described in a line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Samples {
    /// Created.
    pub created: Vec<String>,
    /// Updated, with what changes.
    pub updated: Vec<String>,
    /// Ended.
    pub ended: Vec<String>,
}

impl Samples {
    /// Adds to `list` while it holds fewer than [`SAMPLES`].
    pub fn push(list: &mut Vec<String>, line: impl FnOnce() -> String) {
        if list.len() < SAMPLES {
            list.push(line());
        }
    }
}

/// "Đại úy → Thiếu tá" style change line for one field.
pub fn change(field: &str, from: impl std::fmt::Display, to: impl std::fmt::Display) -> String {
    format!("{field}: {from} → {to}")
}

/// An optional date for a sample line.
pub fn day_text(day: Option<NaiveDate>) -> String {
    day.map_or_else(|| "—".to_owned(), crate::format::date_vi)
}

/// Checks the dates of one row: each inside the plausible window, and each pair of
/// `order` (start key, end key) in order. Records every problem in `errors` (on the
/// later date's cell); false when there was one.
pub fn dates(
    errors: &mut super::errors::Errors,
    line: u32,
    layout: &super::parse::Layout,
    kind: super::kind::Kind,
    days: &[(&str, Option<NaiveDate>)],
    order: &[(&str, &str)],
) -> bool {
    let mut fine = true;
    let day_of = |key: &str| days.iter().find(|(k, _)| *k == key).and_then(|(_, d)| *d);
    for (key, day) in days {
        if let Some(day) = day
            && crate::service::plausible::date("date", *day).is_err()
        {
            errors.at(line, layout.place(kind, key), out_of_range(*day));
            fine = false;
        }
    }
    for (start, end) in order {
        if let (Some(a), Some(b)) = (day_of(start), day_of(end))
            && b < a
        {
            errors.at(line, layout.place(kind, end), date_order(a, b));
            fine = false;
        }
    }
    fine
}

/// The problem of a cell that must be empty or filled given another cell.
pub fn bad_value(vi: impl Into<String>, en: impl Into<String>) -> Problem {
    Problem::new("IMPORT_BAD_VALUE", vi, en)
}

/// A row that an area admin may not write (no unit, or a province-level record).
pub fn province_only() -> Problem {
    Problem::new(
        "IMPORT_OUT_OF_SCOPE",
        "tài khoản địa bàn chỉ ghi được bản ghi của đơn vị trong địa bàn",
        "an area token writes only records of its area's units",
    )
}

/// A date outside the window of plausible records.
pub fn out_of_range(day: NaiveDate) -> Problem {
    let d = crate::format::date_vi(day);
    Problem::new(
        "IMPORT_OUT_OF_RANGE",
        format!("ngày {d} nằm ngoài khoảng 19/08/1945 đến 10 năm tới"),
        format!("{d} is outside 19/08/1945 to ten years ahead"),
    )
}

/// An end before its start.
pub fn date_order(from: NaiveDate, to: NaiveDate) -> Problem {
    let (f, t) = (crate::format::date_vi(from), crate::format::date_vi(to));
    Problem::new(
        "IMPORT_DATE_ORDER",
        format!("ngày kết thúc {t} trước ngày bắt đầu {f}"),
        format!("the end {t} is before the start {f}"),
    )
}
