//! The `auditLog` query's filter, turned into `service::audit`'s before the resolver
//! calls it.

use chrono::{DateTime, Utc};

use crate::graphql::mirror::input_object;
use crate::service::audit;

input_object! {
    /// Filters of the `auditLog` query.
    pub struct AuditFilter => audit::AuditFilter {
        /// Rows of this token.
        pub token_id: Option<i32>,
        /// `mutation`, `token`, `analytics`, `export` or `personal_data`.
        pub kind: Option<String>,
        /// The GraphQL field or route, e.g. `createOfficer`.
        pub operation: Option<String>,
        /// `ok` or an error code.
        pub outcome: Option<String>,
        /// Rows at or after this time.
        pub from: Option<DateTime<Utc>>,
        /// Rows before this time.
        pub to: Option<DateTime<Utc>>,
    }
}
