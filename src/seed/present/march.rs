//! The police reorganisation of 1 Mar 2025, the second stage after the 2024 demo in the
//! seed flow (after the restructuring of 1 Jan 2025): the district police end and their
//! officers go to the communes. Each of the 170 units of Quảng Ngãi and Kon Tum's 102 is
//! given a target drawn from 12-15 (a fixed few, 7% of each province's units, from 9-11)
//! and receives officers posted from 1 Mar 2025 up to it, counting those in post at its
//! code that day; a unit without a chief in post gets one, no unit a second.

use entity::unit_period;
use rand::Rng;
use sea_orm::DatabaseTransaction;

use super::people::{Origin, officer};
use super::world::{self, Staff};
use super::{EDITION_2025_01, KON_TUM, KON_TUM_FROM, MARCH_2025, QUANG_NGAI, rng, write};
use crate::domain::Position;
use crate::seed::SeedReport;
use crate::seed::batch::{Batch, Ids, next};
use crate::seed::error::SeedError;
use crate::seed::insert;
use crate::seed::quota::sample;

/// The reported floor: at least 12 officers per commune police unit.
pub(crate) const FLOOR_2025: usize = 12;
/// The share of units (per cent, per province) left below the floor.
pub(crate) const BELOW_FLOOR_PERCENT: usize = 7;

/// Posts the officers of 1 Mar 2025.
pub(crate) async fn march_2025(txn: &DatabaseTransaction) -> Result<SeedReport, SeedError> {
    let staff = Staff::load(txn).await?;
    let mut ids = insert::current_ids(txn).await?;
    let mut batch = Batch::default();
    for (province, from) in [(QUANG_NGAI, EDITION_2025_01), (KON_TUM, KON_TUM_FROM)] {
        let units = world::periods(txn, province, from).await?;
        let mut rng = rng(&format!("march 2025 {province}"));
        reinforce(&mut rng, &units, &staff, &mut ids, &mut batch);
    }
    write(txn, batch).await
}

/// Posts the officers of 1 Mar 2025 at `units` (a synthetic tier's units in force that
/// day, ordered by province): each province's from its own seed, as in the demo.
pub(crate) async fn march_2025_units(
    txn: &DatabaseTransaction,
    units: &[unit_period::Model],
) -> Result<SeedReport, SeedError> {
    let staff = Staff::load(txn).await?;
    let mut ids = insert::current_ids(txn).await?;
    let mut batch = Batch::default();
    for group in units.chunk_by(|a, b| a.province_code == b.province_code) {
        let province = group.first().map_or("", |u| u.province_code.as_str());
        let mut rng = rng(&format!("march 2025 {province}"));
        reinforce(&mut rng, group, &staff, &mut ids, &mut batch);
    }
    write(txn, batch).await
}

/// Targets per unit (a fixed few below the floor), then the officers up to them.
fn reinforce(
    rng: &mut impl Rng,
    units: &[unit_period::Model],
    staff: &Staff,
    ids: &mut Ids,
    batch: &mut Batch,
) {
    let below = sample(rng, units.len(), units.len() * BELOW_FLOOR_PERCENT / 100);
    for (i, unit) in units.iter().enumerate() {
        let target = if below.binary_search(&i).is_ok() {
            rng.random_range(9..=FLOOR_2025 - 1)
        } else {
            FLOOR_2025 + [0, 0, 1, 1, 2, 3][rng.random_range(0..6)]
        };
        let code = unit.code.as_str();
        let in_post = staff.count(code, MARCH_2025, None);
        let mut chiefs = staff.count(code, MARCH_2025, Some(Position::Chief));
        let mut deputies = staff.count(code, MARCH_2025, Some(Position::Deputy));
        let wanted_deputies = if target >= FLOOR_2025 { 3 } else { 2 };
        for _ in in_post..target {
            let position = if chiefs == 0 {
                chiefs += 1;
                Position::Chief
            } else if deputies < wanted_deputies {
                deputies += 1;
                Position::Deputy
            } else {
                Position::Officer
            };
            let id = next(&mut ids.officer);
            let row = officer(rng, id, code, position, Origin::Serving, MARCH_2025);
            batch.officers.push(row);
        }
    }
}
