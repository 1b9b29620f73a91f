//! The synthetic entry of the seed flow: a tier's units (Quảng Ngãi, five provinces,
//! the country, or the country ten times over) with the same generator as the demo,
//! 72 months of history (2019-2024), refused when the database already has units. Tiers
//! S and L then follow their units through the 2025 restructurings up to a pinned day
//! (`national`); M and XL stay on the 2024 structure.

use sea_orm::DatabaseConnection;

use super::SeedReport;
use super::error::SeedError;
use super::profile::SYNTHETIC;
use super::reference::{RefProvince, load, multiply, select};
use super::run::{IfNotEmpty, Then, run};
use super::tier::{FIVE_PROVINCES, Tier};

/// Seeds a tier (see `seed_synthetic`).
pub(crate) async fn seed(db: &DatabaseConnection, tier: Tier) -> Result<SeedReport, SeedError> {
    let provinces = provinces(tier)?;
    run(
        db,
        &SYNTHETIC,
        &provinces,
        IfNotEmpty::Refuse,
        Then::Tier(tier),
    )
    .await
}

/// The reference provinces of a tier.
pub(crate) fn provinces(tier: Tier) -> Result<Vec<RefProvince>, SeedError> {
    let all = load(tier.reference_set())?;
    Ok(match tier {
        Tier::S | Tier::L => all,
        Tier::M => select(all, &FIVE_PROVINCES),
        Tier::Xl => multiply(all, tier.copies()),
    })
}
