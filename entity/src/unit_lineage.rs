//! One link of the administrative lineage: a predecessor period `(from_code,
//! from_valid_from)` (or, for Lý Sơn, a commune-less district `from_district_code`) to a
//! successor period `(to_code, to_valid_from)`, or to an unknown successor (both `to_`
//! columns empty). `share` is `whole` or `part`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "unit_lineage")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub from_code: Option<String>,
    pub from_valid_from: Option<Date>,
    pub from_district_code: Option<String>,
    pub to_code: Option<String>,
    pub to_valid_from: Option<Date>,
    pub share: String,
    pub change: String,
    pub resolution: Option<String>,
    pub clause: Option<String>,
    pub effective_on: Date,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
