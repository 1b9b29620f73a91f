//! Per-scope data age: a version and change time for each district's data, and one
//! (`province`) for what every scope sees (records of no unit, seed loads). Writes
//! bump the rows of the districts they touch; a district token's data age is its row
//! and the province-wide row, so another district's writes leave it as it was.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("scope_version")
                .col(string("scope").primary_key())
                .col(big_integer("version"))
                .col(timestamp_with_time_zone("changed_at"))
                .to_owned(),
        )
        .await?;
        // Data already there counts as province-wide: every scope saw it as it is.
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO scope_version (scope, version, changed_at) \
                 SELECT 'province', version, changed_at FROM data_version WHERE id = 1",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("scope_version").to_owned())
            .await
    }
}
