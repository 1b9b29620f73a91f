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
use crate::graphql::error::GqlResult;
use crate::service::ServiceError;
use crate::service::headquarters::{HqStatusRow, StatusDates, status_on};

/// A unit's headquarters building (or the plan for one): the whole row, or (a unit's
/// `headquarters` asking only for [`STATUS_FIELDS`]) its model and status alone. Rows
/// are shared with the loader that fetched them.
pub struct Headquarters(Row);

/// The address, left out of a page whose nodes do not ask for it (`graphql::carry::Lazy`).
pub const LAZY: Lazy<headquarters::Column> = &[(headquarters::Column::Address, &["address"])];

/// The fields a building read for its model and status alone ([`HqStatusRow`]) can
/// answer.
pub const STATUS_FIELDS: [&str; 11] = [
    "id",
    "dbId",
    "unitCode",
    "unit",
    "model",
    "status",
    "approvedOn",
    "constructionStartedOn",
    "inUseOn",
    "closedOn",
    "__typename",
];

enum Row {
    Whole(Arc<headquarters::Model>),
    Status(Arc<HqStatusRow>),
}

/// Whether the field's selection (fragments included) asks only for what a status row
/// holds ([`STATUS_FIELDS`]).
pub(super) fn status_only(ctx: &Context<'_>) -> bool {
    ctx.field()
        .selection_set()
        .all(|f| STATUS_FIELDS.contains(&f.name()))
}

impl From<headquarters::Model> for Headquarters {
    fn from(row: headquarters::Model) -> Self {
        Self(Row::Whole(Arc::new(row)))
    }
}

impl From<Arc<headquarters::Model>> for Headquarters {
    fn from(row: Arc<headquarters::Model>) -> Self {
        Self(Row::Whole(row))
    }
}

impl From<Arc<HqStatusRow>> for Headquarters {
    fn from(row: Arc<HqStatusRow>) -> Self {
        Self(Row::Status(row))
    }
}

impl Headquarters {
    fn db_id_of(&self) -> i32 {
        match &self.0 {
            Row::Whole(r) => r.id,
            Row::Status(r) => r.id,
        }
    }

    fn unit_code_of(&self) -> &str {
        match &self.0 {
            Row::Whole(r) => &r.unit_code,
            Row::Status(r) => &r.unit_code,
        }
    }

    fn model_of(&self) -> &str {
        match &self.0 {
            Row::Whole(r) => &r.model,
            Row::Status(r) => &r.model,
        }
    }

    fn dates(&self) -> StatusDates {
        match &self.0 {
            Row::Whole(r) => StatusDates::from(&**r),
            Row::Status(r) => StatusDates::from(&**r),
        }
    }

    /// The whole row: a field outside [`STATUS_FIELDS`] on a building read for its
    /// status alone is a bug in the caller's choice, answered as an internal error,
    /// never as an empty value.
    fn whole(&self) -> Result<&headquarters::Model> {
        match &self.0 {
            Row::Whole(r) => Ok(r),
            Row::Status(r) => Err(ServiceError::Internal(format!(
                "headquarters {} was read for its status alone",
                r.id
            )))
            .gql(),
        }
    }
}

#[Object]
impl Headquarters {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::Headquarters, self.db_id_of())
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.db_id_of()
    }
    /// Unit code.
    async fn unit_code(&self) -> &str {
        self.unit_code_of()
    }
    /// The unit.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        unit_until(ctx, self.unit_code_of(), self.dates().closed_on).await
    }
    /// Model of the building.
    async fn model(&self) -> Result<HqModel> {
        parsed("headquarters model", self.model_of(), HqModel::from_code)
    }
    /// Status on `on` (today by default).
    async fn status(&self, ctx: &Context<'_>, on: Option<NaiveDate>) -> HqStatus {
        status_on(self.dates(), on.unwrap_or(ctx.request().today))
    }
    /// Address.
    async fn address(&self) -> Result<Option<&str>> {
        Ok(self.whole()?.address.as_deref())
    }
    /// Budget, in million VND.
    async fn budget_million_vnd(&self) -> Result<Option<i64>> {
        Ok(self.whole()?.budget_million_vnd)
    }
    /// Floor area, in m².
    async fn floor_area_m2(&self) -> Result<Option<f64>> {
        Ok(self.whole()?.floor_area_m2)
    }
    /// Date it should be in use.
    async fn target_date(&self) -> Result<Option<NaiveDate>> {
        Ok(self.whole()?.target_date)
    }
    /// Date the project was approved.
    async fn approved_on(&self) -> Option<NaiveDate> {
        self.dates().approved_on
    }
    /// Date construction started.
    async fn construction_started_on(&self) -> Option<NaiveDate> {
        self.dates().construction_started_on
    }
    /// Date it came into use.
    async fn in_use_on(&self) -> Option<NaiveDate> {
        self.dates().in_use_on
    }
    /// Date it stopped being used.
    async fn closed_on(&self) -> Option<NaiveDate> {
        self.dates().closed_on
    }
    /// First day its unit holds the building (null: since its start). A restructuring
    /// passes a building to the successor unit as a row held from the change.
    async fn held_from(&self) -> Result<Option<NaiveDate>> {
        Ok(self.whole()?.held_from)
    }
    /// First day its unit no longer holds it (null: no end): the day a restructuring
    /// passed it on.
    async fn held_to(&self) -> Result<Option<NaiveDate>> {
        Ok(self.whole()?.held_to)
    }
}
