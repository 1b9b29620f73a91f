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
    /// District the token is limited to, if any.
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
            district_code: p.scope.district.clone(),
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
