//! One unit code an area holds over an inclusive day range (`valid_from` empty: since
//! before the history begins; `valid_to` empty: still held). A unit is its code *and*
//! its period, so the dates say which unit of a reused code is meant.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "area_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub area_code: String,
    pub unit_code: String,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
