//! The province-wide dataset, kept in memory until the data version changes, so that
//! dashboards and analysts do not reload every table on every request. District-scoped
//! callers load their (small) slice directly.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::Mutex;

use super::{Dataset, load};
use crate::auth::Scope;
use crate::service::{self, Result};

/// Holds the last province-wide dataset.
#[derive(Clone, Default)]
pub struct DatasetCache {
    slot: Arc<Mutex<Option<Arc<Dataset>>>>,
}

impl DatasetCache {
    /// The dataset for `scope`: the cached copy when the scope is the whole province and
    /// the data version has not moved, otherwise a fresh load. The load runs in a task of
    /// its own: a caller that stops waiting (a query timeout, a client gone) does not cut
    /// its statements mid-flight, which would hold pool connections, and the finished
    /// load still fills the cache.
    pub async fn get(&self, db: &DatabaseConnection, scope: &Scope) -> Result<Arc<Dataset>> {
        let (me, db, scope) = (self.clone(), db.clone(), scope.clone());
        tokio::spawn(async move { me.get_here(&db, &scope).await })
            .await
            .map_err(|e| service::ServiceError::Internal(format!("dataset loader: {e}")))?
    }

    async fn get_here(&self, db: &DatabaseConnection, scope: &Scope) -> Result<Arc<Dataset>> {
        if scope.district.is_some() {
            return Ok(Arc::new(load(db, scope).await?));
        }
        let version = service::version::current(db)
            .await?
            .map_or(0, |v| v.version);
        let mut slot = self.slot.lock().await;
        if let Some(ds) = slot.as_ref().filter(|ds| ds.version == version) {
            return Ok(ds.clone());
        }
        let fresh = Arc::new(load(db, scope).await?);
        *slot = Some(fresh.clone());
        Ok(fresh)
    }
}
