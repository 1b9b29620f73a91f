//! Queries over units and districts.

use async_graphql::{Context, Object, Result};

use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use chrono::NaiveDate;

use crate::graphql::carry::Carry;
use crate::graphql::input::ToDomain;
use crate::graphql::input::districts::{DistrictFilter, DistrictSort};
use crate::graphql::input::units::{UnitFilter, UnitSort};
use crate::graphql::pagination::{Page, connection, connection_carrying};
use crate::graphql::types::{District, Unit};
use crate::service::{districts, units};

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
        let today = ctx.request().today;
        let select = units::query(
            ctx.scope(),
            filter.to_domain().unwrap_or_default(),
            order_by.to_domain().unwrap_or_default(),
            today,
        );
        let carry = Carry::units(ctx).lazy(ctx, crate::graphql::types::unit::LAZY);
        let page = connection_carrying(ctx, select, first, after, Unit::from, carry).await?;
        Ok(page)
    }

    /// The unit with this commune code on `on` (by default the province's today); null
    /// when no unit had the code that day or it is outside the token's scope. Codes are
    /// reused: `unit(code: "21034", on: "2024-12-31")` and `unit(code: "21034")` are
    /// two different communes.
    async fn unit(
        &self,
        ctx: &Context<'_>,
        code: String,
        on: Option<NaiveDate>,
    ) -> Result<Option<Unit>> {
        let on = on.unwrap_or(ctx.request().today);
        let row = units::on(ctx.db(), ctx.scope(), &code, on).await.gql()?;
        Ok(row.map(Unit::from))
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
            filter.to_domain().unwrap_or_default(),
            order_by.to_domain().unwrap_or_default(),
        );
        connection(ctx, select, first, after, District::from).await
    }
}
