//! The building plan of the 96 units, drawn once (a fixed seed) in the stage since July
//! 2025 of the seed flow: a unit is covered when one of its headquarters is a new-model
//! building in use; the units not covered on 1 Jul 2025 get theirs in use, enough of
//! them in the second half of 2025 (more toward its end) to cover `COVERED_BY_2025` per
//! cent of the 96 by the target day of 31 Dec 2025, the others during 2026. A pending
//! building at the unit's code goes ahead (the dates it lacked are filled); a unit
//! without one gets a new building; the premises it used close that day.

use std::collections::HashMap;

use chrono::{NaiveDate, TimeDelta};
use entity::headquarters;
use rand::Rng;
use rand::seq::SliceRandom;

use super::EDITION_2025_07;
use super::emit::Update;
use super::kon_tum::address_row;
use super::monthly::World;
use crate::domain::HqModel;
use crate::seed::dates::{Window, const_date};

/// The share of the 96 units (per cent) covered by 31 Dec 2025.
pub(crate) const COVERED_BY_2025: usize = 90;
/// The province's target day for every unit to have a new headquarters.
const TARGET: NaiveDate = const_date(2025, 12, 31);
/// When the buildings of 2025 and of the rest come into use.
const IN_USE_2025: Window = Window::new(const_date(2025, 8, 1), TARGET);
const IN_USE_2026: Window = Window::new(const_date(2026, 1, 10), const_date(2026, 9, 30));

/// Whether a row is a new-model building in use on `day`.
fn new_in_use(h: &headquarters::Model, day: NaiveDate) -> bool {
    h.model == HqModel::New.code()
        && h.in_use_on.is_some_and(|d| d <= day)
        && h.closed_on.is_none_or(|c| day < c)
}

/// Drafts the plan of every unit not covered on 1 Jul 2025.
pub(super) fn plan(w: &mut World, rows: &[headquarters::Model]) {
    let mut rng = w.province.rng("buildings from 2025-07");
    let mut at: HashMap<&str, Vec<&headquarters::Model>> = HashMap::new();
    for h in rows {
        at.entry(h.unit_code.as_str()).or_default().push(h);
    }
    let mut open: Vec<usize> = (0..w.units.len())
        .filter(|&i| {
            let rows = at.get(w.units[i].code.as_str());
            !rows.is_some_and(|r| r.iter().any(|h| new_in_use(h, EDITION_2025_07)))
        })
        .collect();
    let covered = w.units.len() - open.len();
    let goal = (w.units.len() * COVERED_BY_2025).div_ceil(100);
    let in_2025 = goal.saturating_sub(covered).min(open.len());
    open.shuffle(&mut rng);
    for (k, i) in open.into_iter().enumerate() {
        let day = if k < in_2025 {
            IN_USE_2025.ramp(&mut rng)
        } else {
            IN_USE_2026.pick(&mut rng)
        };
        let code = w.units[i].code.clone();
        let rows = at.get(code.as_str()).cloned().unwrap_or_default();
        complete(&mut rng, w, i, &rows, day);
    }
}

/// The unit's building in use on `day`, and its premises closed.
fn complete(
    rng: &mut impl Rng,
    w: &mut World,
    unit: usize,
    rows: &[&headquarters::Model],
    day: NaiveDate,
) {
    let since = Window::new(EDITION_2025_07, day);
    let approved = since.clamp(day - TimeDelta::days(rng.random_range(120..=240)));
    let started = since.clamp(day - TimeDelta::days(rng.random_range(45..=110)));
    let pending = rows
        .iter()
        .filter(|h| {
            h.model == HqModel::New.code() && h.in_use_on.is_none() && h.closed_on.is_none()
        })
        .max_by_key(|h| {
            (
                h.construction_started_on.is_some(),
                h.approved_on.is_some(),
                std::cmp::Reverse(h.id),
            )
        });
    match pending {
        Some(h) => w.drafts.updates.push(Update::Building {
            id: h.id,
            approved_on: h.approved_on.is_none().then_some(approved),
            construction_started_on: h
                .construction_started_on
                .is_none()
                .then_some(started.max(h.approved_on.unwrap_or(approved))),
            in_use_on: day,
        }),
        None => {
            let u = &w.units[unit];
            let address = format!("{}, {}", u.name, w.province.name);
            let mut new = address_row(rng, 0, &u.code, &address, HqModel::New);
            new.approved_on = Some(approved);
            new.construction_started_on = Some(started.max(approved));
            new.target_date = Some(TARGET);
            new.in_use_on = Some(day);
            w.drafts.premises.push(new);
        }
    }
    let mut closed_any = false;
    for h in rows.iter().filter(|h| {
        h.model != HqModel::New.code()
            && h.closed_on.is_none()
            && h.in_use_on.is_some_and(|d| d <= day)
    }) {
        w.drafts
            .updates
            .push(Update::PremisesClosed { id: h.id, on: day });
        closed_any = true;
    }
    if !closed_any {
        // No premises on record (a unit new in 2025): temporary ones until the building.
        let u = &w.units[unit];
        let address = format!("{}, {}", u.name, w.province.name);
        let mut temporary = address_row(rng, 0, &u.code, &address, HqModel::Temporary);
        temporary.in_use_on = Some(EDITION_2025_07);
        temporary.closed_on = Some(day);
        w.drafts.premises.push(temporary);
    }
}
