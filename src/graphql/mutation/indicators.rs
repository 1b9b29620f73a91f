//! `refreshIndicators`: compute and store a province-wide snapshot now (admins).

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::dataset::DatasetCache;
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::guards::ProvinceAdminGuard;
use crate::indicators::EngineConfig;
use crate::service::indicators;
use crate::telemetry::metrics;

/// What a refresh stored.
#[derive(SimpleObject)]
pub struct IndicatorRefresh {
    /// Rows stored (0 when a snapshot of this data version and day already existed).
    pub rows: u64,
    /// The data version computed from.
    pub data_version: i64,
    /// When.
    pub computed_at: DateTime<Utc>,
}

/// Indicator mutations.
#[derive(Default)]
pub struct IndicatorMutation;

#[Object]
impl IndicatorMutation {
    /// Computes every indicator by every breakdown as of today and stores the snapshot.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn refresh_indicators(&self, ctx: &Context<'_>) -> Result<IndicatorRefresh> {
        let cache = ctx.data_unchecked::<DatasetCache>();
        let today = ctx.request().today;
        let started = std::time::Instant::now();
        let r = indicators::refresh(
            ctx.db(),
            cache,
            today,
            *ctx.data_unchecked::<EngineConfig>(),
        )
        .await;
        metrics::record_indicator_refresh(started.elapsed(), r.is_ok());
        let r = r.gql()?;
        Ok(IndicatorRefresh {
            rows: r.rows,
            data_version: r.data_version,
            computed_at: r.computed_at,
        })
    }
}
