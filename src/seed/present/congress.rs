//! The Party congresses of the new communes (term 2025-2030), in the stage since July
//! 2025 of the seed flow. Drawn once (a fixed seed): each unit's congress day in August
//! or September 2025, and whether its police chief is elected: `EXECUTIVE` per cent of
//! the chiefs join the executive committee, `STANDING` per cent of all also its standing
//! committee. Held in the month of its day: the chief in post at the unit's code that day
//! (read from the postings) takes the seats, and the seats of the earlier term still
//! open at that code end.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{party_membership, unit_period};

use super::emit::Update;
use super::monthly::{Province, World};
use crate::domain::PartyBody;
use crate::seed::dates::{Window, const_date};
use crate::seed::quota::sample;

/// The new term.
pub(crate) const TERM: &str = "2025-2030";
/// Per cent of the chiefs elected to the executive committee, and to the standing one.
pub(crate) const EXECUTIVE: usize = 92;
pub(crate) const STANDING: usize = 60;
/// When the congresses of the new communes were held.
const CONGRESSES: Window = Window::new(const_date(2025, 8, 5), const_date(2025, 9, 30));

/// One unit's congress.
pub(super) struct Congress {
    code: String,
    day: NaiveDate,
    executive: bool,
    standing: bool,
}

/// Draws the congress of every unit.
pub(super) fn plan(units: &[unit_period::Model], province: &Province) -> Vec<Congress> {
    let mut rng = province.rng("commune party congresses 2025-2030");
    let n = units.len();
    let executive = sample(&mut rng, n, n * EXECUTIVE / 100);
    let standing: Vec<usize> = sample(&mut rng, executive.len(), n * STANDING / 100)
        .into_iter()
        .map(|k| executive[k])
        .collect();
    units
        .iter()
        .enumerate()
        .map(|(i, u)| Congress {
            code: u.code.clone(),
            day: CONGRESSES.pick(&mut rng),
            executive: executive.binary_search(&i).is_ok(),
            standing: standing.contains(&i),
        })
        .collect()
}

/// Holds the congresses whose day falls in `days` (`seats`: every seat by unit code).
pub(super) fn hold(
    days: Window,
    plan: &[Congress],
    seats: &HashMap<&str, Vec<&party_membership::Model>>,
    w: &mut World,
) {
    for c in plan
        .iter()
        .filter(|c| days.from <= c.day && c.day <= days.to)
    {
        let at = seats.get(c.code.as_str()).map_or(&[][..], Vec::as_slice);
        for s in at.iter().filter(|s| {
            s.term != TERM && s.started_on < c.day && s.ended_on.is_none_or(|e| e > c.day)
        }) {
            w.drafts.updates.push(Update::SeatEnds {
                id: s.id,
                on: c.day,
            });
        }
        let Some(chief) = w.staff.chief(&c.code, c.day).map(|p| p.key) else {
            continue;
        };
        let bodies = [
            (c.executive, PartyBody::ExecutiveCommittee),
            (c.standing, PartyBody::StandingCommittee),
        ];
        for (_, body) in bodies.into_iter().filter(|(elected, _)| *elected) {
            w.drafts.seats.push(party_membership::Model {
                id: 0,
                officer_id: chief,
                unit_code: c.code.clone(),
                body: body.code().to_owned(),
                term: TERM.to_owned(),
                started_on: c.day,
                ended_on: None,
            });
        }
    }
}
