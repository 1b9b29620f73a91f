//! A commune-level unit (xã, phường, thị trấn) and its police, keyed by the 5-digit commune code.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "unit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub district_code: String,
    pub province_code: String,
    pub name: String,
    pub name_en: String,
    /// The name folded to lower case without diacritics, for search.
    pub search_name: String,
    pub kind: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
