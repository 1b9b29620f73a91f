//! Who holds a headquarters when: `held_from` / `held_to` (half-open, like the facts'
//! other intervals; null = since the building's start / no end). A restructuring passes
//! a building from a predecessor unit to its successor by ending the old row's holding
//! and adding a row at the successor held from the effective day, so the building's
//! own dates (approved, construction, in use, closed) are never rewritten and every
//! figure of a day before the change stays what it was.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["held_from", "held_to"] {
            m.alter_table(
                Table::alter()
                    .table("headquarters")
                    .add_column(ColumnDef::new(col).date().null())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["held_from", "held_to"] {
            m.alter_table(
                Table::alter()
                    .table("headquarters")
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
