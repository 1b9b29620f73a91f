//! The units of 1 Jul 2025, the last stage of the seed flow: a unit nobody was posted
//! to gets its staff, the building plan and the Party congresses are drawn once (fixed
//! seeds), then each month from July 2025 to the month of `today` draws its own events
//! from a seed of its own: postings ending and starting, the congresses held that month,
//! union activities, a dialogue session each quarter, awards. Nothing is dated after
//! `today` (see `emit`). The demo runs it on Quảng Ngãi's 96 units; the national tier
//! on each of the 34 provinces in turn, every draw salted with the province's code
//! (Quảng Ngãi's draws are the demo's).

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, TimeDelta};
use entity::{party_membership, province, unit_period};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{DatabaseTransaction, EntityTrait};

use super::emit::{Drafts, Update, write_drafts};
use super::people::{Origin, officer};
use super::world::{self, Post, Staff};
use super::{EDITION_2025_07, QUANG_NGAI, activity, buildings, congress, rng};
use crate::domain::Position;
use crate::seed::SeedReport;
use crate::seed::dates::Window;
use crate::seed::error::SeedError;
use crate::seed::insert;
use crate::seed::names::police_of;

/// Officers of a unit that nobody was posted to on 1 Jul 2025 (Đặc khu Lý Sơn had no
/// commune police before): a chief, three deputies and the rest.
const NEW_UNIT_STAFF: usize = 20;

/// The province whose units the stage is drawing for.
#[derive(Clone, Debug)]
pub(super) struct Province {
    pub code: String,
    /// "Tỉnh Quảng Ngãi", "Thành phố Hà Nội".
    pub name: String,
}

impl Province {
    /// The generator of a draw (`salt`) for this province: the demo's own for Quảng
    /// Ngãi, salted with the code for the others.
    pub fn rng(&self, salt: &str) -> ChaCha8Rng {
        if self.code == QUANG_NGAI {
            rng(salt)
        } else {
            rng(&format!("{salt} / province {}", self.code))
        }
    }

    /// The generator of one month: its own seed, whatever came before or after.
    pub fn month_rng(&self, month: NaiveDate) -> ChaCha8Rng {
        self.rng(&format!("month {}-{:02}", month.year(), month.month()))
    }

    /// "Công an tỉnh Quảng Ngãi".
    pub fn police(&self) -> String {
        police_of(&self.name)
    }
}

/// The stage's state: the province and its units, everyone's postings, and what it
/// drafted (for every province drawn so far).
pub(super) struct World {
    pub province: Province,
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

/// Writes the months of Quảng Ngãi's 96 units from July 2025 up to and including the
/// month of `today`.
pub(crate) async fn since_july_2025(
    txn: &DatabaseTransaction,
    today: NaiveDate,
) -> Result<SeedReport, SeedError> {
    if today < EDITION_2025_07 {
        return Ok(SeedReport::default());
    }
    let units = world::periods(txn, QUANG_NGAI, EDITION_2025_07).await?;
    let name = province_names(txn)
        .await?
        .remove(QUANG_NGAI)
        .unwrap_or_else(|| "Tỉnh Quảng Ngãi".to_owned());
    let province = Province {
        code: QUANG_NGAI.to_owned(),
        name,
    };
    months_of(txn, vec![(province, units)], today).await
}

/// Writes the months of every province of `units` (the units in force on 1 Jul 2025,
/// ordered by province), each province drawn as the demo draws Quảng Ngãi.
pub(crate) async fn since_july_2025_in(
    txn: &DatabaseTransaction,
    units: &[unit_period::Model],
    today: NaiveDate,
) -> Result<SeedReport, SeedError> {
    if today < EDITION_2025_07 {
        return Ok(SeedReport::default());
    }
    let names = province_names(txn).await?;
    let groups = units
        .chunk_by(|a, b| a.province_code == b.province_code)
        .filter_map(|group| {
            let code = group.first()?.province_code.clone();
            let name = names.get(&code).cloned().unwrap_or_else(|| code.clone());
            Some((Province { code, name }, group.to_vec()))
        })
        .collect();
    months_of(txn, groups, today).await
}

/// Province names by code.
async fn province_names(txn: &DatabaseTransaction) -> Result<HashMap<String, String>, SeedError> {
    Ok(province::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|p| (p.code, p.name))
        .collect())
}

/// The stage for each province and its units in turn, over one set of postings, then
/// the drafts written at once.
async fn months_of(
    txn: &DatabaseTransaction,
    groups: Vec<(Province, Vec<unit_period::Model>)>,
    today: NaiveDate,
) -> Result<SeedReport, SeedError> {
    let premises = world::premises(txn).await?;
    let seats = world::seats(txn).await?;
    let mut seats_at: HashMap<&str, Vec<&party_membership::Model>> = HashMap::new();
    for s in &seats {
        seats_at.entry(s.unit_code.as_str()).or_default().push(s);
    }
    let mut w = World {
        province: Province {
            code: QUANG_NGAI.to_owned(),
            name: String::new(),
        },
        units: Vec::new(),
        staff: Staff::load(txn).await?,
        drafts: Drafts::default(),
    };
    for (province, units) in groups {
        w.province = province;
        w.units = units;
        staff_units_without_officers(&mut w);
        buildings::plan(&mut w, &premises);
        let congresses = congress::plan(&w.units, &w.province);
        for month in months(today) {
            let mut rng = w.province.month_rng(month);
            let days = month_days(month);
            activity::movement(&mut rng, days, &mut w);
            congress::hold(days, &congresses, &seats_at, &mut w);
            activity::unions(&mut rng, days, &mut w);
            activity::dialogue(&mut rng, days, &mut w);
            activity::awards(&mut rng, days, &mut w);
        }
    }
    let ids = insert::current_ids(txn).await?;
    write_drafts(txn, w.drafts, today, ids).await
}

/// Every unit with nobody in post on 1 Jul 2025 gets its staff that day; a unit with
/// officers but no chief gets a chief.
fn staff_units_without_officers(w: &mut World) {
    let mut rng = w.province.rng("staff of units without officers 2025-07");
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
