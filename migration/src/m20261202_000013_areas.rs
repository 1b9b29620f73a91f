//! Areas replace districts in access control: `area` (a named set of units, kind
//! `district`, `custom` or `unit`) and `area_member` (a unit code held over an inclusive
//! day range; an empty `valid_from` is "since before the history begins"). Tokens and
//! report recipients get `area_code`; their `district_code` is copied into it (each 2024
//! district is an area of the same code, created here from the `district` table, its
//! members filled from the unit periods by `service::areas::ensure_district_areas`).
//! The old `district_code` columns stay (SQLite cannot drop a column a foreign key uses)
//! but are emptied and no longer read.

use sea_orm_migration::sea_orm::prelude::{ChronoDateTimeUtc, ChronoUtc};
use sea_orm_migration::{prelude::*, schema::*};

use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("area")
                .col(string("code").primary_key())
                .col(string("name"))
                .col(string("kind"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("area_member")
                .col(pk_auto("id"))
                .col(string("area_code"))
                .col(string("unit_code"))
                .col(date_null("valid_from"))
                .col(date_null("valid_to"))
                .foreign_key(&mut fk("area_member", "area_code", "area", "code"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("area_member", &["area_code", "unit_code"]))
            .await?;
        m.create_index(index("area_member", &["unit_code"])).await?;
        let now: ChronoDateTimeUtc = ChronoUtc::now();
        let districts = Query::select()
            .column("code")
            .column("name")
            .expr(Expr::val("district"))
            .expr(Expr::val(now))
            .expr(Expr::val(now))
            .from("district")
            .to_owned();
        let insert = Query::insert()
            .into_table("area")
            .columns(["code", "name", "kind", "created_at", "updated_at"])
            .select_from(districts)
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        m.exec_stmt(insert).await?;
        for table in ["api_token", "report_recipient"] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(string_null("area_code"))
                    .to_owned(),
            )
            .await?;
            let copy = Query::update()
                .table(table)
                .value("area_code", Expr::col("district_code"))
                .to_owned();
            m.exec_stmt(copy).await?;
            let empty = Query::update()
                .table(table)
                .value("district_code", Expr::val(Option::<String>::None))
                .to_owned();
            m.exec_stmt(empty).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["api_token", "report_recipient"] {
            let back = Query::update()
                .table(table)
                .value("district_code", Expr::col("area_code"))
                .and_where(
                    Expr::col("area_code")
                        .in_subquery(Query::select().column("code").from("district").to_owned()),
                )
                .to_owned();
            m.exec_stmt(back).await?;
            m.alter_table(
                Table::alter()
                    .table(table)
                    .drop_column("area_code")
                    .to_owned(),
            )
            .await?;
        }
        for t in ["area_member", "area"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
