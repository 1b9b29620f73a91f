//! The restructuring operation (`coso restructure apply`, the `applyRestructuring`
//! mutation, and the demo seed's 2025 steps): a province admin's plan of predecessor →
//! successor units for an effective day D is read (`plan`), checked against the stored
//! unit periods (`check`: refused whole, every problem with its line and code, before
//! anything is written), then applied in the caller's transaction: the units' side
//! (`structure`: successor periods, lineage, editions) and the police facts' side
//! (`facts`: postings, chiefs, seats, headquarters). The [`Report`] says what changed
//! per successor. Applying the same plan again changes nothing and says so.
//!
//! Dates: facts' intervals are half-open (a posting moved on D gets `posted_to = D`),
//! unit periods' `valid_to` is inclusive (a predecessor ends on D-1).

mod check;
mod error;
mod facts;
mod plan;
mod report;
mod structure;

pub use error::{PlanError, RestructureError};
pub use facts::{ChiefChoice, SuccessorChange};
pub use report::Report;

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use crate::service::version;

/// Lock class serialising two restructurings on PostgreSQL (see `service::serialise`).
const LOCK_CLASS: i32 = 7_260_009;

/// Reads `plan` (CSV text), checks it for the effective day `effective` and, unless
/// `dry_run`, applies it with `db` (a transaction the caller commits). A refused plan
/// writes nothing. When something changed, the data version and the province-wide
/// scope are bumped so that no cached answer hides the change.
pub async fn apply(
    db: &impl ConnectionTrait,
    plan: &str,
    effective: NaiveDate,
    dry_run: bool,
) -> Result<Report, RestructureError> {
    let (lines, mut errors) = plan::parse(plan);
    let count = lines.len();
    if !dry_run {
        crate::service::serialise(db, LOCK_CLASS, 0).await?;
    }
    let resolved = match check::check(db, lines, effective).await? {
        Ok(resolved) if errors.is_empty() => resolved,
        Ok(_) => return Err(RestructureError::Rejected(errors)),
        Err(more) => {
            errors.extend(more);
            errors.sort_by_key(|e| e.line);
            return Err(RestructureError::Rejected(errors));
        }
    };
    let write = !dry_run;
    let structure = structure::apply(db, &resolved, write).await?;
    let facts = facts::apply(db, &resolved, write).await?;
    let report = Report {
        effective,
        dry_run,
        lines: count,
        structure,
        facts,
    };
    if write && report.changed() {
        version::bump(db).await?;
        version::bump_scope(db, version::PROVINCE_WIDE, chrono::Utc::now())
            .await
            .map_err(crate::service::ServiceError::from)?;
    }
    Ok(report)
}
