//! Datasets kept in memory until the data version changes, so that dashboards and
//! analysts do not reload every table on every request: one for the whole province and
//! one per district asked for (at most [`MAX_SCOPES`]). Concurrent requests for the same
//! scope wait for one load.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::Mutex;

use super::{Dataset, load};
use crate::auth::Scope;
use crate::service::{self, Result};

/// The most scopes kept; past it the cache starts afresh.
pub const MAX_SCOPES: usize = 128;

/// The most derived results kept.
pub const MAX_DERIVED: usize = 512;

/// One scope's slot: its last dataset, behind a lock that one loader holds at a time.
type Slot = Arc<Mutex<Option<Arc<Dataset>>>>;

/// A result derived from a dataset, with the data version it came from.
type Derived = (i64, Arc<dyn Any + Send + Sync>);

/// Holds the last dataset of each scope, and results derived from them.
#[derive(Clone, Default)]
pub struct DatasetCache {
    slots: Arc<std::sync::Mutex<HashMap<Option<String>, Slot>>>,
    derived: Arc<std::sync::Mutex<HashMap<String, Derived>>>,
    /// The data version, read once for the requests arriving together.
    version: service::version::Current,
}

impl DatasetCache {
    /// The dataset for `scope`: the cached copy when the data version has not moved,
    /// otherwise a fresh load. The load runs in a task of its own: a caller that stops
    /// waiting (a query timeout, a client gone) does not cut its statements mid-flight,
    /// which would hold pool connections, and the finished load still fills the cache.
    pub async fn get(&self, db: &DatabaseConnection, scope: &Scope) -> Result<Arc<Dataset>> {
        let (me, db, scope) = (self.clone(), db.clone(), scope.clone());
        tokio::spawn(async move { me.get_here(&db, &scope).await })
            .await
            .map_err(|e| service::ServiceError::Internal(format!("dataset loader: {e}")))?
    }

    /// The data version row as of a moment after the call (shared with the callers
    /// arriving together: the response cache, the indicators' kept answers, the loads).
    /// The pool, never a transaction: a shared read cannot see a caller's own writes.
    pub async fn version(
        &self,
        db: &DatabaseConnection,
    ) -> Result<Option<entity::data_version::Model>> {
        self.version.get(db).await
    }

    async fn get_here(&self, db: &DatabaseConnection, scope: &Scope) -> Result<Arc<Dataset>> {
        let version = self.version(db).await?.map_or(0, |v| v.version);
        let slot = self.slot(scope);
        let mut slot = slot.lock().await;
        if let Some(ds) = slot.as_ref().filter(|ds| ds.version == version) {
            return Ok(ds.clone());
        }
        let fresh = Arc::new(load(db, scope).await?);
        *slot = Some(fresh.clone());
        Ok(fresh)
    }

    /// A result derived from the dataset of data version `version` under `key` (e.g. the
    /// indicator values of one question), if one was kept.
    pub fn derived<T: Any + Send + Sync>(&self, key: &str, version: i64) -> Option<Arc<T>> {
        let derived = self.derived.lock().unwrap_or_else(|p| p.into_inner());
        let (v, value) = derived.get(key)?;
        (*v == version).then(|| value.clone().downcast::<T>().ok())?
    }

    /// Keeps a derived result (at most [`MAX_DERIVED`]; past it the cache starts afresh).
    pub fn keep<T: Any + Send + Sync>(&self, key: String, version: i64, value: Arc<T>) {
        let mut derived = self.derived.lock().unwrap_or_else(|p| p.into_inner());
        if derived.len() >= MAX_DERIVED && !derived.contains_key(&key) {
            derived.clear();
        }
        derived.insert(key, (version, value));
    }

    fn slot(&self, scope: &Scope) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if slots.len() >= MAX_SCOPES && !slots.contains_key(&scope.area) {
            slots.clear();
        }
        slots.entry(scope.area.clone()).or_default().clone()
    }
}
