//! Token management (province admins only): create and revoke.

use crate::graphql::node::{Kind, argument};
use async_graphql::{Context, ID, Object, Result};

use crate::domain::Role;
use crate::graphql::audit::{committed, record_in_txn};
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::guards::ProvinceAdminGuard;
use crate::graphql::types::{ApiToken, CreatedToken};
use crate::service::{ServiceError, tokens};

/// Token management.
#[derive(Default)]
pub struct TokenMutation;

#[Object]
impl TokenMutation {
    /// Creates a token, limited to an area when `areaCode` is given (`districtCode` is
    /// its older name: a 2024 district's area has the district's code); the secret in
    /// the answer is shown this once only.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        role: Role,
        area_code: Option<String>,
        #[graphql(deprecation = "use areaCode")] district_code: Option<String>,
        name: String,
    ) -> Result<CreatedToken> {
        let area_code = one_area(area_code, district_code).gql()?;
        // The token and its audit row commit together (no data version bump: tokens
        // are not data).
        let txn = crate::service::begin(ctx.db()).await.gql()?;
        let (row, secret) = tokens::create(&txn, role, area_code, &name).await.gql()?;
        record_in_txn(ctx, &txn).await.gql()?;
        txn.commit().await.map_err(ServiceError::from).gql()?;
        committed(ctx);
        Ok(CreatedToken {
            token: ApiToken(row),
            secret,
        })
    }

    /// Revokes a token: it stops working at once.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> Result<ApiToken> {
        let id = argument(Kind::ApiToken, &id)?;
        let txn = crate::service::begin(ctx.db()).await.gql()?;
        let row = tokens::revoke(&txn, id).await.gql()?;
        record_in_txn(ctx, &txn).await.gql()?;
        txn.commit().await.map_err(ServiceError::from).gql()?;
        if let Ok(cache) = ctx.data::<crate::service::token_cache::TokenCache>() {
            cache.forget(id);
        }
        committed(ctx);
        Ok(ApiToken(row))
    }
}

/// `areaCode` or its alias `districtCode` (both only when they agree).
pub(crate) fn one_area(
    area: Option<String>,
    district: Option<String>,
) -> std::result::Result<Option<String>, ServiceError> {
    match (area, district) {
        (Some(a), Some(d)) if a != d => Err(ServiceError::invalid(
            "areaCode",
            "give areaCode or its older name districtCode, not two different codes",
        )),
        (a, d) => Ok(a.or(d)),
    }
}
