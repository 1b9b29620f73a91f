//! A youth union or women's association activity, work or model; province-wide when `unit_code` is empty.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "union_activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation: String,
    pub kind: String,
    pub name: String,
    pub search_name: String,
    pub programme: Option<String>,
    pub unit_code: Option<String>,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub maintained: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
