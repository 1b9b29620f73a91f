//! An edition: a province's list of commune-level units valid over a period (inclusive
//! `valid_to`, none while in force), with the act that made it and its unit count.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "unit_edition")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub province_code: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub act: String,
    pub unit_count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
