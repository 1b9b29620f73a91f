//! Officers of one province and their Party committee seats: the first facts the
//! generator of the seed flow adds after the units, since seats and awards point at them.

use std::ops::RangeInclusive;

use chrono::NaiveDate;
use entity::{officer, party_membership};
use rand::Rng;

use super::batch::{Gen, next};
use super::dates::{Window, const_date, shift};
use super::error::SeedError;
use super::names::person;
use super::profile::{ARTICLE_OFFICERS, ARTICLE_STANDING, Staffing};
use super::quota::{largest_remainder, pick_weighted, sample, scale, spread_with_caps};
use crate::domain::{PartyBody, Position, Rank, UnitKind};
use crate::text::fold;

/// The Party term every seat belongs to.
const TERM: &str = "2020-2025";
/// When the commune Party congresses of the 2020-2025 term were held.
const CONGRESS: Window = Window::new(const_date(2020, 4, 1), const_date(2020, 7, 31));

const CHIEF_RANKS: [(Rank, u32); 2] = [(Rank::ThieuTa, 3), (Rank::TrungTa, 2)];
const DEPUTY_RANKS: [(Rank, u32); 3] = [(Rank::ThuongUy, 2), (Rank::DaiUy, 4), (Rank::ThieuTa, 2)];
const OFFICER_RANKS: [(Rank, u32); 6] = [
    (Rank::TrungSi, 1),
    (Rank::ThuongSi, 2),
    (Rank::ThieuUy, 4),
    (Rank::TrungUy, 4),
    (Rank::ThuongUy, 3),
    (Rank::DaiUy, 2),
];

/// Staffing of one kind of unit.
struct KindRule {
    /// Minimum under `Staffing::ArticleTotal`.
    floor: u32,
    /// Maximum under `Staffing::ArticleTotal`.
    cap: u32,
    /// Relative share of the officers above the floors.
    weight: u32,
    /// Draw under `Staffing::PerKindRanges`.
    range: RangeInclusive<u32>,
    deputies: RangeInclusive<u32>,
}

fn rule(kind: UnitKind) -> KindRule {
    match kind {
        UnitKind::Xa | UnitKind::DacKhu => KindRule {
            floor: 5,
            cap: 8,
            weight: 1,
            range: 5..=7,
            deputies: 1..=2,
        },
        UnitKind::ThiTran => KindRule {
            floor: 6,
            cap: 10,
            weight: 2,
            range: 5..=7,
            deputies: 1..=2,
        },
        UnitKind::Phuong => KindRule {
            floor: 8,
            cap: 12,
            weight: 3,
            range: 8..=20,
            deputies: 2..=3,
        },
    }
}

/// Adds every unit's officers (chief first), then the chiefs' Party seats.
pub(crate) fn generate(g: &mut Gen<'_>) -> Result<(), SeedError> {
    for (slot, size) in sizes(g)?.into_iter().enumerate() {
        unit_staff(g, slot, size);
    }
    seats(g);
    Ok(())
}

/// The number of officers of each slot.
fn sizes(g: &mut Gen<'_>) -> Result<Vec<u32>, SeedError> {
    let rules: Vec<KindRule> = g.slots.iter().map(|s| rule(s.unit.kind)).collect();
    if g.profile.staffing == Staffing::PerKindRanges {
        return Ok(rules
            .iter()
            .map(|r| g.rng.random_range(r.range.clone()))
            .collect());
    }
    let mut sizes: Vec<u32> = rules.iter().map(|r| r.floor).collect();
    let floors: usize = sizes.iter().map(|&s| s as usize).sum();
    let extra = scale(ARTICLE_OFFICERS, sizes.len())
        .checked_sub(floors)
        .ok_or_else(|| SeedError::InvalidPlan("staffing floors exceed the total".into()))?;
    let caps: Vec<u32> = rules.iter().map(|r| r.cap).collect();
    let weights: Vec<u32> = rules.iter().map(|r| r.weight).collect();
    spread_with_caps(&mut g.rng, &mut sizes, &caps, &weights, extra)?;
    Ok(sizes)
}

