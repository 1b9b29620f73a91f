//! Query root: one object per domain, merged.

mod analytics;
mod areas;
mod audit;
mod facts;
mod history;
mod imports;
mod indicators;
mod people;
mod schedules;
mod tokens;
mod units;

use async_graphql::MergedObject;

pub use imports::ImportRecord;

/// Every query.
#[derive(MergedObject, Default)]
pub struct Query(
    units::UnitQuery,
    people::PeopleQuery,
    facts::FactQuery,
    tokens::TokenQuery,
    analytics::AnalyticsQuery,
    indicators::IndicatorQuery,
    indicators::IndicatorDetailQuery,
    schedules::ScheduleQuery,
    audit::AuditQuery,
    history::HistoryQuery,
    areas::AreaQuery,
    imports::ImportQuery,
    crate::graphql::node::NodeQuery,
);
