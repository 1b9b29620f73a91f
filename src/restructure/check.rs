//! Checking a parsed plan against the stored unit periods, the second step of
//! `restructure apply`, before anything is written. Every problem is collected (with
//! its line) so a refused plan comes back whole. The result, [`Resolved`], names the
//! predecessor period of each code (in force the day before the effective day) and the
//! successor period of each code (stored from that day, or described by the plan).
//!
//! Rules:
//! - a predecessor code must have a period in force on D-1 that does not run past D-1
//!   (`PLAN_UNKNOWN_CODE`, or `PLAN_DATE_OUT_OF_ORDER` when its period starts on or
//!   after D or runs past D-1);
//! - a successor code must have a period starting on D, or the plan must give its name
//!   and type (a successor whose only predecessor has its code inherits that unit's
//!   name, type, district and province); creating it must not overlap another period
//!   of the code (`PLAN_DATE_OUT_OF_ORDER`); otherwise `PLAN_UNKNOWN_CODE`;
//! - an `effective_date` column, when given, must equal D (`PLAN_DATE_OUT_OF_ORDER`);
//! - the same link twice is `PLAN_DUPLICATE_LINE`; a `whole` share next to another
//!   successor of the same predecessor, a bad type or name is `PLAN_INVALID`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use entity::unit_period;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::error::PlanError;
use super::plan::{PlanLine, Share};
use crate::domain::UnitKind;
use crate::service::Result;

/// A plan checked against the database.
#[derive(Debug)]
pub struct Resolved {
    /// The effective day D.
    pub day: NaiveDate,
    /// The plan's links.
    pub lines: Vec<PlanLine>,
    /// Each predecessor code's period in force on D-1.
    pub preds: BTreeMap<String, unit_period::Model>,
    /// Each successor code's period from D (`id` 0: to be created).
    pub succs: BTreeMap<String, unit_period::Model>,
}

impl Resolved {
    /// The successors the operation creates.
    pub fn created(&self) -> impl Iterator<Item = &unit_period::Model> {
        self.succs.values().filter(|p| p.id == 0)
    }
}

/// Every stored period of the plan's codes, by code.
async fn periods(
    db: &impl ConnectionTrait,
    lines: &[PlanLine],
) -> Result<BTreeMap<String, Vec<unit_period::Model>>> {
    let codes: BTreeSet<&String> = lines
        .iter()
        .flat_map(|l| l.from.iter().chain(l.to.iter()))
        .collect();
    let codes: Vec<&String> = codes.into_iter().collect();
    let mut out: BTreeMap<String, Vec<unit_period::Model>> = BTreeMap::new();
    for chunk in codes.chunks(500) {
        let rows = unit_period::Entity::find()
            .filter(unit_period::Column::Code.is_in(chunk.iter().map(|c| c.as_str())))
            .all(db)
            .await?;
        for r in rows {
            out.entry(r.code.clone()).or_default().push(r);
        }
    }
    Ok(out)
}

/// Checks `lines` for the effective day `day`. `Ok(Err(..))` is a refused plan.
pub async fn check(
    db: &impl ConnectionTrait,
    lines: Vec<PlanLine>,
    day: NaiveDate,
) -> Result<std::result::Result<Resolved, Vec<PlanError>>> {
    let stored = periods(db, &lines).await?;
    let mut errors = Vec::new();
    let Some(eve) = day.pred_opt() else {
        errors.push(PlanError::date(1, format!("no day before {day}")));
        return Ok(Err(errors));
    };
    let mut seen = BTreeMap::new();
    let mut targets: BTreeMap<&str, BTreeSet<Option<&str>>> = BTreeMap::new();
    let mut preds = BTreeMap::new();
    for l in &lines {
        if let Some(e) = l.effective.filter(|e| *e != day) {
            errors.push(PlanError::date(
                l.line,
                format!("effective_date {e} is not {day}"),
            ));
        }
        let key = (l.from.clone(), l.from_district.clone(), l.to.clone());
        if let Some(first) = seen.insert(key, l.line) {
            errors.push(PlanError::duplicate(
                l.line,
                format!("the same link as line {first}"),
            ));
        }
        let Some(from) = &l.from else { continue };
        targets.entry(from).or_default().insert(l.to.as_deref());
        match predecessor(stored.get(from), from, eve) {
            Ok(p) => {
                preds.insert(from.clone(), p.clone());
            }
            Err(message) if message.1 => errors.push(PlanError::date(l.line, message.0)),
            Err(message) => errors.push(PlanError::unknown(l.line, message.0)),
        }
    }
    for l in &lines {
        let Some(from) = &l.from else { continue };
        if l.share == Share::Whole && targets.get(from.as_str()).is_some_and(|t| t.len() > 1) {
            errors.push(PlanError::invalid(
                l.line,
                format!(
                    "{from} goes whole to {} but also elsewhere: use part",
                    show(&l.to)
                ),
            ));
        }
    }
    let mut succs = BTreeMap::new();
    let mut by_successor: BTreeMap<&str, Vec<&PlanLine>> = BTreeMap::new();
    for l in &lines {
        if let Some(to) = &l.to {
            by_successor.entry(to).or_default().push(l);
        }
    }
    for (to, group) in by_successor {
        match successor(to, &group, stored.get(to), &preds, day) {
            Ok(p) => {
                succs.insert(to.to_owned(), p);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Ok(Err(errors));
    }
    Ok(Ok(Resolved {
        day,
        lines,
        preds,
        succs,
    }))
}

fn show(code: &Option<String>) -> String {
    code.clone()
        .unwrap_or_else(|| "an unknown successor".into())
}

/// The period of `code` in force on `eve`, or why not (message, whether it is a date).
fn predecessor<'a>(
    periods: Option<&'a Vec<unit_period::Model>>,
    code: &str,
    eve: NaiveDate,
) -> std::result::Result<&'a unit_period::Model, (String, bool)> {
    let all = periods.map(Vec::as_slice).unwrap_or_default();
    let in_force = all
        .iter()
        .find(|p| p.valid_from <= eve && p.valid_to.is_none_or(|t| t >= eve));
    match in_force {
        Some(p) if p.valid_to.is_some_and(|t| t > eve) => Err((
            format!(
                "{code} ({}) is in force until {}, past {eve}, the day before the change",
                p.name,
                p.valid_to.map(|t| t.to_string()).unwrap_or_default()
            ),
            true,
        )),
        Some(p) => Ok(p),
        None => match all
            .iter()
            .filter(|p| p.valid_from > eve)
            .map(|p| p.valid_from)
            .min()
        {
            Some(start) => Err((
                format!(
                    "{code} begins on {start}, not before the change: the change must come after it"
                ),
                true,
            )),
            None => Err((format!("no unit {code} is in force on {eve}"), false)),
        },
    }
}

