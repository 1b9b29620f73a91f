//! Seeding's error type, the last stop of the seed flow before the caller (CLI or
//! start-up): each variant has a stable code, and a database failure is shown only as
//! "database error" while its cause stays reachable through `source()` for the log.

use sea_orm::DbErr;

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Synthetic data is only written into a database without units.
    #[error(
        "the database already holds units; synthetic data is only seeded into an empty database"
    )]
    DatabaseNotEmpty,
    /// A tier name that is not one of the known tiers.
    #[error(
        "unknown tier `{0}`: expected s, m, l, xl, quang-ngai, five-provinces, national or national-x10"
    )]
    UnknownTier(String),
    /// The embedded reference CSV could not be read.
    #[error("invalid reference data: {0}")]
    InvalidReference(String),
    /// The generator's quotas cannot be met for the given units.
    #[error("the seed plan cannot be met: {0}")]
    InvalidPlan(String),
    /// The database refused a statement; the cause is kept as `source()`, never displayed.
    #[error("database error")]
    Database(#[from] DbErr),
}

impl SeedError {
    /// A stable SCREAMING_SNAKE code for logs and exit messages.
    pub fn code(&self) -> &'static str {
        match self {
            SeedError::DatabaseNotEmpty => "DATABASE_NOT_EMPTY",
            SeedError::UnknownTier(_) => "UNKNOWN_TIER",
            SeedError::InvalidReference(_) => "INVALID_REFERENCE_DATA",
            SeedError::InvalidPlan(_) => "INVALID_SEED_PLAN",
            SeedError::Database(_) => "DATABASE_ERROR",
        }
    }
}
