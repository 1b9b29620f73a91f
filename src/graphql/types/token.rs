//! `ApiToken` and `CreatedToken`: tokens as admins see them (never the hash).

use crate::graphql::node::{Kind, global};
use async_graphql::{ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::api_token;

use super::parsed;
use crate::domain::Role;

/// An API token (its secret is shown only once, when it is created).
pub struct ApiToken(pub api_token::Model);

#[Object]
impl ApiToken {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::ApiToken, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Role.
    async fn role(&self) -> Result<Role> {
        parsed("role", &self.0.role, Role::from_code)
    }
    /// Area the token is limited to, if any (a 2024 district's area has its code).
    async fn area_code(&self) -> Option<&str> {
        self.0.area_code.as_deref()
    }
    /// The area code (kept for clients of the district scope).
    #[graphql(deprecation = "use areaCode: scopes are areas")]
    async fn district_code(&self) -> Option<&str> {
        self.0.area_code.as_deref()
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was revoked, if it has been.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A new token and its secret: the only time the secret is shown.
#[derive(SimpleObject)]
pub struct CreatedToken {
    /// The token.
    pub token: ApiToken,
    /// The secret to send as `Authorization: Bearer <secret>`.
    pub secret: String,
}