/// One chief, one to three deputies (at least one plain officer is left), the rest officers.
fn unit_staff(g: &mut Gen<'_>, slot: usize, size: u32) {
    let wanted = g.rng.random_range(rule(g.slots[slot].unit.kind).deputies);
    let deputies = wanted.min(size.saturating_sub(2)).max(1);
    let start = g.batch.officers.len();
    for k in 0..size {
        let position = match k {
            0 => Position::Chief,
            k if k <= deputies => Position::Deputy,
            _ => Position::Officer,
        };
        let row = officer_row(g, slot, position);
        g.batch.officers.push(row);
    }
    g.staff.push(start..g.batch.officers.len());
}

fn officer_row(g: &mut Gen<'_>, slot: usize, position: Position) -> officer::Model {
    let (male_share, years) = match position {
        Position::Chief => (0.97, 1968..=1985),
        Position::Deputy => (0.92, 1970..=1990),
        Position::Officer => (0.82, 1978..=2000),
    };
    let person = person(&mut g.rng, male_share, years);
    officer::Model {
        id: next(&mut g.ids.officer),
        unit_code: g.slots[slot].unit.code.clone(),
        search_name: fold(&person.full_name),
        full_name: person.full_name,
        gender: person.gender.code().to_owned(),
        birth_year: person.birth_year,
        rank: rank(&mut g.rng, position).ordinal(),
        position: position.code().to_owned(),
        posted_from: posted_from(&mut g.rng, g.profile.history, position),
        posted_to: None,
    }
}

pub(crate) fn rank(rng: &mut impl Rng, position: Position) -> Rank {
    match position {
        Position::Chief => pick_weighted(rng, &CHIEF_RANKS),
        Position::Deputy => pick_weighted(rng, &DEPUTY_RANKS),
        Position::Officer => pick_weighted(rng, &OFFICER_RANKS),
    }
}

/// Chiefs arrive in the first months, deputies in the first 40% of the history,
/// officers partly in a first wave and then steadily: the monthly series has a shape.
fn posted_from(rng: &mut impl Rng, history: Window, position: Position) -> NaiveDate {
    match position {
        Position::Chief => history.head(150).pick(rng),
        Position::Deputy => history.part(0.0, 0.4).pick(rng),
        Position::Officer if rng.random_bool(0.4) => history.part(0.0, 0.15).pick(rng),
        Position::Officer => history.pick(rng),
    }
}

/// Every chief on the executive committee; the scaled standing quota split over the
/// districts by unit count (largest remainder), then drawn within each district.
fn seats(g: &mut Gen<'_>) {
    let mut executive = Vec::with_capacity(g.slots.len());
    for slot in 0..g.slots.len() {
        let posted = g
            .chief(slot)
            .map_or(g.profile.history.from, |c| c.posted_from);
        let start = CONGRESS.pick(&mut g.rng).max(posted);
        seat(g, slot, PartyBody::ExecutiveCommittee, start);
        executive.push(start);
    }
    for slot in standing_slots(g) {
        let start = if g.rng.random_bool(0.7) {
            executive[slot]
        } else {
            g.profile
                .history
                .clamp(shift(&mut g.rng, executive[slot], 180..=900))
        };
        seat(g, slot, PartyBody::StandingCommittee, start);
    }
}

fn standing_slots(g: &mut Gen<'_>) -> Vec<usize> {
    let counts: Vec<u64> = g
        .province
        .districts
        .iter()
        .map(|d| d.units.len() as u64)
        .collect();
    let quotas = largest_remainder(scale(ARTICLE_STANDING, g.slots.len()), &counts);
    let mut picked = Vec::new();
    let mut offset = 0;
    for (district, quota) in g.province.districts.iter().zip(quotas) {
        let drawn = sample(&mut g.rng, district.units.len(), quota);
        picked.extend(drawn.into_iter().map(|i| offset + i));
        offset += district.units.len();
    }
    picked
}

fn seat(g: &mut Gen<'_>, slot: usize, body: PartyBody, started_on: NaiveDate) {
    let Some(chief) = g.chief(slot) else { return };
    let row = party_membership::Model {
        id: 0,
        officer_id: chief.id,
        unit_code: chief.unit_code.clone(),
        body: body.code().to_owned(),
        term: TERM.to_owned(),
        started_on,
        ended_on: None,
    };
    let id = next(&mut g.ids.membership);
    g.batch
        .memberships
        .push(party_membership::Model { id, ..row });
}
