//! Per-request context: the caller, the database, the limits and the DataLoader,
//! reached from any resolver through [`Ctx`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, HashMapCache};

/// The request's loader cache: a map hashed with foldhash, not SipHash (every nested
/// field of an answer looks its key up there; SipHash was 6% of the instructions of
/// 100 awards with their unit and officer). The keys are codes, ids and dates from the
/// database and the request, in a map that lives for one request.
pub type LoaderCache = HashMapCache<foldhash::fast::RandomState>;
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
    pub loader: DataLoader<AppLoader, LoaderCache>,
    /// "Today" for as-of defaults, fixed for the whole request.
    pub today: NaiveDate,
    /// The request's `X-Request-Id` (in audit rows).
    pub request_id: String,
    /// The operation's audit bookkeeping (committed mutations, running audited fields).
    pub audit: AuditState,
    /// The cost budget the operations of one HTTP request share.
    pub budget: Arc<Budget>,
}

/// What is left of one HTTP request's complexity budget: the operations of a batch share
/// `COSO_MAX_COMPLEXITY`, so ten operations cannot cost ten times the limit.
#[derive(Debug)]
pub struct Budget(AtomicU64);

impl Budget {
    /// A budget of `limit`.
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self(AtomicU64::new(limit as u64)))
    }

    /// What is left.
    pub fn remaining(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Takes `cost` from the budget; false (and nothing taken) when less is left.
    pub fn spend(&self, cost: u64) -> bool {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(cost)
            })
            .is_ok()
    }
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
    fn loader(&self) -> &DataLoader<AppLoader, LoaderCache> {
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
