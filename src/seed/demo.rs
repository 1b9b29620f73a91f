//! The demo entry of the seed flow: Quảng Ngãi's 173 units with facts reproducing the
//! article exactly, skipped when the database already has units.

use sea_orm::DatabaseConnection;

use super::SeedReport;
use super::error::SeedError;
use super::profile::DEMO;
use super::reference::{ReferenceSet, load};
use super::run::{IfNotEmpty, run};

/// Seeds the demo data set (see `seed_demo`).
pub(crate) async fn seed(db: &DatabaseConnection) -> Result<SeedReport, SeedError> {
    let provinces = load(ReferenceSet::QuangNgai)?;
    run(db, &DEMO, &provinces, IfNotEmpty::Skip).await
}
