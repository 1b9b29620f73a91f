//! The driver of the seed flow shared by the demo and the synthetic tiers: one
//! transaction, the emptiness check inside it, then provinces generated one by one and
//! written in bulk every `FLUSH_ROWS` rows (so memory stays bounded at national x10),
//! then commit.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

use super::SeedReport;
use super::batch::Batch;
use super::error::SeedError;
use super::history;
use super::insert;
use super::profile::Profile;
use super::province;
use super::reference::RefProvince;
use super::registry;

/// Rows generated before they are written: few, large statements (each statement costs
/// a round trip and a parse) while memory stays bounded.
const FLUSH_ROWS: usize = 100_000;

/// What to do when the database already has units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IfNotEmpty {
    /// Leave it alone and report `skipped`.
    Skip,
    /// Fail with `SeedError::DatabaseNotEmpty`.
    Refuse,
}

/// What follows the 2024 rows, in the same transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Then {
    /// Nothing: the 2024 data set alone.
    Stop,
    /// The demo goes on after 2024 up to that day (`demo::after_2024`).
    Demo(NaiveDate),
    /// A synthetic tier follows its units through 2025 (`national::follow`).
    Tier(super::tier::Tier),
}

/// Seeds `provinces` with `profile` in one transaction: all or nothing, then `then`.
pub(crate) async fn run(
    db: &DatabaseConnection,
    profile: &Profile,
    provinces: &[RefProvince],
    if_not_empty: IfNotEmpty,
    then: Then,
) -> Result<SeedReport, SeedError> {
    let txn = crate::db::begin_write(db).await?;
    if !units_absent(&txn).await? {
        return match if_not_empty {
            IfNotEmpty::Skip => {
                // A database seeded before the history existed gets it now (once), and
                // a new data version so no cached answer hides it.
                // So do its district areas and its registry of unit codes.
                let written = history::ensure(&txn).await? + registry::sync(&txn).await?;
                let areas = crate::service::areas::ensure_district_areas(&txn).await?;
                if written + areas as u64 > 0 {
                    insert::finish(&txn).await?;
                }
                txn.commit().await?;
                Ok(SeedReport {
                    skipped: true,
                    ..SeedReport::default()
                })
            }
            IfNotEmpty::Refuse => {
                txn.rollback().await?;
                Err(SeedError::DatabaseNotEmpty)
            }
        };
    }
    history::ensure(&txn).await?;
    crate::service::areas::ensure_district_areas(&txn).await?;
    let mut ids = insert::current_ids(&txn).await?;
    let mut report = SeedReport::default();
    let mut pending = Batch::default();
    for p in provinces {
        let batch = province::generate(profile, p, &mut ids)?;
        report.add(&batch);
        pending.append(batch);
        if pending.len() >= FLUSH_ROWS {
            insert::write(&txn, std::mem::take(&mut pending)).await?;
        }
    }
    insert::write(&txn, pending).await?;
    registry::sync(&txn).await?;
    match then {
        Then::Stop => {}
        Then::Demo(today) => {
            insert::advance_sequences(&txn).await?;
            report.absorb(super::demo::after_2024(&txn, today).await?);
        }
        Then::Tier(tier) => report.absorb(super::national::follow(&txn, tier).await?),
    }
    insert::finish(&txn).await?;
    txn.commit().await?;
    Ok(report)
}

/// True when the `unit` table has no row.
pub(crate) async fn units_absent(db: &impl ConnectionTrait) -> Result<bool, SeedError> {
    Ok(entity::unit::Entity::find().one(db).await?.is_none())
}

impl SeedReport {
    /// Adds the counts of another report (`skipped` stays as it is).
    pub(crate) fn absorb(&mut self, other: SeedReport) {
        self.units += other.units;
        self.officers += other.officers;
        self.memberships += other.memberships;
        self.headquarters += other.headquarters;
        self.directives += other.directives;
        self.activities += other.activities;
        self.questions += other.questions;
        self.awards += other.awards;
    }

    /// Adds the rows of a batch to the counts.
    pub(crate) fn add(&mut self, batch: &Batch) {
        let n = |len: usize| len as u64;
        self.units += n(batch.units.len());
        self.officers += n(batch.officers.len());
        self.memberships += n(batch.memberships.len());
        self.headquarters += n(batch.headquarters.len());
        self.directives += n(batch.directives.len());
        self.activities += n(batch.activities.len());
        self.questions += n(batch.questions.len());
        self.awards += n(batch.awards.len());
    }
}
