//! New officers for the stages after 2024 of the seed flow: a person from the name
//! tables, a rank fitting the position, a posting at a unit code from a day.

use std::ops::RangeInclusive;

use chrono::NaiveDate;
use entity::officer;
use rand::Rng;

use crate::domain::{Position, Rank};
use crate::seed::names::person;
use crate::seed::quota::pick_weighted;
use crate::seed::staff::rank;
use crate::text::fold;

/// Ranks of young officers arriving from the academies and training schools.
const RECRUIT_RANKS: [(Rank, u32); 3] = [(Rank::HaSi, 1), (Rank::TrungSi, 3), (Rank::ThieuUy, 2)];

/// Where an officer comes from, which sets the rank and the age.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Origin {
    /// In post when the unit period began, or moved in from the district police.
    Serving,
    /// Newly out of school.
    Recruit,
}

/// An officer posted at `unit_code` from `posted_from` (still in post).
pub(super) fn officer(
    rng: &mut impl Rng,
    id: i32,
    unit_code: &str,
    position: Position,
    origin: Origin,
    posted_from: NaiveDate,
) -> officer::Model {
    let (male_share, years): (f64, RangeInclusive<i32>) = match (position, origin) {
        (Position::Chief, _) => (0.97, 1968..=1985),
        (Position::Deputy, _) => (0.92, 1970..=1990),
        (Position::Officer, Origin::Serving) => (0.82, 1978..=2000),
        (Position::Officer, Origin::Recruit) => (0.75, 1998..=2004),
    };
    let p = person(rng, male_share, years);
    let rank = match origin {
        Origin::Recruit if position == Position::Officer => pick_weighted(rng, &RECRUIT_RANKS),
        _ => rank(rng, position),
    };
    officer::Model {
        id,
        unit_code: unit_code.to_owned(),
        search_name: fold(&p.full_name),
        full_name: p.full_name,
        gender: p.gender.code().to_owned(),
        birth_year: p.birth_year,
        rank: rank.ordinal(),
        position: position.code().to_owned(),
        posted_from,
        posted_to: None,
    }
}
