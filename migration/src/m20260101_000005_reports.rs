//! Report schedules, their recipients, runs (claimed by a unique (schedule, due time)
//! row, so two replicas or a restart never run one twice) and per-recipient deliveries.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("report_schedule")
                .col(pk_auto("id"))
                .col(string("name"))
                .col(string("cron"))
                .col(string("time_zone"))
                .col(string("report_kind"))
                .col(string("language"))
                .col(string("formats"))
                .col(date_null("start_date"))
                .col(date_null("end_date"))
                .col(boolean("enabled"))
                .col(string("missed_policy"))
                .col(integer("max_data_age_days"))
                .col(string("owner_address"))
                .col(string("owner_name"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("report_recipient")
                .col(pk_auto("id"))
                .col(integer("schedule_id"))
                .col(string("address"))
                .col(string("display_name"))
                .col(string_null("district_code"))
                .foreign_key(&mut fk(
                    "report_recipient",
                    "schedule_id",
                    "report_schedule",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("report_recipient", &["schedule_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("report_run")
                .col(pk_auto("id"))
                .col(integer("schedule_id"))
                .col(timestamp_with_time_zone("due_at"))
                .col(string("status"))
                .col(string("trigger"))
                .col(string("claimed_by"))
                .col(timestamp_with_time_zone("lease_until"))
                .col(timestamp_with_time_zone("started_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .col(big_integer_null("data_version"))
                .col(text_null("error"))
                .foreign_key(&mut fk(
                    "report_run",
                    "schedule_id",
                    "report_schedule",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        // The claim: one run per schedule and due time, whoever inserts it first.
        m.create_index(
            Index::create()
                .name("uq_report_run_schedule_due")
                .table("report_run")
                .col("schedule_id")
                .col("due_at")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("report_delivery")
                .col(pk_auto("id"))
                .col(integer("run_id"))
                .col(integer("recipient_id"))
                .col(string("address"))
                .col(string("status"))
                .col(integer("attempts"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("next_attempt_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .foreign_key(&mut fk("report_delivery", "run_id", "report_run", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_report_delivery_run_recipient")
                .table("report_delivery")
                .col("run_id")
                .col("recipient_id")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "report_delivery",
            "report_run",
            "report_recipient",
            "report_schedule",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
