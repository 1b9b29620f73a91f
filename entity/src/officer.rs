//! An officer posted to a commune police unit (personal data: name, birth year).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "officer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_code: String,
    pub full_name: String,
    pub search_name: String,
    pub gender: String,
    pub birth_year: i32,
    /// Ordinal of the rank, 1 (Binh nhì) to 17 (Đại tướng).
    pub rank: i32,
    pub position: String,
    pub posted_from: Date,
    pub posted_to: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
