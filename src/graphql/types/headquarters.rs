//! `Headquarters`: a unit's building, with its status derived from its dates.

use std::sync::Arc;

use crate::graphql::carry::Lazy;
use crate::graphql::node::{Kind, global};
use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;
use entity::headquarters;

use super::{Unit, parsed, unit_until};
use crate::domain::{HqModel, HqStatus};
use crate::graphql::context::Ctx;
use crate::service::headquarters::status_on;

/// A unit's headquarters building (or the plan for one).
pub struct Headquarters(pub Arc<headquarters::Model>);

/// The address, left out of a page whose nodes do not ask for it (`graphql::carry::Lazy`).
pub const LAZY: Lazy<headquarters::Column> = &[(headquarters::Column::Address, &["address"])];

impl From<headquarters::Model> for Headquarters {
    fn from(row: headquarters::Model) -> Self {
        Self(Arc::new(row))
    }
}

#[Object]
impl Headquarters {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::Headquarters, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// Unit code.
    async fn unit_code(&self) -> &str {
        &self.0.unit_code
    }
    /// The unit.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        unit_until(ctx, &self.0.unit_code, self.0.closed_on).await
    }
    /// Model of the building.
    async fn model(&self) -> Result<HqModel> {
        parsed("headquarters model", &self.0.model, HqModel::from_code)
    }
    /// Status on `on` (today by default).
    async fn status(&self, ctx: &Context<'_>, on: Option<NaiveDate>) -> HqStatus {
        status_on(&self.0, on.unwrap_or(ctx.request().today))
    }
    /// Address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    /// Budget, in million VND.
    async fn budget_million_vnd(&self) -> Option<i64> {
        self.0.budget_million_vnd
    }
    /// Floor area, in m².
    async fn floor_area_m2(&self) -> Option<f64> {
        self.0.floor_area_m2
    }
    /// Date it should be in use.
    async fn target_date(&self) -> Option<NaiveDate> {
        self.0.target_date
    }
    /// Date the project was approved.
    async fn approved_on(&self) -> Option<NaiveDate> {
        self.0.approved_on
    }
    /// Date construction started.
    async fn construction_started_on(&self) -> Option<NaiveDate> {
        self.0.construction_started_on
    }
    /// Date it came into use.
    async fn in_use_on(&self) -> Option<NaiveDate> {
        self.0.in_use_on
    }
    /// Date it stopped being used.
    async fn closed_on(&self) -> Option<NaiveDate> {
        self.0.closed_on
    }
    /// First day its unit holds the building (null: since its start). A restructuring
    /// passes a building to the successor unit as a row held from the change.
    async fn held_from(&self) -> Option<NaiveDate> {
        self.0.held_from
    }
    /// First day its unit no longer holds it (null: no end): the day a restructuring
    /// passed it on.
    async fn held_to(&self) -> Option<NaiveDate> {
        self.0.held_to
    }
}
