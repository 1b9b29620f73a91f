//! A unit's headquarters: model, the dates of its status changes, budget.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "headquarters")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_code: String,
    pub model: String,
    pub address: Option<String>,
    pub budget_million_vnd: Option<i64>,
    pub floor_area_m2: Option<f64>,
    pub target_date: Option<Date>,
    pub approved_on: Option<Date>,
    pub construction_started_on: Option<Date>,
    pub in_use_on: Option<Date>,
    pub closed_on: Option<Date>,
    /// First day the unit holds the building (none: since its start). A building passed
    /// to a successor unit by a restructuring has one row per holder.
    pub held_from: Option<Date>,
    /// First day the unit no longer holds it (none: no end).
    pub held_to: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
