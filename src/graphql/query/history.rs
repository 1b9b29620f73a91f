//! Queries over the administrative history: editions, the units valid on a day, the
//! periods of a code and a unit's lineage. Reference data: every token sees all of it.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::NaiveDate;

use crate::graphql::context::Ctx;
use crate::graphql::error::{GqlResult, coded};
use crate::graphql::pagination::{self, Page};
use crate::graphql::types::{
    EditionChangeSummary, LineageLink, LineageStep, UnitEdition, UnitLineage, UnitPeriod,
};
use crate::service::history::{self, Link, MAX_UNITS_PAGE};
use crate::service::lineage::{self, Step};

/// Largest `first` of `administrativeChanges`.
const MAX_CHANGES_PAGE: i32 = 200;

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
    /// Deprecated: `units(filter: { activeOn })` lists the same unit periods, scoped to
    /// the caller, with their facts and Relay cursors.
    #[graphql(
        complexity = "first.map_or(100, |n| n.clamp(1, 200) as usize) * child_complexity.max(1)",
        deprecation = "use units(filter: { activeOn }): the unit periods of a day, scoped, with their facts"
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

    /// The unit with this code on `on` (today by default), its direct predecessors and
    /// successors (at most 100 each), and its whole `ancestry` and `descent` (at most
    /// 1,000 links each, as many levels as there are editions); null when no unit had
    /// that code that day.
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

    /// The changes (lineage links) that took effect from `from` to `to` (both included;
    /// `from` not after `to`, at most 36,600 days), optionally touching one province
    /// (either end a unit of it), each with both ends; links that changed nothing
    /// (`unchanged`, `continued`) only with `includeUnchanged`. By effective day, then
    /// link: `first` (default 50, at most 200) after the cursor `after`.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn administrative_changes(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        to: NaiveDate,
        province_code: Option<String>,
        #[graphql(default_with = "Some(false)")] include_unchanged: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<LineageStep>> {
        if first.is_some_and(|n| !(0..=MAX_CHANGES_PAGE).contains(&n)) {
            return Err(coded(
                "INVALID_INPUT",
                format!("first: must be between 0 and {MAX_CHANGES_PAGE}"),
            ));
        }
        let listing = lineage::changes(
            from,
            to,
            province_code.as_deref(),
            include_unchanged.unwrap_or(false),
        )
        .gql()?;
        let mut page = pagination::connection(ctx, listing, first, after, |link| {
            LineageStep(Step {
                link,
                depth: 1,
                from: None,
                to: None,
            })
        })
        .await?;
        let links = page.edges.iter().map(|e| e.node.0.link.clone()).collect();
        let steps = lineage::ends_of(ctx.db(), links).await.gql()?;
        for (edge, step) in page.edges.iter_mut().zip(steps) {
            edge.node = LineageStep(step);
        }
        Ok(page)
    }

    /// Per edition that took effect from `from` to `to` (optionally of one province),
    /// oldest first: its act and the units before and after (e.g. 1 Jan 2025,
    /// 1279/NQ-UBTVQH15: 173 -> 170 for province 51). At most 200 editions.
    #[graphql(complexity = "200 * child_complexity")]
    async fn administrative_change_summary(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        to: NaiveDate,
        province_code: Option<String>,
    ) -> Result<Vec<EditionChangeSummary>> {
        let rows = lineage::summary(ctx.db(), from, to, province_code.as_deref())
            .await
            .gql()?;
        Ok(rows.into_iter().map(EditionChangeSummary).collect())
    }
}
