//! Youth union and women's association activities of one province, in the generator
//! of the seed flow: scaled volunteer activities (three in four tied to a unit), works
//! and models of the two named programmes, and the two programmes themselves.

use chrono::{Datelike, NaiveDate};
use entity::union_activity;
use rand::Rng;

use super::batch::{Gen, next};
use super::catalogue::{CONVOY, GODMOTHER, Programme, VOLUNTEER};
use super::dates::{Window, shift};
use super::names::police_of;
use super::profile::{ARTICLE_CONVOY_WORKS, ARTICLE_VOLUNTEER, ARTICLE_WORKS};
use super::quota::{largest_remainder, pick, sample, scale};
use crate::domain::{ActivityKind, Organisation};
use crate::text::fold;

/// An activity before it gets its id.
struct Draft {
    organisation: Organisation,
    kind: ActivityKind,
    name: String,
    programme: Option<&'static str>,
    slot: Option<usize>,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    maintained: bool,
}

/// Adds volunteer activities, works and models, and the two programmes.
pub(crate) fn generate(g: &mut Gen<'_>) {
    volunteer(g);
    let works = scale(ARTICLE_WORKS, g.slots.len());
    let split = largest_remainder(
        works,
        &[ARTICLE_WORKS - ARTICLE_CONVOY_WORKS, ARTICLE_CONVOY_WORKS],
    );
    for (programme, count) in [&GODMOTHER, &CONVOY].into_iter().zip(split) {
        for _ in 0..count {
            work(g, programme);
        }
        programme_row(g, programme);
    }
}

/// Scaled volunteer activities; a quarter of them province-wide.
fn volunteer(g: &mut Gen<'_>) {
    let total = scale(ARTICLE_VOLUNTEER, g.slots.len());
    let wide = sample(&mut g.rng, total, largest_remainder(total, &[3, 1])[1]);
    for k in 0..total {
        let slot = (wide.binary_search(&k).is_err()).then(|| g.rng.random_range(0..g.slots.len()));
        let (organisation, what) = pick(&mut g.rng, &VOLUNTEER);
        let history = g.profile.history;
        let started_on = history.pick(&mut g.rng);
        let ended_on = history.clamp(shift(&mut g.rng, started_on, 0..=14));
        let name = format!("{what} năm {} - {}", started_on.year(), scope(g, slot));
        let draft = Draft {
            organisation,
            kind: ActivityKind::VolunteerActivity,
            name,
            programme: None,
            slot,
            started_on,
            ended_on: Some(ended_on),
            maintained: false,
        };
        push(g, draft);
    }
}

/// A maintained work or model of a programme, tied to a unit.
fn work(g: &mut Gen<'_>, programme: &Programme) {
    let (organisation, what) = pick(&mut g.rng, &programme.works);
    let until = programme
        .until
        .min(g.profile.history.to)
        .max(programme.started);
    let started_on = Window::new(programme.started, until).pick(&mut g.rng);
    let slot = Some(g.rng.random_range(0..g.slots.len()));
    let draft = Draft {
        organisation,
        kind: ActivityKind::WorkOrModel,
        name: format!("{what} - {}", scope(g, slot)),
        programme: Some(programme.name),
        slot,
        started_on,
        ended_on: None,
        maintained: true,
    };
    push(g, draft);
}

/// The province-wide row naming a programme.
fn programme_row(g: &mut Gen<'_>, programme: &Programme) {
    let draft = Draft {
        organisation: programme.organisation,
        kind: ActivityKind::Programme,
        name: programme.name.to_owned(),
        programme: Some(programme.name),
        slot: None,
        started_on: programme.started,
        ended_on: None,
        maintained: true,
    };
    push(g, draft);
}

/// "Công an xã ..." for a unit, "Công an tỉnh ..." for the province.
fn scope(g: &Gen<'_>, slot: Option<usize>) -> String {
    match slot.and_then(|s| g.slots.get(s)) {
        Some(s) => police_of(&s.unit.name),
        None => police_of(&g.province.name),
    }
}

fn push(g: &mut Gen<'_>, draft: Draft) {
    let unit_code = draft
        .slot
        .and_then(|s| g.slots.get(s))
        .map(|s| s.unit.code.clone());
    let row = union_activity::Model {
        id: next(&mut g.ids.activity),
        organisation: draft.organisation.code().to_owned(),
        kind: draft.kind.code().to_owned(),
        search_name: fold(&draft.name),
        name: draft.name,
        programme: draft.programme.map(str::to_owned),
        unit_code,
        started_on: draft.started_on,
        ended_on: draft.ended_on,
        maintained: draft.maintained,
    };
    g.batch.activities.push(row);
}
