//! A file of an archived report: an inline chart (`inline`, named by its Content-ID) or
//! an attachment (`attachment`, named by its file name).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "report_archive_file")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub archive_id: i32,
    pub position: i32,
    pub role: String,
    pub name: String,
    pub content_type: String,
    #[sea_orm(column_type = "Blob")]
    pub bytes: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
