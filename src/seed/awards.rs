//! Certificates of Merit of one province, in the generator of the seed flow: at each
//! dialogue conference, a scaled set from the Minister and the provincial Chairman to
//! commune and township police (collectives) and their officers (individuals).

use chrono::{Datelike, NaiveDate, TimeDelta};
use entity::award;
use rand::Rng;
use rand::seq::SliceRandom;

use super::batch::{Gen, next};
use super::catalogue::{AWARD_MIX, COLLECTIVE_REASONS, INDIVIDUAL_REASONS};
use super::dates::Window;
use super::quota::{largest_remainder, pick, sample, scale};
use crate::domain::{AwardForm, AwardIssuer, RecipientKind, UnitKind};

/// Adds the awards of every conference of the profile.
pub(crate) fn generate(g: &mut Gen<'_>) {
    for &held_on in g.profile.sessions {
        session_awards(g, held_on);
    }
}

/// Each recipient unit at most once per conference; decisions dated in the months before.
fn session_awards(g: &mut Gen<'_>, held_on: NaiveDate) {
    let weights: Vec<u64> = AWARD_MIX.iter().map(|m| m.2).collect();
    let total: u64 = weights.iter().sum();
    let counts = largest_remainder(scale(total, g.slots.len()), &weights);
    let eligible = eligible_slots(g);
    let mut drawn = sample(&mut g.rng, eligible.len(), counts.iter().sum());
    drawn.shuffle(&mut g.rng);
    let mut drawn = drawn.into_iter().filter_map(|i| eligible.get(i).copied());
    let window = Window::new(held_on - TimeDelta::days(250), held_on);
    for (&(issuer, kind, _), count) in AWARD_MIX.iter().zip(counts) {
        for _ in 0..count {
            let slot = drawn
                .next()
                .unwrap_or_else(|| g.rng.random_range(0..g.slots.len()));
            let awarded_on = window.pick(&mut g.rng);
            award_row(g, issuer, kind, slot, awarded_on);
        }
    }
}

/// Communes and townships (the article's recipients); every unit if there are none.
fn eligible_slots(g: &Gen<'_>) -> Vec<usize> {
    let rural: Vec<usize> = (0..g.slots.len())
        .filter(|&i| g.slots[i].unit.kind != UnitKind::Phuong)
        .collect();
    if rural.is_empty() {
        (0..g.slots.len()).collect()
    } else {
        rural
    }
}

fn award_row(
    g: &mut Gen<'_>,
    issuer: AwardIssuer,
    kind: RecipientKind,
    slot: usize,
    awarded_on: NaiveDate,
) {
    let (officer_id, reason) = match kind {
        RecipientKind::Collective => (None, pick(&mut g.rng, &COLLECTIVE_REASONS)),
        RecipientKind::Individual => (officer_of(g, slot), pick(&mut g.rng, &INDIVIDUAL_REASONS)),
    };
    let row = award::Model {
        id: next(&mut g.ids.award),
        form: AwardForm::CertificateOfMerit.code().to_owned(),
        issuer: issuer.code().to_owned(),
        recipient_kind: kind.code().to_owned(),
        unit_code: g.slots[slot].unit.code.clone(),
        officer_id,
        awarded_on,
        reason: format!("{reason} năm {}", awarded_on.year()),
    };
    g.batch.awards.push(row);
}

/// One officer of the slot's unit, drawn at random.
fn officer_of(g: &mut Gen<'_>, slot: usize) -> Option<i32> {
    let range = g.staff.get(slot)?.clone();
    if range.is_empty() {
        return None;
    }
    let index = g.rng.random_range(range);
    g.batch.officers.get(index).map(|o| o.id)
}