/// The successor period of `to` (stored from `day`, or to create from the plan).
fn successor(
    to: &str,
    group: &[&PlanLine],
    stored: Option<&Vec<unit_period::Model>>,
    preds: &BTreeMap<String, unit_period::Model>,
    day: NaiveDate,
) -> std::result::Result<unit_period::Model, PlanError> {
    let line = group.first().map_or(1, |l| l.line);
    let all = stored.map(Vec::as_slice).unwrap_or_default();
    if let Some(p) = all.iter().find(|p| p.valid_from == day) {
        return Ok(p.clone());
    }
    for p in all {
        let ends_before =
            preds.get(to).is_some_and(|q| q.id == p.id) || p.valid_to.is_some_and(|t| t < day);
        if p.valid_from > day || !ends_before {
            return Err(PlanError::date(
                line,
                format!(
                    "{to} cannot start on {day}: its period from {} ({}) is in force then",
                    p.valid_from, p.name
                ),
            ));
        }
    }
    let named = group.iter().find(|l| l.to_name.is_some());
    let from_codes: BTreeSet<Option<&str>> = group.iter().map(|l| l.from.as_deref()).collect();
    let inherit = (from_codes.len() == 1 && from_codes.contains(&Some(to)))
        .then(|| preds.get(to))
        .flatten();
    let first_pred = group
        .iter()
        .find_map(|l| l.from.as_ref().and_then(|f| preds.get(f)));
    let (name, kind_label) = match (named, inherit) {
        (Some(l), _) => (l.to_name.clone().unwrap_or_default(), l.to_kind.clone()),
        (None, Some(p)) => (p.name.clone(), Some(p.kind.clone())),
        (None, None) => {
            return Err(PlanError::unknown(
                line,
                format!(
                    "successor {to} has no period from {day} and the plan gives no name and type for it"
                ),
            ));
        }
    };
    if name.chars().count() > 200
        || name
            .chars()
            .any(|c| c.is_control() || crate::text::is_invisible(c))
    {
        return Err(PlanError::invalid(
            line,
            format!("successor {to}: name is not plain text"),
        ));
    }
    let kind = kind_label
        .as_deref()
        .and_then(|k| UnitKind::from_vi(&k.to_lowercase()).or_else(|| UnitKind::from_code(k)))
        .or_else(|| UnitKind::from_name(&name))
        .ok_or_else(|| {
            PlanError::invalid(
                line,
                format!(
                    "successor {to}: type `{}` is not xã, phường, thị trấn or đặc khu",
                    kind_label.unwrap_or_default()
                ),
            )
        })?;
    let province = group
        .iter()
        .find_map(|l| l.to_province.clone())
        .or_else(|| inherit.or(first_pred).map(|p| p.province_code.clone()))
        .ok_or_else(|| PlanError::invalid(line, format!("successor {to}: no province given")))?;
    let districts: BTreeSet<Option<(String, String)>> = group
        .iter()
        .filter_map(|l| l.from.as_ref().and_then(|f| preds.get(f)))
        .map(|p| p.district_code.clone().zip(p.district_name.clone()))
        .collect();
    let district = match districts.len() {
        1 => districts.into_iter().next().flatten(),
        _ => None,
    };
    Ok(unit_period::Model {
        id: 0,
        code: to.to_owned(),
        valid_from: day,
        valid_to: None,
        name_en: kind.english_name(&name),
        search_name: crate::text::fold(&name),
        name,
        kind: kind.code().to_owned(),
        district_code: district.as_ref().map(|d| d.0.clone()),
        district_name: district.map(|d| d.1),
        province_code: province,
    })
}
