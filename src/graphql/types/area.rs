//! `Area`: the scope of a token or report recipient, with its member rows and the unit
//! periods it holds on a day (`service::areas`).

use crate::graphql::node::{Kind, global};
use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{area, area_member};

use super::UnitPeriod;
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::service::areas;

/// What an area is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AreaKind {
    /// A 2024 district; from 1 Jul 2025 the successors of its units.
    District,
    /// Defined by a province admin.
    Custom,
    /// One unit period.
    Unit,
}

impl AreaKind {
    fn of(code: &str) -> Result<Self> {
        match code {
            areas::DISTRICT => Ok(Self::District),
            areas::CUSTOM => Ok(Self::Custom),
            areas::UNIT => Ok(Self::Unit),
            other => Err(crate::service::ServiceError::Internal(format!(
                "unknown area kind `{other}`"
            )))
            .gql(),
        }
    }
}

/// One unit code an area holds over a range of days.
#[derive(SimpleObject)]
pub struct AreaMember {
    /// The unit code.
    pub unit_code: String,
    /// First day held (null: since before the history begins).
    pub valid_from: Option<NaiveDate>,
    /// Last day held (null: still held).
    pub valid_to: Option<NaiveDate>,
}

impl From<area_member::Model> for AreaMember {
    fn from(m: area_member::Model) -> Self {
        Self {
            unit_code: m.unit_code,
            valid_from: m.valid_from,
            valid_to: m.valid_to,
        }
    }
}

/// A named set of units over time: what an area-scoped token or recipient sees.
pub struct Area(pub area::Model);

#[Object]
impl Area {
    /// Global id (`node(id:)` fetches the area by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::Area, &self.0.code)
    }
    /// Code (a district area has the 2024 district's code, e.g. "522"; a unit area
    /// `<unit code>@<first day of the period>`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Kind.
    async fn kind(&self) -> Result<AreaKind> {
        AreaKind::of(&self.0.kind)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed (name or members).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Its member rows, by unit code and first day.
    #[graphql(complexity = "100 * child_complexity")]
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<AreaMember>> {
        Ok(areas::members(ctx.db(), &self.0.code)
            .await
            .gql()?
            .into_iter()
            .map(AreaMember::from)
            .collect())
    }
    /// The unit periods in force on `on` (today by default) that it holds that day.
    #[graphql(complexity = "100 * child_complexity")]
    async fn units(&self, ctx: &Context<'_>, on: Option<NaiveDate>) -> Result<Vec<UnitPeriod>> {
        let on = on.unwrap_or(ctx.request().today);
        Ok(areas::units_on(ctx.db(), &self.0.code, on)
            .await
            .gql()?
            .into_iter()
            .map(UnitPeriod)
            .collect())
    }
}
