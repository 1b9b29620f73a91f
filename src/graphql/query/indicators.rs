//! Indicator queries: values as of a day by breakdown, series, definitions. Any token
//! may read them (they are aggregates); an area token gets its area's only.

use async_graphql::{Context, Enum, Object, Result};
use chrono::NaiveDate;

use crate::dataset::DatasetCache;
use crate::graphql::context::Ctx;
use crate::graphql::error::{GqlResult, coded};
use crate::graphql::plain::PlainList;
use crate::graphql::types::{
    IndicatorCategory, IndicatorDefinition, IndicatorGap, IndicatorGroupBy, IndicatorValueObject,
};
use crate::indicators::{self, EngineConfig};
use crate::service::indicators as service;

/// Period of a series.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SeriesPeriod {
    /// Calendar months.
    #[default]
    Month,
    /// Calendar quarters.
    Quarter,
    /// Calendar years.
    Year,
}

impl From<SeriesPeriod> for indicators::Period {
    fn from(p: SeriesPeriod) -> Self {
        match p {
            SeriesPeriod::Month => Self::Month,
            SeriesPeriod::Quarter => Self::Quarter,
            SeriesPeriod::Year => Self::Year,
        }
    }
}

/// Which units each point of a series counts.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SeriesBasis {
    /// The units in force at each point: the denominator changes at a restructuring
    /// (173 in 2024, 170 from 1 Jan 2025, 96 from 1 Jul 2025), and the first point after
    /// one has `structureChanged`.
    #[default]
    AsWas,
    /// Today's units at every point: the records of earlier units moved to the unit they
    /// became through the lineage, so 2024 compares with today like for like. A unit of
    /// today counts as its predecessors together: officers add up, and it has a chief on
    /// the standing committee or a new-model headquarters when one of them did. A divided
    /// unit's records go to the part that kept its code (else the lowest code).
    CurrentUnits,
}

/// The request's indicator context.
fn ask<'a>(ctx: &'a Context<'_>) -> service::Ask<'a> {
    service::Ask {
        db: ctx.db(),
        cache: ctx.data_unchecked::<DatasetCache>(),
        scope: ctx.scope(),
        config: *ctx.data_unchecked::<EngineConfig>(),
    }
}

fn groups(group_by: Option<Vec<IndicatorGroupBy>>) -> Vec<indicators::GroupBy> {
    group_by
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect()
}

/// Indicator queries.
#[derive(Default)]
pub struct IndicatorQuery;

/// Most codes `indicators(groupCodes:)` takes.
pub const MAX_GROUP_CODES: usize = 100;

#[Object]
impl IndicatorQuery {
    /// The indicators' definitions: names, units, targets, thresholds.
    async fn indicator_definitions(&self) -> Vec<IndicatorDefinition> {
        indicators::registry()
            .iter()
            .map(IndicatorDefinition)
            .collect()
    }

    /// Indicator values as of `asOf` (today by default), for the whole scope and each
    /// breakdown in `groupBy`. All indicators when `codes` is not given. `groupCodes`
    /// keeps only the groups with these codes (a province, district, area, kind or unit
    /// code; at most 100), so a page about one district or unit of a country-sized
    /// database asks for its own values, not every group's.
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        codes: Option<Vec<String>>,
        as_of: Option<NaiveDate>,
        group_by: Option<Vec<IndicatorGroupBy>>,
        group_codes: Option<Vec<String>>,
    ) -> Result<PlainList<IndicatorValueObject>> {
        if let Some(n) = group_codes
            .as_ref()
            .map(Vec::len)
            .filter(|n| *n > MAX_GROUP_CODES)
        {
            let msg = format!("groupCodes takes at most {MAX_GROUP_CODES} codes, not {n}");
            return Err(coded("INVALID_INPUT", msg));
        }
        let as_of = as_of.unwrap_or(ctx.request().today);
        let (values, fresh) =
            service::values(ask(ctx), codes.unwrap_or_default(), as_of, groups(group_by))
                .await
                .gql()?;
        let keep = |v: &service::IndicatorValue| {
            group_codes
                .as_ref()
                .is_none_or(|keep| keep.contains(&v.group_code))
        };
        Ok(PlainList(IndicatorValueObject::wrap(values, fresh, keep)))
    }

    /// One indicator as a series: each period from `from` to `to` taken on its last day
    /// (at most 600 periods), on the units in force at each point (`AS_WAS`, each point
    /// after a restructuring marked `structureChanged`) or on today's units throughout
    /// (`CURRENT_UNITS`).
    #[allow(clippy::too_many_arguments)]
    async fn indicator_series(
        &self,
        ctx: &Context<'_>,
        code: String,
        from: NaiveDate,
        to: NaiveDate,
        #[graphql(default)] period: SeriesPeriod,
        group_by: Option<Vec<IndicatorGroupBy>>,
        #[graphql(default)] basis: SeriesBasis,
    ) -> Result<PlainList<IndicatorValueObject>> {
        let periods = indicators::Period::from(period).count(from, to);
        if let Some(n) = periods.filter(|n| *n > indicators::MAX_PERIODS) {
            let msg = format!(
                "a series spans at most {} periods; {from} to {to} by {} is {n}",
                indicators::MAX_PERIODS,
                format!("{period:?}").to_lowercase()
            );
            return Err(coded("INVALID_INPUT", msg));
        }
        let basis = match basis {
            SeriesBasis::AsWas => service::Basis::AsWas,
            SeriesBasis::CurrentUnits => service::Basis::CurrentUnits(ctx.request().today),
        };
        let (values, fresh) = service::series(
            ask(ctx),
            code,
            (from, to),
            period.into(),
            groups(group_by),
            basis,
        )
        .await
        .gql()?;
        Ok(PlainList(IndicatorValueObject::wrap(
            values.into(),
            fresh,
            |_| true,
        )))
    }
}

