//! A stored indicator value: one indicator for one group, as of one day, computed from
//! one data version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_value")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub indicator: String,
    pub group_kind: String,
    pub group_code: String,
    pub group_name: String,
    pub as_of: Date,
    pub numerator: f64,
    pub denominator: Option<f64>,
    pub value: f64,
    pub computed_at: DateTimeUtc,
    pub data_version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
