//! A commune-level unit over one edition's period: identified by `(code, valid_from)`,
//! never by name. `kind` is a stored code (`xa`, `phuong`, `thi_tran`, `dac_khu`); the
//! district is absent from 1 Jul 2025 (no district level).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "unit_period")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub code: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub name: String,
    /// The name without diacritics, in English word order ("An Phu Commune").
    pub name_en: String,
    /// The name folded to lower case without diacritics, for search.
    pub search_name: String,
    pub kind: String,
    pub district_code: Option<String>,
    pub district_name: Option<String>,
    pub province_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
