//! Queries about areas: every area for the province, an area token its own only.

use async_graphql::{Context, Object, Result};

use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::types::Area;
use crate::service::areas;

/// Queries about areas.
#[derive(Default)]
pub struct AreaQuery;

#[Object]
impl AreaQuery {
    /// The areas the caller may see, by code (an area token: its own).
    #[graphql(complexity = "50 * child_complexity")]
    async fn areas(&self, ctx: &Context<'_>) -> Result<Vec<Area>> {
        Ok(areas::list(ctx.db(), ctx.scope())
            .await
            .gql()?
            .into_iter()
            .map(Area)
            .collect())
    }

    /// One area the caller may see (NOT_FOUND otherwise).
    async fn area(&self, ctx: &Context<'_>, code: String) -> Result<Area> {
        Ok(Area(
            areas::require(ctx.db(), ctx.scope(), &code).await.gql()?,
        ))
    }
}
