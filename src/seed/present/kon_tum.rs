//! Kon Tum's own history, the first stage after the 2024 demo in the seed flow: the 102
//! units of province 62 (unit periods from 1 May 2024 to 30 Jun 2025) get synthetic
//! officers (5-8 a unit, one chief), the chiefs' Party seats, headquarters (about a third
//! with a new-model building in use), volunteer activities and awards. Every fact is
//! dated from 1 May 2024, the first day of those periods (what was in post or in use
//! before is given that day), to 31 Dec 2024; only target dates of buildings reach 2025.

use chrono::{Datelike, NaiveDate, TimeDelta};
use entity::{award, headquarters, party_membership, union_activity, unit_period};
use rand::Rng;
use rand::seq::SliceRandom;
use sea_orm::DatabaseTransaction;

use super::people::{Origin, officer};
use super::{KON_TUM, KON_TUM_FROM, rng, world, write};
use crate::domain::{
    ActivityKind, AwardForm, AwardIssuer, HqModel, PartyBody, Position, RecipientKind, UnitKind,
};
use crate::seed::SeedReport;
use crate::seed::batch::{Batch, Ids, next};
use crate::seed::catalogue::{COLLECTIVE_REASONS, INDIVIDUAL_REASONS, VOLUNTEER};
use crate::seed::dates::{Window, const_date};
use crate::seed::error::SeedError;
use crate::seed::insert;
use crate::seed::names::police_of;
use crate::seed::quota::{pick, sample, weighted_sample};
use crate::text::fold;

/// The window of Kon Tum's generated events.
const EVENTS: Window = Window::new(KON_TUM_FROM, const_date(2024, 12, 31));
/// Target dates of Kon Tum's buildings not in use by the end of 2024.
const TARGETS: Window = Window::new(const_date(2025, 3, 31), const_date(2025, 12, 31));
/// Units with a new-model building in use on 1 May 2024, and completed in 2024 after it.
const IN_USE_AT_START: usize = 24;
const COMPLETED_2024: usize = 11;
/// Chiefs on the standing committee (a third, as in Quảng Ngãi).
const STANDING: usize = 34;
const VOLUNTEER_ACTIVITIES: usize = 36;
const AWARDS: usize = 12;
const TERM: &str = "2020-2025";

/// A unit being generated: its period and its officers' ids (chief first).
struct Unit {
    period: unit_period::Model,
    officers: Vec<i32>,
}

/// Writes Kon Tum's synthetic facts of 2024.
pub(crate) async fn kon_tum(txn: &DatabaseTransaction) -> Result<SeedReport, SeedError> {
    let periods = world::periods(txn, KON_TUM, KON_TUM_FROM).await?;
    let mut ids = insert::current_ids(txn).await?;
    let mut rng = rng("kon tum 2024");
    let mut batch = Batch::default();
    let mut units: Vec<Unit> = periods
        .into_iter()
        .map(|period| Unit {
            period,
            officers: Vec::new(),
        })
        .collect();
    for unit in &mut units {
        staff(&mut rng, unit, &mut ids, &mut batch);
    }
    seats(&mut rng, &units, &mut ids, &mut batch);
    buildings(&mut rng, &units, &mut ids, &mut batch);
    activities(&mut rng, &units, &mut ids, &mut batch);
    awards(&mut rng, &units, &mut ids, &mut batch);
    write(txn, batch).await
}

fn kind(unit: &Unit) -> UnitKind {
    UnitKind::from_code(&unit.period.kind).unwrap_or(UnitKind::Xa)
}

/// 5-7 officers a xã, 6-8 a thị trấn, 7-8 a phường; most in post when the period
/// begins, the others arriving during 2024.
fn staff(rng: &mut impl Rng, unit: &mut Unit, ids: &mut Ids, batch: &mut Batch) {
    let size = match kind(unit) {
        UnitKind::Xa | UnitKind::DacKhu => rng.random_range(5..=7),
        UnitKind::ThiTran => rng.random_range(6..=8),
        UnitKind::Phuong => rng.random_range(7..=8),
    };
    let deputies = rng.random_range(1..=2);
    for k in 0..size {
        let position = match k {
            0 => Position::Chief,
            k if k <= deputies => Position::Deputy,
            _ => Position::Officer,
        };
        let from = if position == Position::Officer && rng.random_bool(0.15) {
            Window::new(const_date(2024, 6, 1), EVENTS.to).pick(rng)
        } else {
            KON_TUM_FROM
        };
        let row = officer(
            rng,
            next(&mut ids.officer),
            &unit.period.code,
            position,
            Origin::Serving,
            from,
        );
        unit.officers.push(row.id);
        batch.officers.push(row);
    }
}

