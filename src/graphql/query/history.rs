//! Queries over the administrative history: editions, the units valid on a day, the
//! periods of a code and a unit's lineage. Reference data: every token sees all of it.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::NaiveDate;

use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::types::{LineageLink, UnitEdition, UnitLineage, UnitPeriod};
use crate::service::history::{self, Link, MAX_UNITS_PAGE};

/// Page size of `unitsOn` when `first` is not given.
const DEFAULT_UNITS_PAGE: u64 = 100;

/// A page of unit periods, by code.
#[derive(SimpleObject)]
pub struct UnitPeriodPage {
    /// Number of units valid on the day (all pages).
    total_count: u64,
    /// The units of this page, by code.
    nodes: Vec<UnitPeriod>,
    /// The code to pass as `after` for the next page (null on the last page).
    next_after: Option<String>,
}

/// Queries over the administrative history.
#[derive(Default)]
pub struct HistoryQuery;

fn links(rows: Vec<Link>) -> Vec<LineageLink> {
    rows.into_iter()
        .map(|(row, other)| LineageLink {
            district_code: row.from_district_code.clone(),
            row,
            other,
        })
        .collect()
}

#[Object]
impl HistoryQuery {
    /// The editions of the provinces' unit lists (at most 100), oldest first: optionally
    /// of one province, and only those in force on `on`.
    #[graphql(complexity = "10 * child_complexity")]
    async fn unit_editions(
        &self,
        ctx: &Context<'_>,
        province_code: Option<String>,
        on: Option<NaiveDate>,
    ) -> Result<Vec<UnitEdition>> {
        let rows = history::editions(ctx.db(), province_code, on).await.gql()?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let kinds = history::kinds_of_edition(ctx.db(), &row).await.gql()?;
            out.push(UnitEdition { row, kinds });
        }
        Ok(out)
    }

    /// The commune-level units valid on `on` (today by default), optionally of one
    /// province, by code: `first` (default 100, at most 200) after the code `after`.
    #[graphql(
        complexity = "first.map_or(100, |n| n.clamp(1, 200) as usize) * child_complexity.max(1)"
    )]
    async fn units_on(
        &self,
        ctx: &Context<'_>,
        on: Option<NaiveDate>,
        province_code: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<UnitPeriodPage> {
        let on = on.unwrap_or(ctx.request().today);
        let first = first.map_or(DEFAULT_UNITS_PAGE, |n| n.max(1) as u64);
        let first = first.min(MAX_UNITS_PAGE);
        let (rows, total) = history::units_on(ctx.db(), on, province_code, first, after)
            .await
            .gql()?;
        let next_after = (rows.len() as u64 == first)
            .then(|| rows.last().map(|r| r.code.clone()))
            .flatten();
        Ok(UnitPeriodPage {
            total_count: total,
            nodes: rows.into_iter().map(UnitPeriod).collect(),
            next_after,
        })
    }

    /// Every period of a commune code (at most 100), oldest first, with its name then.
    #[graphql(complexity = "5 * child_complexity")]
    async fn unit_periods(&self, ctx: &Context<'_>, code: String) -> Result<Vec<UnitPeriod>> {
        let rows = history::periods_of(ctx.db(), &code).await.gql()?;
        Ok(rows.into_iter().map(UnitPeriod).collect())
    }

    /// The unit with this code on `on` (today by default) and its direct predecessors and
    /// successors (at most 100 each); null when no unit had that code that day.
    #[graphql(complexity = "20 * child_complexity")]
    async fn unit_lineage(
        &self,
        ctx: &Context<'_>,
        code: String,
        on: Option<NaiveDate>,
    ) -> Result<Option<UnitLineage>> {
        let on = on.unwrap_or(ctx.request().today);
        let Some(unit) = history::period_on(ctx.db(), &code, on).await.gql()? else {
            return Ok(None);
        };
        let (before, after) = history::lineage(ctx.db(), &unit).await.gql()?;
        Ok(Some(UnitLineage {
            unit,
            predecessors: links(before),
            successors: links(after),
        }))
    }
}
