//! The audit log: one row per mutation, analytics query or export, read of officers'
//! personal data and token change. Append-only: the API has no way to change it, and
//! it never holds a token secret or a password.

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(string_null("request_id"))
                .col(integer_null("token_id"))
                .col(string("token_name"))
                .col(string("role"))
                .col(string("kind"))
                .col(string("operation"))
                .col(text("arguments"))
                .col(string("outcome"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", &["at"])).await?;
        m.create_index(index("audit_log", &["token_id"])).await?;
        m.create_index(index("audit_log", &["operation"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("audit_log").to_owned())
            .await
    }
}
