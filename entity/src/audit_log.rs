//! One audit row: who (token), what (kind, operation, arguments without secrets), when,
//! and the outcome (`ok` or a stable error code).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// The `X-Request-Id` of the request, when it came over HTTP.
    pub request_id: Option<String>,
    /// The token, or none for the command line.
    pub token_id: Option<i32>,
    pub token_name: String,
    pub role: String,
    /// `mutation`, `token`, `analytics`, `export` or `personal_data`.
    pub kind: String,
    /// The GraphQL field or route, e.g. `createOfficer`, `analyticsQuery`, `officers`.
    pub operation: String,
    /// The arguments as JSON, with secret-looking fields replaced by `"[redacted]"`.
    pub arguments: String,
    /// `ok` or the stable error code.
    pub outcome: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
