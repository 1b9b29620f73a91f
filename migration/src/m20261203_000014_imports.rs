//! The record of every spreadsheet import (`src/intake`): who sent which file (name,
//! SHA-256, the bytes of an applied one), for what kind, with which flags, what it
//! changed (counts) and its outcome (`ok`, `dry_run` or the stable error code).

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("import_record")
                .col(pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(integer_null("token_id"))
                .col(string("token_name"))
                .col(string_null("area_code"))
                .col(string("kind"))
                .col(string("file_name"))
                .col(string("sha256"))
                .col(big_integer("size_bytes"))
                .col(boolean("dry_run"))
                .col(boolean("complete"))
                .col(integer("rows"))
                .col(integer("created"))
                .col(integer("updated"))
                .col(integer("unchanged"))
                .col(integer("ended"))
                .col(integer("error_count"))
                .col(string("outcome"))
                .col(blob_null("file"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("import_record", &["at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("import_record").to_owned())
            .await
    }
}
