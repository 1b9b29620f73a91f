//! A report rendition as sent: one per run and scope (`""` for the whole province).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "report_archive")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub run_id: i32,
    pub scope_code: String,
    pub scope_name: String,
    pub report_date: Date,
    pub language: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub html: String,
    #[sea_orm(column_type = "Text")]
    pub body_text: String,
    pub content_hash: String,
    pub data_version: i64,
    pub data_as_of: Option<DateTimeUtc>,
    /// JSON: the headline values shown (code, numerator, denominator, value).
    #[sea_orm(column_type = "Text")]
    pub indicator_values: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