/// Every chief on the executive committee, a third also on the standing committee.
fn seats(rng: &mut impl Rng, units: &[Unit], ids: &mut Ids, batch: &mut Batch) {
    let standing = sample(rng, units.len(), STANDING);
    for (i, unit) in units.iter().enumerate() {
        let Some(&chief) = unit.officers.first() else {
            continue;
        };
        let mut bodies = vec![PartyBody::ExecutiveCommittee];
        if standing.binary_search(&i).is_ok() {
            bodies.push(PartyBody::StandingCommittee);
        }
        for body in bodies {
            batch.memberships.push(party_membership::Model {
                id: next(&mut ids.membership),
                officer_id: chief,
                unit_code: unit.period.code.clone(),
                body: body.code().to_owned(),
                term: TERM.to_owned(),
                started_on: KON_TUM_FROM,
                ended_on: None,
            });
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Plan {
    InUseAtStart,
    Completed,
    UnderConstruction,
    Approved,
    Planned,
}

/// New-model buildings favouring communes over wards; the others with their current
/// premises and a building under construction, approved or planned.
fn buildings(rng: &mut impl Rng, units: &[Unit], ids: &mut Ids, batch: &mut Batch) {
    let weights: Vec<f64> = units
        .iter()
        .map(|u| match kind(u) {
            UnitKind::Phuong => 1.0,
            _ => 2.0,
        })
        .collect();
    let mut plans = vec![Plan::Planned; units.len()];
    let mut built = weighted_sample(rng, &weights, IN_USE_AT_START + COMPLETED_2024);
    built.shuffle(rng);
    for (k, i) in built.into_iter().enumerate() {
        plans[i] = if k < IN_USE_AT_START {
            Plan::InUseAtStart
        } else {
            Plan::Completed
        };
    }
    let mut rest: Vec<usize> = (0..units.len())
        .filter(|&i| plans[i] == Plan::Planned)
        .collect();
    rest.shuffle(rng);
    let n = rest.len();
    for (k, i) in rest.into_iter().enumerate() {
        plans[i] = match k * 100 / n.max(1) {
            0..45 => Plan::UnderConstruction,
            45..80 => Plan::Approved,
            _ => Plan::Planned,
        };
    }
    for (unit, plan) in units.iter().zip(plans) {
        building(rng, unit, plan, ids, batch);
    }
}

fn building(rng: &mut impl Rng, unit: &Unit, plan: Plan, ids: &mut Ids, batch: &mut Batch) {
    let mut new = premises_row(rng, unit, HqModel::New, next(&mut ids.headquarters));
    match plan {
        Plan::InUseAtStart => {
            new.in_use_on = Some(KON_TUM_FROM);
            batch.headquarters.push(new);
            return;
        }
        Plan::Completed => {
            let in_use = Window::new(const_date(2024, 8, 1), EVENTS.to).pick(rng);
            new.approved_on = Some(KON_TUM_FROM);
            new.construction_started_on =
                Some(EVENTS.clamp(in_use - TimeDelta::days(rng.random_range(60..=150))));
            new.target_date = Some(in_use + TimeDelta::days(rng.random_range(-30..=30)));
            new.in_use_on = Some(in_use);
        }
        Plan::UnderConstruction => {
            let approved = Window::new(KON_TUM_FROM, const_date(2024, 9, 30)).pick(rng);
            new.approved_on = Some(approved);
            new.construction_started_on =
                Some(EVENTS.clamp(approved + TimeDelta::days(rng.random_range(30..=90))));
            new.target_date = Some(TARGETS.pick(rng));
        }
        Plan::Approved => {
            new.approved_on = Some(EVENTS.pick(rng));
            new.target_date = Some(TARGETS.pick(rng));
        }
        Plan::Planned => new.target_date = Some(TARGETS.pick(rng)),
    }
    let model = pick(rng, &[HqModel::Temporary, HqModel::Shared, HqModel::Legacy]);
    let mut current = premises_row(rng, unit, model, next(&mut ids.headquarters));
    current.in_use_on = Some(KON_TUM_FROM);
    current.closed_on = new.in_use_on;
    batch.headquarters.push(current);
    batch.headquarters.push(new);
}

/// A headquarters row without dates.
fn premises_row(rng: &mut impl Rng, unit: &Unit, model: HqModel, id: i32) -> headquarters::Model {
    let p = &unit.period;
    let district = p.district_name.as_deref().unwrap_or_default();
    address_row(
        rng,
        id,
        &p.code,
        &format!("{}, {district}, Tỉnh Kon Tum", p.name),
        model,
    )
}

/// A headquarters row without dates, at `code` and `address`: a new building gets a
/// budget (2.5-5.5 billion VND) and a larger floor area.
pub(super) fn address_row(
    rng: &mut impl Rng,
    id: i32,
    code: &str,
    address: &str,
    model: HqModel,
) -> headquarters::Model {
    let new = model == HqModel::New;
    let area = if new {
        rng.random_range(36..=84)
    } else {
        rng.random_range(8..=32)
    };
    headquarters::Model {
        id,
        unit_code: code.to_owned(),
        model: model.code().to_owned(),
        address: Some(address.to_owned()),
        budget_million_vnd: new.then(|| rng.random_range(50..=110_i64) * 50),
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

/// Volunteer activities of the units' youth and women, each tied to a unit.
fn activities(rng: &mut impl Rng, units: &[Unit], ids: &mut Ids, batch: &mut Batch) {
    for _ in 0..VOLUNTEER_ACTIVITIES {
        let unit = &units[rng.random_range(0..units.len())];
        let (organisation, what) = pick(rng, &VOLUNTEER);
        let started_on = EVENTS.pick(rng);
        let ended_on = EVENTS.clamp(started_on + TimeDelta::days(rng.random_range(0..=10)));
        let name = format!("{what} năm 2024 - {}", police_of(&unit.period.name));
        batch.activities.push(union_activity::Model {
            id: next(&mut ids.activity),
            organisation: organisation.code().to_owned(),
            kind: ActivityKind::VolunteerActivity.code().to_owned(),
            search_name: fold(&name),
            name,
            programme: None,
            unit_code: Some(unit.period.code.clone()),
            started_on,
            ended_on: Some(ended_on),
            maintained: false,
        });
    }
}

/// The year-end awards of Kon Tum's Chairman and police Director, to distinct units.
fn awards(rng: &mut impl Rng, units: &[Unit], ids: &mut Ids, batch: &mut Batch) {
    let window = Window::new(const_date(2024, 11, 15), EVENTS.to);
    for (k, i) in sample(rng, units.len(), AWARDS).into_iter().enumerate() {
        let unit = &units[i];
        let (issuer, form) = if k % 3 == 0 {
            (
                AwardIssuer::ProvincialChairman,
                AwardForm::CertificateOfMerit,
            )
        } else {
            (AwardIssuer::Director, AwardForm::CertificateOfCommendation)
        };
        let individual = k % 2 == 1;
        // The chief or the first deputy: both in post since the period began.
        let officer_id =
            individual.then(|| unit.officers[rng.random_range(0..unit.officers.len().min(2))]);
        let reason = if individual {
            pick(rng, &INDIVIDUAL_REASONS)
        } else {
            pick(rng, &COLLECTIVE_REASONS)
        };
        let awarded_on: NaiveDate = window.pick(rng);
        batch.awards.push(award::Model {
            id: next(&mut ids.award),
            form: form.code().to_owned(),
            issuer: issuer.code().to_owned(),
            recipient_kind: if individual {
                RecipientKind::Individual
            } else {
                RecipientKind::Collective
            }
            .code()
            .to_owned(),
            unit_code: unit.period.code.clone(),
            officer_id,
            awarded_on,
            reason: format!("{reason} năm {}", awarded_on.year()),
        });
    }
}
