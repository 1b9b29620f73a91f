//! The report archive: every report rendition sent (one per run and scope) with its
//! content hash, the data version and the indicator values it showed, and its files
//! (inline charts, attachments), so it can be viewed and downloaded again exactly as
//! sent. Deliveries point at the rendition they sent.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("report_archive")
                .col(pk_auto("id"))
                .col(integer("run_id"))
                .col(string("scope_code"))
                .col(string("scope_name"))
                .col(date("report_date"))
                .col(string("language"))
                .col(string("subject"))
                .col(text("html"))
                .col(text("body_text"))
                .col(string("content_hash"))
                .col(big_integer("data_version"))
                .col(timestamp_with_time_zone_null("data_as_of"))
                .col(text("indicator_values"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("report_archive", "run_id", "report_run", "id"))
                .to_owned(),
        )
        .await?;
        // One rendition per run and scope ("" is the whole province): a retry or a
        // take-over sends the archived one again instead of computing anew.
        m.create_index(
            Index::create()
                .name("uq_report_archive_run_scope")
                .table("report_archive")
                .col("run_id")
                .col("scope_code")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("report_archive_file")
                .col(pk_auto("id"))
                .col(integer("archive_id"))
                .col(integer("position"))
                .col(string("role"))
                .col(string("name"))
                .col(string("content_type"))
                .col(blob("bytes"))
                .foreign_key(&mut fk(
                    "report_archive_file",
                    "archive_id",
                    "report_archive",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_report_archive_file_position")
                .table("report_archive_file")
                .col("archive_id")
                .col("position")
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("report_delivery")
                .add_column(integer_null("archive_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("report_delivery")
                .drop_column("archive_id")
                .to_owned(),
        )
        .await?;
        for t in ["report_archive_file", "report_archive"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
