//! The service layer's errors. The policy: a caller's own mistake comes back as a
//! variant with a stable code and a message meant for them; anything else (database
//! failures, corrupt rows) is `Internal`/`Database`, whose `Display` is only
//! "internal error" so that SQL text can never reach a client. The cause is logged once
//! at the API boundary.

use chrono::NaiveDate;
use sea_orm::DbErr;

/// An error of a domain operation.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No record with that key (or not visible to the caller).
    #[error("{entity} {key} not found")]
    NotFound { entity: &'static str, key: String },
    /// A unit code that does not exist (or is outside the caller's district).
    #[error("unknown unit code `{0}`")]
    UnknownUnit(String),
    /// An end date before its start date.
    #[error("{field}: end date {end} is before start date {start}")]
    InvalidDateRange {
        field: &'static str,
        start: NaiveDate,
        end: NaiveDate,
    },
    /// A unit already has a chief in post.
    #[error("unit `{0}` already has a chief in post; end that posting first")]
    DuplicateChief(String),
    /// A rank the position does not allow.
    #[error("{0}")]
    RankNotAllowed(String),
    /// Any other invalid value.
    #[error("{field}: {message}")]
    InvalidInput {
        field: &'static str,
        message: String,
    },
    /// An invalid value with a code of its own (`INVALID_CRON`, `INVALID_ADDRESS`, ...).
    #[error("{field}: {message}")]
    Rejected {
        code: &'static str,
        field: &'static str,
        message: String,
    },
    /// Text holding control, bidirectional or invisible characters.
    #[error("{field}: {message}")]
    InvalidText {
        field: &'static str,
        message: String,
    },
    /// A date outside the window a record can have.
    #[error("{field}: {date} is outside the plausible range {from} to {to}")]
    DateOutOfRange {
        field: &'static str,
        date: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// The officer already holds that seat.
    #[error("{0}")]
    DuplicateMembership(String),
    /// Another directive has that number.
    #[error("{0}")]
    DuplicateDirectiveNumber(String),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The database cannot be reached (down, restarting, pool exhausted): worth retrying.
    #[error("the database is not reachable at the moment; try again shortly")]
    Unavailable(DbErr),
    /// A database failure (never shown to clients).
    #[error("internal error")]
    Database(DbErr),
    /// Stored data the code cannot interpret (never shown to clients).
    #[error("internal error")]
    Internal(String),
}

impl ServiceError {
    /// The stable code clients can rely on (`extensions.code` in GraphQL).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "NOT_FOUND",
            Self::UnknownUnit(_) => "UNKNOWN_UNIT",
            Self::InvalidDateRange { .. } => "INVALID_DATE_RANGE",
            Self::DuplicateChief(_) => "DUPLICATE_CHIEF",
            Self::RankNotAllowed(_) => "RANK_NOT_ALLOWED",
            Self::InvalidInput { .. } => "INVALID_INPUT",
            Self::Rejected { code, .. } => code,
            Self::InvalidText { .. } => "INVALID_TEXT",
            Self::DateOutOfRange { .. } => "DATE_OUT_OF_RANGE",
            Self::DuplicateMembership(_) => "DUPLICATE_MEMBERSHIP",
            Self::DuplicateDirectiveNumber(_) => "DUPLICATE_DIRECTIVE_NUMBER",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Unavailable(_) => "DATABASE_UNAVAILABLE",
            Self::Database(_) | Self::Internal(_) => "INTERNAL",
        }
    }

    /// Whether this is a server-side failure (logged, hidden from the client).
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Self::Database(_) | Self::Internal(_) | Self::Unavailable(_)
        )
    }

    /// Shorthand for [`ServiceError::InvalidInput`].
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            message: message.into(),
        }
    }

    /// Shorthand for [`ServiceError::NotFound`].
    pub fn not_found(entity: &'static str, key: impl ToString) -> Self {
        Self::NotFound {
            entity,
            key: key.to_string(),
        }
    }
}

impl From<DbErr> for ServiceError {
    fn from(e: DbErr) -> Self {
        if is_unreachable(&e) {
            Self::Unavailable(e)
        } else {
            Self::Database(e)
        }
    }
}

/// Whether a database error means the server could not be reached (rather than a
/// statement failing): refused or dropped connections, pool timeouts.
pub fn is_unreachable(e: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let runtime = match e {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(r) | DbErr::Exec(r) | DbErr::Query(r) => r,
        _ => return false,
    };
    match runtime {
        RuntimeErr::SqlxError(err) => matches!(
            err.as_ref(),
            Sqlx::Io(_)
                | Sqlx::PoolTimedOut
                | Sqlx::PoolClosed
                | Sqlx::WorkerCrashed
                | Sqlx::Tls(_)
        ),
        // A connection-level error that did not come from the driver.
        RuntimeErr::Internal(_) => matches!(e, DbErr::Conn(_)),
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

/// Checks that `end`, when present, is not before `start`.
pub fn check_range(
    field: &'static str,
    start: NaiveDate,
    end: Option<NaiveDate>,
) -> Result<(), ServiceError> {
    match end {
        Some(end) if end < start => Err(ServiceError::InvalidDateRange { field, start, end }),
        _ => Ok(()),
    }
}

/// Parses a stored code into a domain enum, or reports corrupt data.
pub fn parse_code<T>(
    what: &'static str,
    code: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, ServiceError> {
    parse(code)
        .ok_or_else(|| ServiceError::Internal(format!("stored {what} `{code}` is not known")))
}
