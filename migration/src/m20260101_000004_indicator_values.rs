//! Stored indicator values: what was computed, for which scope and day, from which
//! data version, and when. Dashboards read them cheaply and the history of what was
//! reported is kept.

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("indicator_value")
                .col(big_pk_auto("id"))
                .col(string("indicator"))
                .col(string("group_kind"))
                .col(string("group_code"))
                .col(string("group_name"))
                .col(date("as_of"))
                .col(double("numerator"))
                .col(double_null("denominator"))
                .col(double("value"))
                .col(timestamp_with_time_zone("computed_at"))
                .col(big_integer("data_version"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("indicator_value", &["data_version", "as_of"]))
            .await?;
        m.create_index(index("indicator_value", &["indicator", "as_of"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("indicator_value").to_owned())
            .await
    }
}
