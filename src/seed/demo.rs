//! The demo entry of the seed flow: Quảng Ngãi's 173 units with facts reproducing the
//! article exactly on 31 Dec 2024, then (same transaction) the synthetic history after
//! 2024 up to the province's today (`present`), skipped when the database has units.

use chrono::NaiveDate;
use sea_orm::{DatabaseConnection, DatabaseTransaction};

use super::SeedReport;
use super::error::SeedError;
use super::present;
use super::profile::DEMO;
use super::reference::{ReferenceSet, load};
use super::restructure;
use super::run::{IfNotEmpty, Then, run};

/// Seeds the demo data set up to `today` (see `seed_demo`).
pub(crate) async fn seed(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> Result<SeedReport, SeedError> {
    let provinces = load(ReferenceSet::QuangNgai)?;
    run(db, &DEMO, &provinces, IfNotEmpty::Skip, Then::Demo(today)).await
}

/// Only the 2024 demo, the article's data set (see `seed_article`).
pub(crate) async fn seed_2024(db: &DatabaseConnection) -> Result<SeedReport, SeedError> {
    let provinces = load(ReferenceSet::QuangNgai)?;
    run(db, &DEMO, &provinces, IfNotEmpty::Skip, Then::Stop).await
}

/// The demo after 2024, in the order things happened, inside the seed transaction.
pub(crate) async fn after_2024(
    txn: &DatabaseTransaction,
    today: NaiveDate,
) -> Result<SeedReport, SeedError> {
    let mut report = present::kon_tum(txn).await?;
    // 1 Jan 2025: 173 -> 170, by the restructuring operation (the shipped mapping)
    // (rows written with explicit ids so far: the operation's rows take generated ids)
    super::insert::advance_sequences(txn).await?;
    restructure::on_2025_01_01(txn).await?;
    report.absorb(present::march_2025(txn).await?);
    // 1 Jul 2025: 170 + Kon Tum's 102 -> 96 (postings, seats and headquarters to the
    // successors, one chief per successor)
    super::insert::advance_sequences(txn).await?;
    restructure::on_2025_07_01(txn).await?;
    report.absorb(present::since_july_2025(txn, today).await?);
    Ok(report)
}

/// Applies the 2025 restructurings to a seeded demo (the 2024 part alone, see
/// `seed_article`), in one transaction. A second call changes nothing.
pub(crate) async fn restructure_2025(db: &DatabaseConnection) -> Result<(), SeedError> {
    let txn = crate::db::begin_write(db).await?;
    restructure::on_2025_01_01(&txn).await?;
    restructure::on_2025_07_01(&txn).await?;
    txn.commit().await?;
    Ok(())
}
