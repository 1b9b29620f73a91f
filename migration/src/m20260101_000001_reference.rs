//! Reference tables: provinces, districts and commune-level units, keyed by their
//! statistics-office codes (text with leading zeros) and carrying effective dates.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("province")
                .col(string("code").primary_key())
                .col(string("name"))
                .col(string("kind"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("district")
                .col(string("code").primary_key())
                .col(string("province_code"))
                .col(string("name"))
                .col(string("kind"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .foreign_key(&mut fk("district", "province_code", "province", "code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("unit")
                .col(string("code").primary_key())
                .col(string("district_code"))
                .col(string("province_code"))
                .col(string("name"))
                .col(string("name_en"))
                .col(string("search_name"))
                .col(string("kind"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .foreign_key(&mut fk("unit", "district_code", "district", "code"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("unit", &["district_code"])).await?;
        m.create_index(index("district", &["province_code"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["unit", "district", "province"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
