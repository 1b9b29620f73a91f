//! Per-request context: the caller, the database, the limits and the DataLoader,
//! reached from any resolver through [`Ctx`].

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, HashMapCache};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::audit::AuditState;
use super::loaders::AppLoader;
use crate::auth::{Principal, Scope};
use crate::config::Limits;

/// What a request carries besides the schema-wide data.
pub struct RequestData {
    /// The authenticated caller.
    pub principal: Principal,
    /// Batches and caches nested lookups (one per request, so it is scoped to the
    /// caller and never serves another request's data).
    pub loader: DataLoader<AppLoader, HashMapCache>,
    /// "Today" for as-of defaults, fixed for the whole request.
    pub today: NaiveDate,
    /// The request's `X-Request-Id` (in audit rows).
    pub request_id: String,
    /// The operation's audit bookkeeping (committed mutations, running audited fields).
    pub audit: AuditState,
}

/// Shorthand accessors on the resolver context.
pub trait Ctx {
    /// The request data.
    fn request(&self) -> &RequestData;
    /// The database pool.
    fn db(&self) -> &DatabaseConnection;
    /// The limits.
    fn limits(&self) -> &Limits;
    /// The caller.
    fn principal(&self) -> &Principal {
        &self.request().principal
    }
    /// The caller's scope.
    fn scope(&self) -> &Scope {
        &self.request().principal.scope
    }
    /// The DataLoader.
    fn loader(&self) -> &DataLoader<AppLoader, HashMapCache> {
        &self.request().loader
    }
}

impl Ctx for Context<'_> {
    fn request(&self) -> &RequestData {
        self.data_unchecked::<RequestData>()
    }
    fn db(&self) -> &DatabaseConnection {
        self.data_unchecked::<DatabaseConnection>()
    }
    fn limits(&self) -> &Limits {
        self.data_unchecked::<Limits>()
    }
}
