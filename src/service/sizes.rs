//! How much data a caller's scope holds: the unit, district and area counts that the
//! GraphQL layer prices computing fields by (a breakdown by unit yields one row per unit;
//! `areas` one entry per area the caller sees).

use std::sync::Arc;

use entity::{area, unit_period as unit};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QuerySelect};

use super::{Result, scope};
use crate::auth::Scope;
use crate::dataset::DatasetCache;

/// Counts of the caller's data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sizes {
    /// Unit periods in scope (every unit of every period, valid or not: an upper bound).
    pub units: u64,
    /// Districts with units in scope.
    pub districts: u64,
    /// Areas the caller sees (an area token: its own).
    pub areas: u64,
}

/// The sizes of `scope`'s data, kept in `cache` under the data version: every
/// write bumps it, so a kept count is never older than the data. A request costs the
/// version lookup; counting (a scan of the unit periods: 5 ms of PostgreSQL on the
/// national tier) is done once per scope and version.
pub async fn sizes_kept(
    db: &sea_orm::DatabaseConnection,
    cache: &DatasetCache,
    scope: &Scope,
) -> Result<Sizes> {
    let version = cache.version(db).await?.map_or(0, |v| v.version);
    let key = format!("sizes|{:?}", scope.area);
    if let Some(kept) = cache.derived::<Sizes>(&key, version) {
        return Ok(*kept);
    }
    let counted = sizes(db, scope).await?;
    cache.keep(key, version, Arc::new(counted));
    Ok(counted)
}

/// The sizes of `scope`'s data, in two statements.
pub async fn sizes(db: &impl ConnectionTrait, scope: &Scope) -> Result<Sizes> {
    let counts = scope::apply(unit::Entity::find(), scope)
        .select_only()
        .column_as(Expr::col(unit::Column::Code).count(), "units")
        .column_as(
            Expr::col(unit::Column::DistrictCode).count_distinct(),
            "districts",
        )
        .into_tuple::<(i64, i64)>()
        .one(db)
        .await?;
    let (units, districts) = counts.unwrap_or_default();
    let areas = scope::apply(area::Entity::find(), scope).count(db).await?;
    Ok(Sizes {
        units: u64::try_from(units).unwrap_or(0),
        districts: u64::try_from(districts).unwrap_or(0),
        areas,
    })
}
