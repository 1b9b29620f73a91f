//! One spreadsheet import: who, when, which file (name, SHA-256, bytes when applied),
//! the kind and flags, what it changed and its outcome.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "import_record")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: DateTimeUtc,
    /// The token (none for the command line).
    pub token_id: Option<i32>,
    pub token_name: String,
    /// The caller's area, when limited to one.
    pub area_code: Option<String>,
    /// `officers`, `seats`, `headquarters`, ...
    pub kind: String,
    pub file_name: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    pub size_bytes: i64,
    pub dry_run: bool,
    pub complete: bool,
    /// Data rows read.
    pub rows: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub ended: i32,
    pub error_count: i32,
    /// `ok`, `dry_run`, or the stable error code.
    pub outcome: String,
    /// The file as received, for an applied import.
    pub file: Option<Vec<u8>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
