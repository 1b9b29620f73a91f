//! The restructuring operation's errors: a refused plan lists every problem found
//! (line, stable code, reason) and nothing is written; anything else is a service
//! failure, shown to clients as the service layer shows it (never SQL text).

use crate::service::ServiceError;

/// One problem of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError {
    /// The line of the CSV text (1 = the header or the plan as a whole).
    pub line: usize,
    /// `PLAN_INVALID`, `PLAN_UNKNOWN_CODE`, `PLAN_DATE_OUT_OF_ORDER` or
    /// `PLAN_DUPLICATE_LINE`.
    pub code: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

impl PlanError {
    /// A malformed line or value.
    pub fn invalid(line: usize, message: String) -> Self {
        Self {
            line,
            code: "PLAN_INVALID",
            message,
        }
    }

    /// A code that names no unit in force where the plan needs one.
    pub fn unknown(line: usize, message: String) -> Self {
        Self {
            line,
            code: "PLAN_UNKNOWN_CODE",
            message,
        }
    }

    /// A date that contradicts the effective day or the stored periods.
    pub fn date(line: usize, message: String) -> Self {
        Self {
            line,
            code: "PLAN_DATE_OUT_OF_ORDER",
            message,
        }
    }

    /// The same predecessor → successor link twice.
    pub fn duplicate(line: usize, message: String) -> Self {
        Self {
            line,
            code: "PLAN_DUPLICATE_LINE",
            message,
        }
    }
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.code, self.message)
    }
}

/// Why `restructure apply` did nothing.
#[derive(Debug, thiserror::Error)]
pub enum RestructureError {
    /// The plan was refused as a whole; every problem is listed.
    #[error("the plan was refused ({} problem(s)); nothing was written", .0.len())]
    Rejected(Vec<PlanError>),
    /// A failure of the service layer (database, ...).
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl RestructureError {
    /// The stable code: `PLAN_REJECTED` or the service error's.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Rejected(_) => "PLAN_REJECTED",
            Self::Service(e) => e.code(),
        }
    }
}

impl From<sea_orm::DbErr> for RestructureError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Service(e.into())
    }
}
