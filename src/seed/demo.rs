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
use super::run::{IfNotEmpty, run};

/// Seeds the demo data set up to `today` (see `seed_demo`).
pub(crate) async fn seed(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> Result<SeedReport, SeedError> {
    let provinces = load(ReferenceSet::QuangNgai)?;
    run(db, &DEMO, &provinces, IfNotEmpty::Skip, Some(today)).await
}

/// Only the 2024 demo, the article's data set (see `seed_article`).
pub(crate) async fn seed_2024(db: &DatabaseConnection) -> Result<SeedReport, SeedError> {
    let provinces = load(ReferenceSet::QuangNgai)?;
    run(db, &DEMO, &provinces, IfNotEmpty::Skip, None).await
}

/// The demo after 2024, in the order things happened, inside the seed transaction.
pub(crate) async fn after_2024(
    txn: &DatabaseTransaction,
    today: NaiveDate,
) -> Result<SeedReport, SeedError> {
    let mut report = present::kon_tum(txn).await?;
    // RESTRUCTURING OF 1 JAN 2025 GOES HERE (lead, at merge): the `restructure apply`
    // operation with data/units/restructuring/qn_2024_to_2025-01-01.csv, effective
    // 2025-01-01, inside this transaction.
    report.absorb(present::march_2025(txn).await?);
    // RESTRUCTURING OF 1 JUL 2025 GOES HERE (lead, at merge): the operation with
    // qn_2025-01-01_to_2025-07-01.csv and Kon Tum's units of qn_units_2025-07-01.csv,
    // effective 2025-07-01 (postings, seats and headquarters to the successors).
    report.absorb(present::since_july_2025(txn, today).await?);
    Ok(report)
}
