//! Live updates: the `dataChanged` subscription (served over `graphql-transport-ws` by
//! `http::subscriptions`). One watcher per process follows the whole-database data
//! version ([`Changes::watch`]: woken at once by a write of this process, and polling
//! once a second so writes of other replicas reach it too, only while someone listens);
//! each subscriber then looks up the data age of its own scope and hears only when that
//! moved, so an area token is not told of writes it cannot see, and an event carries
//! version numbers, never data.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, Result, SimpleObject, Subscription};
use futures_util::Stream;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use super::error::coded;
use crate::auth::{Principal, Scope};
use crate::service::version;

/// How often the watcher reads the data version while someone listens (writes of this
/// process wake it at once).
pub const POLL: Duration = Duration::from_secs(1);

/// The process's view of the whole-database data version.
#[derive(Clone)]
pub struct Changes {
    tx: Arc<watch::Sender<i64>>,
}

impl Default for Changes {
    fn default() -> Self {
        Self {
            tx: Arc::new(watch::channel(0).0),
        }
    }
}

impl Changes {
    /// Follows the data version until the process ends: see the module doc.
    pub async fn watch(self, db: DatabaseConnection) {
        loop {
            tokio::select! {
                () = version::written() => {}
                () = tokio::time::sleep(POLL) => {}
            }
            if self.tx.receiver_count() == 0 {
                continue;
            }
            match version::current(&db).await {
                Ok(v) => {
                    let v = v.map_or(0, |v| v.version);
                    self.tx.send_if_modified(|seen| {
                        let moved = *seen != v;
                        *seen = v;
                        moved
                    });
                }
                Err(e) => tracing::warn!(error = ?e, "data version watch: lookup failed"),
            }
        }
    }
}

/// What a subscriber is told: its scope's data moved.
#[derive(SimpleObject, Clone, Debug)]
pub struct DataChanged {
    /// The data version the token sees now (as `dataVersion` of the indicators: the
    /// whole database for a province token, the area's own for an area token).
    pub data_version: i64,
    /// Whose data: `province`, or the area code of an area token.
    pub scope: String,
}

/// The subscription root.
#[derive(Default)]
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Fires when data the token can see changed (after the write committed): refresh
    /// then. Nothing is sent at the start.
    async fn data_changed(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = DataChanged>> {
        let principal = ctx
            .data_opt::<Principal>()
            .ok_or_else(|| coded("UNAUTHENTICATED", "a valid token is required"))?;
        let changes = ctx.data::<Changes>()?;
        let db = ctx.data::<DatabaseConnection>()?.clone();
        let scope = principal.scope.clone();
        let rx = changes.tx.subscribe();
        let last = version::age(&db, &scope).await.map(|a| a.version).ok();
        let state = Listener {
            rx,
            db,
            scope,
            last,
        };
        Ok(futures_util::stream::unfold(state, Listener::next))
    }
}

/// One subscriber's state.
struct Listener {
    rx: watch::Receiver<i64>,
    db: DatabaseConnection,
    scope: Scope,
    /// The scope's data version last told (or seen at the start).
    last: Option<i64>,
}

impl Listener {
    async fn next(mut self) -> Option<(DataChanged, Self)> {
        loop {
            self.rx.changed().await.ok()?;
            let Ok(age) = version::age(&self.db, &self.scope).await else {
                continue;
            };
            if self.last == Some(age.version) {
                continue;
            }
            self.last = Some(age.version);
            let event = DataChanged {
                data_version: age.version,
                scope: self
                    .scope
                    .area
                    .clone()
                    .unwrap_or_else(|| version::PROVINCE_WIDE.to_owned()),
            };
            return Some((event, self));
        }
    }
}
