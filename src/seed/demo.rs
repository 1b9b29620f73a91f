//! The demo entry of the seed flow: Quảng Ngãi's 173 units with facts reproducing the
//! article exactly, skipped when the database already has units.

use futures_util::future::BoxFuture;
use sea_orm::{DatabaseConnection, DatabaseTransaction};

use super::SeedReport;
use super::error::SeedError;
use super::profile::DEMO;
use super::reference::{ReferenceSet, load};
use super::restructure;
use super::run::{IfNotEmpty, run_then};

/// Seeds the demo data set (see `seed_demo`).
pub(crate) async fn seed(db: &DatabaseConnection) -> Result<SeedReport, SeedError> {
    let provinces = load(ReferenceSet::QuangNgai)?;
    run_then(db, &DEMO, &provinces, IfNotEmpty::Skip, Some(since_2024)).await
}

/// After the 2024 facts: the 2025 restructurings, applied by the operation.
fn since_2024(txn: &DatabaseTransaction) -> BoxFuture<'_, Result<(), SeedError>> {
    Box::pin(async move {
        restructure::on_2025_01_01(txn).await?;
        restructure::on_2025_07_01(txn).await?;
        Ok(())
    })
}
