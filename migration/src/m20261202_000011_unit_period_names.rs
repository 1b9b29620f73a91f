//! The unit period becomes the unit of record (the API's `units`, the indicators): it
//! gets the English name and the folded search name the `unit` table had. The loader of
//! the history fills them (also for periods written before this migration).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in ["name_en", "search_name"] {
            m.alter_table(
                Table::alter()
                    .table("unit_period")
                    .add_column(ColumnDef::new(col).string().not_null().default(""))
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(crate::index("unit_period", &["valid_from", "valid_to"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_unit_period_valid_from_valid_to")
                .table("unit_period")
                .to_owned(),
        )
        .await?;
        for col in ["search_name", "name_en"] {
            m.alter_table(
                Table::alter()
                    .table("unit_period")
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
