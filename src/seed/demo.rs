//! The demo entry of the seed flow: Quảng Ngãi's 173 units with facts reproducing the
//! article exactly (as of 31 Dec 2024), skipped when the database already has units;
//! and the 2025 restructurings applied to it by the operation (`seed::restructure`).

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
    // The 2025 restructurings (`since_2024`) are not chained here yet: the API tests
    // written for a demo that ends on 31 Dec 2024 (current officers, chiefs, "today"'s
    // figures) must first be updated. Chaining them is `Some(since_2024)`.
    run_then(db, &DEMO, &provinces, IfNotEmpty::Skip, None).await
}

/// Applies the 2025 restructurings to a seeded demo, in one transaction (what
/// `Some(since_2024)` does inside the seed's own transaction).
pub(crate) async fn restructure_2025(db: &DatabaseConnection) -> Result<(), SeedError> {
    let txn = crate::db::begin_write(db).await?;
    since_2024(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// After the 2024 facts: the 2025 restructurings, applied by the operation.
fn since_2024(txn: &DatabaseTransaction) -> BoxFuture<'_, Result<(), SeedError>> {
    Box::pin(async move {
        restructure::on_2025_01_01(txn).await?;
        restructure::on_2025_07_01(txn).await?;
        Ok(())
    })
}