/// The units that do not meet an indicator.
#[derive(async_graphql::SimpleObject)]
pub struct IndicatorGaps {
    /// Units not meeting it (after the district and kind filters).
    pub total_count: u64,
    /// The first `first` of them, ranked.
    pub units: Vec<IndicatorGap>,
}

/// The headquarters trajectory toward the 100% target.
#[derive(async_graphql::SimpleObject)]
pub struct HqTrajectory {
    /// The day evaluated.
    pub as_of: NaiveDate,
    /// Units.
    pub units: u32,
    /// Units with a new-model headquarters in use.
    pub covered: u32,
    /// Units without one.
    pub missing: u32,
    /// Target coverage, in percent.
    pub target_pct: f64,
    /// Day the target is due.
    pub target_date: NaiveDate,
    /// Units still to cover to reach the target.
    pub needed: u32,
    /// Months left until the target date.
    pub months_left: u32,
    /// Units to cover per month to be on time.
    pub required_per_month: f64,
    /// Units covered over the last 12 months.
    pub achieved_last_12_months: u32,
    /// The pace achieved: units per month over the last 12 months.
    pub achieved_per_month: f64,
    /// The day the target is reached at the achieved pace (none without progress).
    pub projected_date: Option<NaiveDate>,
    /// Whether the target is reached or projected by its date.
    pub on_track: bool,
    /// When the data was last changed.
    pub data_as_of: Option<chrono::DateTime<chrono::Utc>>,
}

/// Gap lists, trajectory and categories.
#[derive(Default)]
pub struct IndicatorDetailQuery;

#[Object]
impl IndicatorDetailQuery {
    /// The units that do not meet a rate or threshold indicator, ranked (units without
    /// a chief or furthest from the floor or the target first).
    async fn indicator_gaps(
        &self,
        ctx: &Context<'_>,
        code: String,
        as_of: Option<NaiveDate>,
        district_code: Option<String>,
        kind: Option<crate::domain::UnitKind>,
        #[graphql(default = 200)] first: i32,
    ) -> Result<IndicatorGaps> {
        let as_of = as_of.unwrap_or(ctx.request().today);
        let filter = (district_code, kind.map(|k| k.code().to_owned()));
        let limit = usize::try_from(first).unwrap_or(0);
        let (units, total_count) = service::gaps(ask(ctx), code, as_of, filter, limit)
            .await
            .gql()?;
        let units = units.into_iter().map(IndicatorGap::from).collect();
        Ok(IndicatorGaps { total_count, units })
    }

    /// The new-model headquarters coverage against its target: pace needed, pace
    /// achieved over the last 12 months, projected date.
    async fn hq_trajectory(
        &self,
        ctx: &Context<'_>,
        as_of: Option<NaiveDate>,
    ) -> Result<HqTrajectory> {
        let as_of = as_of.unwrap_or(ctx.request().today);
        let (t, fresh) = service::trajectory(ask(ctx), as_of).await.gql()?;
        Ok(HqTrajectory {
            as_of: t.as_of,
            units: t.units,
            covered: t.covered,
            missing: t.missing,
            target_pct: t.target_pct,
            target_date: t.target_date,
            needed: t.needed,
            months_left: t.months_left,
            required_per_month: t.required_per_month,
            achieved_last_12_months: t.achieved_last_12_months,
            achieved_per_month: t.achieved_per_month,
            projected_date: t.projected_date,
            on_track: t.on_track,
            data_as_of: fresh.data_as_of,
        })
    }

    /// Dialogue questions by topic (with the share answered), or awards by form and issuer.
    async fn indicator_categories(
        &self,
        ctx: &Context<'_>,
        code: String,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<IndicatorCategory>> {
        let as_of = as_of.unwrap_or(ctx.request().today);
        let rows = service::categories(ask(ctx), code, as_of).await.gql()?;
        Ok(rows.into_iter().map(IndicatorCategory::from).collect())
    }
}
