//! Headquarters of one province's units, in the generator of the seed flow: an exact,
//! scaled number of units (favouring the mountains, least the wards) with a new-model
//! building in use; every other unit with its current premises and a new building
//! planned, approved or under construction.

use chrono::{NaiveDate, TimeDelta};
use entity::headquarters;
use rand::Rng;
use rand::seq::SliceRandom;

use super::batch::{Gen, Slot, next};
use super::dates::{Window, const_date, shift};
use super::profile::{ARTICLE_HQ_IN_USE, Profile};
use super::quota::{largest_remainder, pick_weighted, scale, weighted_sample};
use crate::domain::{HqModel, UnitKind};

/// Target dates of the buildings not yet in use: the 2024-2025 goal.
const TARGETS: Window = Window::new(const_date(2024, 7, 1), const_date(2025, 12, 31));
/// Approvals of the buildings not yet in use.
const APPROVALS: Window = Window::new(const_date(2023, 1, 1), const_date(2024, 10, 31));
/// Since when an old building of the unit's own has been used.
const OLD_BUILDINGS: Window = Window::new(const_date(2003, 1, 1), const_date(2018, 12, 31));
/// Since when temporary or shared premises have been used (regular police arriving).
const MAKESHIFT: Window = Window::new(const_date(2018, 7, 1), const_date(2020, 1, 31));
/// Premises in use before a new building.
const CURRENT_MODELS: [(HqModel, u32); 3] = [
    (HqModel::Temporary, 3),
    (HqModel::Shared, 4),
    (HqModel::Legacy, 3),
];
/// Shares of the units without a new building: under construction, approved, planned.
const PENDING_MIX: [u64; 3] = [40, 35, 25];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    InUse,
    UnderConstruction,
    Approved,
    Planned,
}

/// Adds the headquarters rows of every unit.
pub(crate) fn generate(g: &mut Gen<'_>) {
    for (slot, plan) in plans(g).into_iter().enumerate() {
        match plan {
            Plan::InUse => built(g, slot),
            pending => unbuilt(g, slot, pending),
        }
    }
}

/// Exactly the scaled quota in use, the others split by `PENDING_MIX`.
fn plans(g: &mut Gen<'_>) -> Vec<Plan> {
    let n = g.slots.len();
    let weights: Vec<f64> = g.slots.iter().map(|s| weight(g.profile, s)).collect();
    let mut plans = vec![Plan::Planned; n];
    for i in weighted_sample(&mut g.rng, &weights, scale(ARTICLE_HQ_IN_USE, n)) {
        plans[i] = Plan::InUse;
    }
    let mut rest: Vec<usize> = (0..n).filter(|&i| plans[i] != Plan::InUse).collect();
    rest.shuffle(&mut g.rng);
    let counts = largest_remainder(rest.len(), &PENDING_MIX);
    let mut rest = rest.into_iter();
    for (plan, count) in [Plan::UnderConstruction, Plan::Approved, Plan::Planned]
        .into_iter()
        .zip(counts)
    {
        for i in rest.by_ref().take(count) {
            plans[i] = plan;
        }
    }
    plans
}

/// Mountain districts first, wards last.
fn weight(profile: &Profile, slot: &Slot<'_>) -> f64 {
    if profile.is_mountain(&slot.district.code) {
        3.0
    } else if slot.unit.kind == UnitKind::Phuong {
        1.0
    } else {
        2.0
    }
}

/// A new building in use, and the premises it replaced (closed that day).
fn built(g: &mut Gen<'_>, slot: usize) {
    let in_use = g.profile.history.part(0.05, 1.0).ramp(&mut g.rng);
    let replaced = previous_premises(g, slot, in_use);
    g.batch.headquarters.push(headquarters::Model {
        closed_on: Some(in_use),
        held_from: None,
        held_to: None,
        ..replaced
    });
    let new = headquarters::Model {
        approved_on: Some(shift(&mut g.rng, in_use, -600..=-330)),
        construction_started_on: Some(shift(&mut g.rng, in_use, -300..=-150)),
        target_date: Some(shift(&mut g.rng, in_use, -60..=30)),
        in_use_on: Some(in_use),
        ..row(g, slot, HqModel::New)
    };
    g.batch.headquarters.push(new);
}

/// The current premises, and a new building not in use yet.
fn unbuilt(g: &mut Gen<'_>, slot: usize, plan: Plan) {
    let current = previous_premises(g, slot, g.profile.history.to);
    g.batch.headquarters.push(current);
    let approvals = Window::new(APPROVALS.from, APPROVALS.to.min(g.profile.history.to));
    let approved = (plan != Plan::Planned).then(|| approvals.pick(&mut g.rng));
    let started = match (plan, approved) {
        (Plan::UnderConstruction, Some(day)) => {
            Some(g.profile.history.clamp(shift(&mut g.rng, day, 30..=240)))
        }
        _ => None,
    };
    let latest = started.or(approved).map(|d| d + TimeDelta::days(120));
    let target = latest
        .map_or(TARGETS, |d| TARGETS.after(d))
        .pick(&mut g.rng);
    let new = headquarters::Model {
        approved_on: approved,
        construction_started_on: started,
        target_date: Some(target),
        ..row(g, slot, HqModel::New)
    };
    g.batch.headquarters.push(new);
}

/// Temporary, shared or old premises, in use since a date fitting their kind (and at
/// least a month before `until`).
fn previous_premises(g: &mut Gen<'_>, slot: usize, until: NaiveDate) -> headquarters::Model {
    let model = pick_weighted(&mut g.rng, &CURRENT_MODELS);
    let window = if model == HqModel::Legacy {
        OLD_BUILDINGS
    } else {
        MAKESHIFT
    };
    let since = window.pick(&mut g.rng).min(until - TimeDelta::days(30));
    headquarters::Model {
        in_use_on: Some(since),
        ..row(g, slot, model)
    }
}

/// A row with no dates; a new building gets a budget (2.5-5.5 billion VND) and a
/// larger floor area.
fn row(g: &mut Gen<'_>, slot: usize, model: HqModel) -> headquarters::Model {
    let s = g.slots[slot];
    let new = model == HqModel::New;
    let area = if new {
        g.rng.random_range(36..=84)
    } else {
        g.rng.random_range(8..=32)
    };
    headquarters::Model {
        id: next(&mut g.ids.headquarters),
        unit_code: s.unit.code.clone(),
        model: model.code().to_owned(),
        address: Some(format!(
            "{}, {}, {}",
            s.unit.name, s.district.name, g.province.name
        )),
        budget_million_vnd: new.then(|| g.rng.random_range(50..=110_i64) * 50),
        floor_area_m2: Some(f64::from(area) * 5.0),
        target_date: None,
        approved_on: None,
        construction_started_on: None,
        in_use_on: None,
        closed_on: None,
        held_from: None,
        held_to: None,
    }
}
