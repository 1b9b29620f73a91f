//! The administrative history as reference data, beside (not yet under) the `unit` table:
//! editions (a province's list of commune-level units over a period), unit periods (a unit
//! is its code *and* its period: codes and names are reused) and the lineage that links
//! the periods of one edition to those of the next.

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("unit_edition")
                .col(pk_auto("id"))
                .col(string("province_code"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .col(string("act"))
                .col(integer("unit_count"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("unit_edition", &["province_code", "valid_from"]))
            .await?;
        m.create_table(
            Table::create()
                .table("unit_period")
                .col(pk_auto("id"))
                .col(string("code"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .col(string("name"))
                .col(string("kind"))
                .col(string_null("district_code"))
                .col(string_null("district_name"))
                .col(string("province_code"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("unit_period", &["code", "valid_from"]))
            .await?;
        m.create_index(index("unit_period", &["province_code", "valid_from"]))
            .await?;
        m.create_table(
            Table::create()
                .table("unit_lineage")
                .col(pk_auto("id"))
                .col(string_null("from_code"))
                .col(date_null("from_valid_from"))
                .col(string_null("from_district_code"))
                .col(string_null("to_code"))
                .col(date_null("to_valid_from"))
                .col(string("share"))
                .col(string("change"))
                .col(string_null("resolution"))
                .col(string_null("clause"))
                .col(date("effective_on"))
                .col(string_null("note"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("unit_lineage", &["from_code", "from_valid_from"]))
            .await?;
        m.create_index(index("unit_lineage", &["to_code", "to_valid_from"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["unit_lineage", "unit_period", "unit_edition"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

/// A unique index named `uq_<table>_<cols>`.
fn unique(table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = index(table, cols);
    stmt.name(format!("uq_{table}_{}", cols.join("_"))).unique();
    stmt
}
