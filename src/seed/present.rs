//! The demo after 2024, the last part of the seed flow: three stages that run inside the
//! one seed transaction after the 2024 demo (which reproduces the article) and between
//! the restructurings, read what is in force from the database, and write synthetic
//! facts in bulk. None of their figures is the article's.
//!
//! - [`kon_tum`]: Kon Tum's 102 units of 2024 (province 62) get officers, Party seats,
//!   headquarters, activities and awards, all dated from 1 May 2024 (the start of their
//!   unit periods) to 31 Dec 2024.
//! - [`march_2025`]: on 1 Mar 2025 the district police end and the 170 units of Quảng
//!   Ngãi and Kon Tum's 102 receive officers: most reach 12, a stated few stay below.
//! - [`since_july_2025`]: the 96 units of 1 Jul 2025, month by month up to `today`
//!   ([`since_july_2025_in`]: the same for every province of the national tier).
//!
//! Determinism: every draw comes from ChaCha seeded by a constant of this module and a
//! salt (a stage, a plan, or a month). The only input that depends on the day of the run
//! is `today`, the province's day (Asia/Ho_Chi_Minh): the months up to and including
//! today's are generated and nothing dated after `today` is written (a date still in the
//! future is left empty; plans, i.e. target dates, may be later). Each month draws from
//! its own seed, rows get their ids in date order, so a run on a later day writes the
//! same rows, with the same ids, as far as the earlier day, and adds the days between.

mod activity;
mod buildings;
mod congress;
mod emit;
mod kon_tum;
mod march;
mod monthly;
mod people;
mod world;

use chrono::{NaiveDate, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sea_orm::DatabaseTransaction;

use super::SeedReport;
use super::batch::Batch;
use super::dates::const_date;
use super::error::SeedError;
use super::insert;

pub(crate) use kon_tum::kon_tum;
pub(crate) use march::{march_2025, march_2025_units};
pub(crate) use monthly::{since_july_2025, since_july_2025_in};

/// Tỉnh Kon Tum (until 30 Jun 2025) and Tỉnh Quảng Ngãi.
const KON_TUM: &str = "62";
const QUANG_NGAI: &str = "51";
/// First days of the unit periods the stages write to (see `seed::history`).
const KON_TUM_FROM: NaiveDate = const_date(2024, 5, 1);
const EDITION_2025_01: NaiveDate = const_date(2025, 1, 1);
const EDITION_2025_07: NaiveDate = const_date(2025, 7, 1);
/// The day the district police ended and their officers went to the communes.
pub(crate) const MARCH_2025: NaiveDate = const_date(2025, 3, 1);

/// The base seed of every stage (salted per stage, plan and month).
const SEED: u64 = 0x434f_534f_5f4e_4f57;

/// The province's day now: the cut-off of [`since_july_2025`] for a demo seeded today.
pub(crate) fn province_today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .date_naive()
}

/// A generator seeded by the module's seed and a salt (FNV-1a over its bytes).
fn rng(salt: &str) -> ChaCha8Rng {
    let seed = salt.bytes().fold(SEED, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    ChaCha8Rng::seed_from_u64(seed)
}

/// Writes a batch and counts its rows.
async fn write(txn: &DatabaseTransaction, batch: Batch) -> Result<SeedReport, SeedError> {
    let mut report = SeedReport::default();
    report.add(&batch);
    insert::write(txn, batch).await?;
    Ok(report)
}
