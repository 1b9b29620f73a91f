//! `auditLog`: the audit trail, newest first (province admins only; read-only: the API
//! has no mutation on it).

use async_graphql::{Context, Object, Result};

use crate::graphql::guards::ProvinceAdminGuard;
use crate::graphql::input::ToDomain;
use crate::graphql::input::audit::AuditFilter;
use crate::graphql::pagination::{Page, connection};
use crate::graphql::types::AuditEntry;
use crate::service::audit;

/// Audit queries.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Audit rows (mutations, analytics queries and exports, reads of officers'
    /// personal data, token changes), filtered and paged, newest first.
    #[graphql(
        guard = "ProvinceAdminGuard",
        complexity = "crate::graphql::pagination::cost(first, child_complexity)"
    )]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<AuditEntry>> {
        let select = audit::query(filter.to_domain().unwrap_or_default());
        connection(ctx, select, first, after, AuditEntry).await
    }
}
