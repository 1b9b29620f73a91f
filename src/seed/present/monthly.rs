//! The 96 units of 1 Jul 2025, the last stage of the seed flow: a unit nobody was posted
//! to gets its staff, the building plan and the Party congresses are drawn once (fixed
//! seeds), then each month from July 2025 to the month of `today` draws its own events
//! from a seed of its own: postings ending and starting, the congresses held that month,
//! union activities, a dialogue session each quarter, awards. Nothing is dated after
//! `today` (see `emit`).

use chrono::{Months, NaiveDate, TimeDelta};
use entity::unit_period;
use rand::Rng;
use sea_orm::DatabaseTransaction;

use super::emit::{Drafts, Update, write_drafts};
use super::people::{Origin, officer};
use super::world::{self, Post, Staff};
use super::{EDITION_2025_07, QUANG_NGAI, activity, buildings, congress, month_rng, rng};
use crate::domain::Position;
use crate::seed::SeedReport;
use crate::seed::dates::Window;
use crate::seed::error::SeedError;
use crate::seed::insert;

/// Officers of a unit that nobody was posted to on 1 Jul 2025 (Đặc khu Lý Sơn had no
/// commune police before): a chief, three deputies and the rest.
const NEW_UNIT_STAFF: usize = 20;

/// The stage's state: the units, everyone's postings, and what it drafted.
pub(super) struct World {
    pub units: Vec<unit_period::Model>,
    pub staff: Staff,
    pub drafts: Drafts,
}

impl World {
    /// Drafts a new officer and their posting; returns the officer's key.
    pub fn post(
        &mut self,
        rng: &mut impl Rng,
        code: &str,
        position: Position,
        origin: Origin,
        from: NaiveDate,
    ) -> i32 {
        let key = -(self.drafts.officers.len() as i32) - 1;
        let row = officer(rng, key, code, position, origin, from);
        self.drafts.officers.push(row);
        self.staff.push(Post {
            key,
            code: code.to_owned(),
            position,
            from,
            to: None,
        });
        key
    }

    /// Ends the posting at `index` on `on` (the first day away).
    pub fn end_post(&mut self, index: usize, on: NaiveDate) {
        let post = &mut self.staff.posts[index];
        post.to = Some(on);
        if post.key < 0 {
            let draft = usize::try_from(-post.key - 1).ok();
            if let Some(o) = draft.and_then(|i| self.drafts.officers.get_mut(i)) {
                o.posted_to = Some(on);
            }
        } else {
            self.drafts
                .updates
                .push(Update::PostingEnds { id: post.key, on });
        }
    }
}

/// Writes the months from July 2025 up to and including the month of `today`.
pub(crate) async fn since_july_2025(
    txn: &DatabaseTransaction,
    today: NaiveDate,
) -> Result<SeedReport, SeedError> {
    if today < EDITION_2025_07 {
        return Ok(SeedReport::default());
    }
    let mut w = World {
        units: world::periods(txn, QUANG_NGAI, EDITION_2025_07).await?,
        staff: Staff::load(txn).await?,
        drafts: Drafts::default(),
    };
    staff_units_without_officers(&mut w);
    buildings::plan(&mut w, &world::premises(txn).await?);
    let congresses = congress::plan(&w.units);
    let seats = world::seats(txn).await?;
    for month in months(today) {
        let mut rng = month_rng(month);
        let days = month_days(month);
        activity::movement(&mut rng, days, &mut w);
        congress::hold(days, &congresses, &seats, &mut w);
        activity::unions(&mut rng, days, &mut w);
        activity::dialogue(&mut rng, days, &mut w);
        activity::awards(&mut rng, days, &mut w);
    }
    let ids = insert::current_ids(txn).await?;
    write_drafts(txn, w.drafts, today, ids).await
}

/// Every unit with nobody in post on 1 Jul 2025 gets its staff that day; a unit with
/// officers but no chief gets a chief.
fn staff_units_without_officers(w: &mut World) {
    let mut rng = rng("staff of units without officers 2025-07");
    let day = EDITION_2025_07;
    let codes: Vec<String> = w.units.iter().map(|u| u.code.clone()).collect();
    for code in codes {
        let size = match w.staff.count(&code, day, None) {
            0 => NEW_UNIT_STAFF,
            _ if w.staff.chief(&code, day).is_none() => 1,
            _ => 0,
        };
        for k in 0..size {
            let position = match k {
                0 => Position::Chief,
                1..=3 => Position::Deputy,
                _ => Position::Officer,
            };
            w.post(&mut rng, &code, position, Origin::Serving, day);
        }
    }
}

/// The first days of the months from July 2025 to the month of `today`.
fn months(today: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut month = EDITION_2025_07;
    while month <= today {
        out.push(month);
        month = month + Months::new(1);
    }
    out
}

/// The days of a month.
fn month_days(first: NaiveDate) -> Window {
    let last = first + Months::new(1) - TimeDelta::days(1);
    Window::new(first, last)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::seed::dates::const_date;

    #[test]
    fn months_run_from_july_2025_to_the_month_of_today() {
        let m = months(const_date(2026, 12, 2));
        assert_eq!(m.len(), 18);
        assert_eq!(m.first(), Some(&const_date(2025, 7, 1)));
        assert_eq!(m.last(), Some(&const_date(2026, 12, 1)));
        assert_eq!(
            month_days(const_date(2026, 2, 1)).to,
            const_date(2026, 2, 28)
        );
        assert_eq!(months(const_date(2025, 7, 1)).len(), 1);
        assert!(months(const_date(2025, 6, 30)).is_empty());
    }
}
