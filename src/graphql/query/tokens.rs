//! Queries about tokens: who am I, and (admins) every token.

use async_graphql::{Context, Object, Result, SimpleObject};

use crate::domain::Role;
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::guards::ProvinceAdminGuard;
use crate::graphql::types::ApiToken;
use crate::service::tokens;

/// The caller, as the server sees it.
#[derive(SimpleObject)]
pub struct Me {
    /// Token name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Area the token is limited to, if any.
    pub area_code: Option<String>,
    /// The area code (kept for clients of the district scope).
    #[graphql(deprecation = "use areaCode: scopes are areas")]
    pub district_code: Option<String>,
}

/// Queries about tokens.
#[derive(Default)]
pub struct TokenQuery;

#[Object]
impl TokenQuery {
    /// The token making this request.
    async fn me(&self, ctx: &Context<'_>) -> Me {
        let p = ctx.principal();
        Me {
            name: p.name.clone(),
            role: p.role,
            area_code: p.scope.area.clone(),
            district_code: p.scope.area.clone(),
        }
    }

    /// Every token, newest first (province admins only).
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn api_tokens(&self, ctx: &Context<'_>) -> Result<Vec<ApiToken>> {
        Ok(tokens::list(ctx.db())
            .await
            .gql()?
            .into_iter()
            .map(ApiToken)
            .collect())
    }
}
