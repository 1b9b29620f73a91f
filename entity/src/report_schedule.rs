//! A report schedule: when (5-field cron in an IANA time zone), what, in which language, to whom (see `report_recipient`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "report_schedule")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub cron: String,
    pub time_zone: String,
    pub report_kind: String,
    pub language: String,
    /// Comma-separated formats (`html`, `xlsx`, `csv`).
    pub formats: String,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub enabled: bool,
    /// `skip` or `latest`: what to do with runs missed while every replica was down.
    pub missed_policy: String,
    /// Data older than this many days makes a run fail instead of sending.
    pub max_data_age_days: i32,
    pub owner_address: String,
    pub owner_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
