//! One committee seat per officer, body, term and start day: the database refuses an
//! identical second seat even when two writers race past the service's check.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "uq_party_membership_seat";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table("party_membership")
                .col("officer_id")
                .col("body")
                .col("term")
                .col("started_on")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(NAME)
                .table("party_membership")
                .to_owned(),
        )
        .await
    }
}
