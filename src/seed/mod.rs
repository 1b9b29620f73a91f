//! Seeding, the stage of the data flow that fills an empty database: reference units
//! from the embedded CSVs, then generated facts (officers, Party seats, headquarters,
//! documents, union activities, dialogue, awards) from a fixed seed, written in bulk in
//! one transaction.
//!
//! - [`seed_demo`]: Quảng Ngãi's 173 units with facts that reproduce the article's
//!   figures exactly (16 documents, 57/173 chiefs on the standing committee, 6.61
//!   officers per unit, 60/173 new headquarters in use, 108 volunteer activities,
//!   42 works and models, 31 questions over 6 topics). Every event falls on or before
//!   31 Dec 2024; only target dates of buildings not yet in use reach into 2025. Then
//!   synthetic facts after 2024 up to today (`present`), none of them the article's.
//! - [`seed_synthetic`]: the benchmark [`Tier`]s, with 72 months of history.
//!
//! The same figures, scaled from 173 units to a province's size, drive both: quotas are
//! exact (largest remainder, then drawn), never one coin flip per unit.

mod awards;
mod batch;
mod catalogue;
mod dates;
mod demo;
mod dialogue;
mod documents;
mod error;
mod history;
mod insert;
mod names;
mod national;
mod premises;
mod present;
mod profile;
mod province;
mod questions;
mod quota;
mod reference;
mod registry;
mod restructure;
mod run;
mod staff;
mod synthetic;
mod tier;
mod unions;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

pub use error::SeedError;
pub use reference::ReferenceSet;
pub use tier::Tier;

/// Rows written by a seed run (all zero and `skipped` when nothing was done).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Commune-level units.
    pub units: u64,
    /// Officers.
    pub officers: u64,
    /// Party committee seats (executive and standing).
    pub memberships: u64,
    /// Headquarters rows (new buildings and the premises used before them).
    pub headquarters: u64,
    /// Leadership and direction documents.
    pub directives: u64,
    /// Union activities: volunteer activities, works and models, programmes.
    pub activities: u64,
    /// Dialogue questions.
    pub questions: u64,
    /// Awards.
    pub awards: u64,
    /// True when the database already had units and nothing was written.
    pub skipped: bool,
}

/// Seeds the demo data set: Quảng Ngãi as the article reports it on 31 Dec 2024, then
/// the synthetic history since (Kon Tum, 2025, the 96 units of today) up to the
/// province's today (Asia/Ho_Chi_Minh). Deterministic for a given day (see
/// [`seed_demo_until`]). Does nothing and returns `skipped: true` when the database
/// already has units; otherwise writes everything in one transaction.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<SeedReport, SeedError> {
    demo::seed(db, present::province_today()).await
}

/// The 2024 part of the demo alone: the article's data set, every event on or before
/// 31 Dec 2024 (only target dates later). A fixture whose figures do not depend on the
/// day it is seeded; skipped, like [`seed_demo`], when the database has units.
pub async fn seed_article(db: &DatabaseConnection) -> Result<SeedReport, SeedError> {
    demo::seed_2024(db).await
}

/// [`seed_demo`] with the history cut at `today`: nothing dated after it is written,
/// two runs with the same day write the same rows, and a run with a later day writes
/// the same rows as far as the earlier day (same ids) and adds the days between.
pub async fn seed_demo_until(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> Result<SeedReport, SeedError> {
    demo::seed(db, today).await
}

/// Applies the 2025 restructurings (1 Jan: 173 → 170; 1 Jul: 170 + Kon Tum's 102 →
/// 96) to the seeded demo with the restructuring operation, in one transaction: the
/// police facts follow the units. A second call changes nothing.
pub async fn restructure_demo_2025(db: &DatabaseConnection) -> Result<(), SeedError> {
    demo::restructure_2025(db).await
}

/// Seeds a synthetic benchmark tier, deterministically, in one transaction. Fails with
/// [`SeedError::DatabaseNotEmpty`] when the database already has units.
pub async fn seed_synthetic(db: &DatabaseConnection, tier: Tier) -> Result<SeedReport, SeedError> {
    synthetic::seed(db, tier).await
}

/// True when the database has no unit at all.
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, SeedError> {
    run::units_absent(db).await
}
