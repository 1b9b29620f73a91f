//! An award (Bằng khen, Giấy khen) to a unit or one of its officers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "award")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub form: String,
    pub issuer: String,
    pub recipient_kind: String,
    pub unit_code: String,
    pub officer_id: Option<i32>,
    pub awarded_on: Date,
    pub reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
