//! GraphQL output types: one wrapper per entity row, with nested fields resolved
//! through the DataLoaders and enumerated codes parsed into domain enums.

mod area;
mod audit;
pub(crate) mod award;
pub(crate) mod dialogue;
pub(crate) mod directive;
mod district;
pub(crate) mod headquarters;
mod history;
mod indicator;
mod indicator_detail;
mod membership;
pub(crate) mod officer;
mod report_run;
mod schedule;
mod token;
pub(crate) mod union_activity;
pub(crate) mod unit;

pub use area::{Area, AreaKind, AreaMember};
pub use audit::AuditEntry;
pub use award::Award;
pub use dialogue::{DialogueQuestion, DialogueSession};
pub use directive::Directive;
pub use district::District;
pub use headquarters::Headquarters;
pub use history::{
    EditionChangeSummary, LineageLink, LineageReach, LineageShare, LineageStep, ProvinceUnitCount,
    UnitEdition, UnitKindCount, UnitLineage, UnitPeriod,
};
pub use indicator::{IndicatorDefinition, IndicatorGroupBy, IndicatorStatus, IndicatorValueObject};
pub use indicator_detail::{IndicatorCategory, IndicatorGap};
pub use membership::PartyMembership;
pub use officer::Officer;
pub use report_run::{ArchivedFile, ReportArchive, ReportDelivery, ReportPreview, ReportRun};
pub use schedule::{ReportRecipient, ReportSchedule};
pub use token::{ApiToken, CreatedToken};
pub use union_activity::UnionActivity;
pub use unit::Unit;

use std::sync::Arc;

use async_graphql::{Context, Result};
use chrono::NaiveDate;

use super::context::Ctx;
use super::error::GqlResult;
use super::loaders::{OfficerById, OfficerRankById, PeriodOn};
use crate::service::error_parse;

/// Parses a stored code into a domain enum (an unknown code is an internal error).
fn parsed<T>(what: &'static str, code: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    error_parse(what, code, parse).gql()
}

/// Loads, for a nested field, the unit a record at `code` on `day` belongs to (the
/// code's period in force that day).
async fn unit_of(ctx: &Context<'_>, code: &str, day: NaiveDate) -> Result<Option<Unit>> {
    let period = ctx
        .loader()
        .load_one(PeriodOn(code.to_owned(), day))
        .await
        .gql()?;
    Ok(period.flatten().map(Unit))
}

/// The unit of a record that holds until `end` (the first day no longer held; none:
/// still held): the code's period on its last day, or today.
async fn unit_until(ctx: &Context<'_>, code: &str, end: Option<NaiveDate>) -> Result<Option<Unit>> {
    let day = crate::service::units::day_until(end, ctx.request().today);
    unit_of(ctx, code, day).await
}

/// A nested list from a loader's shared rows (none: the key has no rows): each answer
/// takes a row, not a copy of it.
fn shared_rows<M, T>(rows: Option<Arc<[Arc<M>]>>, wrap: fn(Arc<M>) -> T) -> Vec<T> {
    rows.map_or_else(Vec::new, |rows| rows.iter().cloned().map(wrap).collect())
}

/// Loads an officer by id for a nested field: for its rank alone when that is all the
/// field asks for (`officer::ranked_only`), else the whole row.
async fn officer_of(ctx: &Context<'_>, id: i32) -> Result<Option<Officer>> {
    if officer::ranked_only(ctx) {
        let row = ctx.loader().load_one(OfficerRankById(id)).await.gql()?;
        return Ok(row.map(Officer::from));
    }
    let row = ctx.loader().load_one(OfficerById(id)).await.gql()?;
    Ok(row.map(Officer::from))
}

#[cfg(test)]
mod tests {
    use async_graphql::{ScalarType, Value};
    use chrono::NaiveDate;

    #[test]
    fn a_day_is_written_as_its_iso_text() {
        // The patched scalar writes chrono's `Display`; it must stay `%Y-%m-%d`.
        for (y, m, d) in [
            (1, 1, 1),
            (2025, 7, 1),
            (9999, 12, 31),
            (-1, 3, 4),
            (10_000, 1, 1),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).expect("a day");
            let written = ScalarType::to_value(&day);
            assert_eq!(written, Value::String(day.format("%Y-%m-%d").to_string()));
        }
        let day = NaiveDate::from_ymd_opt(2024, 12, 31).expect("a day");
        assert_eq!(
            ScalarType::to_value(&day),
            Value::String("2024-12-31".into())
        );
    }
}
