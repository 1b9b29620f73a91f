//! Queries over units and districts.

use async_graphql::{Context, Object, Result};

use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::loaders::UnitByCode;
use crate::graphql::pagination::{Page, connection};
use crate::graphql::types::{District, Unit};
use crate::service::districts::{self, DistrictFilter, DistrictSort};
use crate::service::units::{self, UnitFilter, UnitSort};

/// Queries over units and districts.
#[derive(Default)]
pub struct UnitQuery;

#[Object]
impl UnitQuery {
    /// Commune-level units and their police, filtered, sorted and paged.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn units(
        &self,
        ctx: &Context<'_>,
        filter: Option<UnitFilter>,
        order_by: Option<UnitSort>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Unit>> {
        let select = units::query(
            ctx.scope(),
            filter.unwrap_or_default(),
            order_by.unwrap_or_default(),
        );
        let page = connection(ctx, select, first, after, Unit).await?;
        // Nested fields that point back at these units (officer.unit, ...) cost nothing.
        let rows = page
            .edges
            .iter()
            .map(|e| (UnitByCode(e.node.0.code.clone()), e.node.0.clone()));
        ctx.loader().feed_many(rows).await;
        Ok(page)
    }

    /// One unit by its commune code (null when it does not exist or is outside the token's district).
    async fn unit(&self, ctx: &Context<'_>, code: String) -> Result<Option<Unit>> {
        let row = units::by_code(ctx.db(), ctx.scope(), &code).await.gql()?;
        Ok(row.map(Unit))
    }

    /// Districts, filtered, sorted and paged.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn districts(
        &self,
        ctx: &Context<'_>,
        filter: Option<DistrictFilter>,
        order_by: Option<DistrictSort>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<District>> {
        let select = districts::query(
            ctx.scope(),
            filter.unwrap_or_default(),
            order_by.unwrap_or_default(),
        );
        connection(ctx, select, first, after, District).await
    }
}
