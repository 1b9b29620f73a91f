//! Indexes in the default order of two lists: awards by date (`awarded_on`, then id) and
//! union activities by start (`started_on`, then id). Without them every page of either
//! list, GraphQL's or the bench floor's, sorted the whole table: on the national tier the
//! first 101 of 10,510 awards took 8.0 ms of PostgreSQL (a scan and a top-N sort), the
//! floor's awards page 5.7 ms of CPU a request against 1.8–2.8 for the lists with one.

use sea_orm_migration::prelude::*;

use crate::{index, index_name};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables and their order's columns.
const ORDERS: [(&str, [&str; 2]); 2] = [
    ("award", ["awarded_on", "id"]),
    ("union_activity", ["started_on", "id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in ORDERS {
            m.create_index(index(table, &cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in ORDERS {
            m.drop_index(
                Index::drop()
                    .name(index_name(table, &cols))
                    .table(table)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
