//! `AuditEntry`: one row of the audit log, as admins read it.

use crate::graphql::node::{Kind, global};
use async_graphql::{ID, Json, Object};
use chrono::{DateTime, Utc};
use entity::audit_log;

/// A recorded mutation, analytics query or export, read of officers' personal data, or
/// token change.
pub struct AuditEntry(pub audit_log::Model);

#[Object]
impl AuditEntry {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::AuditEntry, self.0.id)
    }
    /// Record id (increasing).
    async fn db_id(&self) -> i64 {
        self.0.id
    }
    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// The request's `X-Request-Id`.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// The token (null for the command line).
    async fn token_id(&self) -> Option<i32> {
        self.0.token_id
    }
    /// The token's name.
    async fn token_name(&self) -> &str {
        &self.0.token_name
    }
    /// The token's role code (`admin`, `analyst`, `viewer`).
    async fn role(&self) -> &str {
        &self.0.role
    }
    /// `mutation`, `token`, `analytics`, `export` or `personal_data`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// The GraphQL field or route, e.g. `createOfficer`, `analyticsQuery`, `officers`.
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    /// The arguments (secrets redacted).
    async fn arguments(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.arguments).unwrap_or_default())
    }
    /// `ok` or the stable error code.
    async fn outcome(&self) -> &str {
        &self.0.outcome
    }
}
