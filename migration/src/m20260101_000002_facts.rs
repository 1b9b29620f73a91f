//! Fact tables that hang off units: officers, Party committee memberships,
//! headquarters, directives, union activities, dialogue sessions and questions, awards.
//! Everything that changes over time carries dates.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 9] = [
    "award",
    "dialogue_question",
    "dialogue_session",
    "union_activity",
    "directive",
    "headquarters",
    "party_membership",
    "officer",
    "data_version",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("officer")
                .col(pk_auto("id"))
                .col(string("unit_code"))
                .col(string("full_name"))
                .col(string("search_name"))
                .col(string("gender"))
                .col(integer("birth_year"))
                .col(integer("rank"))
                .col(string("position"))
                .col(date("posted_from"))
                .col(date_null("posted_to"))
                .foreign_key(&mut fk("officer", "unit_code", "unit", "code"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("officer", &["unit_code", "posted_from"]))
            .await?;
        m.create_table(
            Table::create()
                .table("party_membership")
                .col(pk_auto("id"))
                .col(integer("officer_id"))
                .col(string("unit_code"))
                .col(string("body"))
                .col(string("term"))
                .col(date("started_on"))
                .col(date_null("ended_on"))
                .foreign_key(&mut fk("party_membership", "officer_id", "officer", "id"))
                .foreign_key(&mut fk("party_membership", "unit_code", "unit", "code"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_membership", &["unit_code"]))
            .await?;
        m.create_index(index("party_membership", &["officer_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("headquarters")
                .col(pk_auto("id"))
                .col(string("unit_code"))
                .col(string("model"))
                .col(string_null("address"))
                .col(big_integer_null("budget_million_vnd"))
                .col(double_null("floor_area_m2"))
                .col(date_null("target_date"))
                .col(date_null("approved_on"))
                .col(date_null("construction_started_on"))
                .col(date_null("in_use_on"))
                .col(date_null("closed_on"))
                .foreign_key(&mut fk("headquarters", "unit_code", "unit", "code"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("headquarters", &["unit_code"]))
            .await?;
        m.create_table(
            Table::create()
                .table("directive")
                .col(pk_auto("id"))
                .col(string("number"))
                .col(string("kind"))
                .col(string("issuer"))
                .col(string("title"))
                .col(string("search_title"))
                .col(date("issued_on"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("union_activity")
                .col(pk_auto("id"))
                .col(string("organisation"))
                .col(string("kind"))
                .col(string("name"))
                .col(string("search_name"))
                .col(string_null("programme"))
                .col(string_null("unit_code"))
                .col(date("started_on"))
                .col(date_null("ended_on"))
                .col(boolean("maintained"))
                .foreign_key(&mut fk("union_activity", "unit_code", "unit", "code"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("union_activity", &["unit_code"]))
            .await?;
        m.create_table(
            Table::create()
                .table("dialogue_session")
                .col(pk_auto("id"))
                .col(string("title"))
                .col(date("held_on"))
                .col(string("chaired_by"))
                .col(string_null("location"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("dialogue_question")
                .col(pk_auto("id"))
                .col(integer("session_id"))
                .col(string("topic"))
                .col(string_null("asker_unit_code"))
                .col(string("asker_group"))
                .col(text("question"))
                .col(string("search_text"))
                .col(string("answering_department"))
                .col(text_null("answer"))
                .col(string("status"))
                .col(date("asked_on"))
                .col(date_null("answered_on"))
                .foreign_key(&mut fk(
                    "dialogue_question",
                    "session_id",
                    "dialogue_session",
                    "id",
                ))
                .foreign_key(&mut fk(
                    "dialogue_question",
                    "asker_unit_code",
                    "unit",
                    "code",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("dialogue_question", &["asker_unit_code"]))
            .await?;
        m.create_table(
            Table::create()
                .table("award")
                .col(pk_auto("id"))
                .col(string("form"))
                .col(string("issuer"))
                .col(string("recipient_kind"))
                .col(string("unit_code"))
                .col(integer_null("officer_id"))
                .col(date("awarded_on"))
                .col(string("reason"))
                .foreign_key(&mut fk("award", "unit_code", "unit", "code"))
                .foreign_key(&mut fk("award", "officer_id", "officer", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("award", &["unit_code"])).await?;
        // One row: bumped by every write, so caches and reports can say how fresh they are.
        m.create_table(
            Table::create()
                .table("data_version")
                .col(integer("id").primary_key())
                .col(big_integer("version"))
                .col(timestamp_with_time_zone("changed_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
