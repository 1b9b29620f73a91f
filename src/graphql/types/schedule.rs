//! `ReportSchedule`: a schedule, its recipients and its next fire times.

use crate::graphql::node::{Kind, global};
use async_graphql::{ComplexObject, Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{report_recipient, report_schedule};

use super::parsed;
use crate::domain::{MissedPolicy, ReportFormat, ReportKind, ReportLanguage};
use crate::graphql::error::coded;
use crate::scheduler::timing::Timing;

/// A recipient of a schedule.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ReportRecipient {
    /// Record id.
    pub db_id: i32,
    /// E-mail address.
    pub address: String,
    /// Display name.
    pub display_name: String,
    /// Area the recipient's report is limited to, if any.
    pub area_code: Option<String>,
    /// The area code (the older name).
    #[graphql(deprecation = "use areaCode")]
    pub district_code: Option<String>,
}

#[ComplexObject]
impl ReportRecipient {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::ReportRecipient, self.db_id)
    }
}

impl From<&report_recipient::Model> for ReportRecipient {
    fn from(r: &report_recipient::Model) -> Self {
        Self {
            db_id: r.id,
            address: r.address.clone(),
            display_name: r.display_name.clone(),
            area_code: r.area_code.clone(),
            district_code: r.area_code.clone(),
        }
    }
}

/// A report schedule.
pub struct ReportSchedule(pub report_schedule::Model, pub Vec<report_recipient::Model>);

#[Object]
impl ReportSchedule {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::ReportSchedule, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// 5-field cron expression.
    async fn cron(&self) -> &str {
        &self.0.cron
    }
    /// IANA time zone the cron expression is read in.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }
    /// What it sends.
    async fn report_kind(&self) -> Result<ReportKind> {
        parsed("report kind", &self.0.report_kind, ReportKind::from_code)
    }
    /// Language.
    async fn language(&self) -> Result<ReportLanguage> {
        parsed("language", &self.0.language, ReportLanguage::from_code)
    }
    /// Formats.
    async fn formats(&self) -> Result<Vec<ReportFormat>> {
        self.0
            .formats
            .split(',')
            .map(|f| parsed("format", f, ReportFormat::from_code))
            .collect()
    }
    /// First day it may fire.
    async fn start_date(&self) -> Option<NaiveDate> {
        self.0.start_date
    }
    /// Last day it may fire.
    async fn end_date(&self) -> Option<NaiveDate> {
        self.0.end_date
    }
    /// Enabled or paused.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// What happens to runs missed while every replica was down.
    async fn missed_policy(&self) -> Result<MissedPolicy> {
        parsed(
            "missed policy",
            &self.0.missed_policy,
            MissedPolicy::from_code,
        )
    }
    /// Data older than this many days makes a run fail.
    async fn max_data_age_days(&self) -> i32 {
        self.0.max_data_age_days
    }
    /// Owner's address (told when a run fails).
    async fn owner_address(&self) -> &str {
        &self.0.owner_address
    }
    /// Owner's name.
    async fn owner_name(&self) -> &str {
        &self.0.owner_name
    }
    /// Recipients.
    async fn recipients(&self) -> Vec<ReportRecipient> {
        self.1.iter().map(ReportRecipient::from).collect()
    }
    /// The next `count` fire times (UTC), within the start and end dates (days of the
    /// schedule's zone); none when paused.
    async fn next_fire_times(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 5)] count: i32,
    ) -> Result<Vec<DateTime<Utc>>> {
        if !self.0.enabled {
            return Ok(Vec::new());
        }
        let timing = Timing::parse(&self.0.cron, &self.0.time_zone)
            .map_err(|e| coded(e.code(), e.to_string()))?;
        let zone: chrono_tz::Tz = self.0.time_zone.trim().parse().unwrap_or(chrono_tz::UTC);
        let now = ctx.data_unchecked::<crate::scheduler::Scheduler>().now();
        let start = self
            .0
            .start_date
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|d| d.and_local_timezone(zone).earliest())
            .map(|d| d.with_timezone(&Utc) - chrono::Duration::seconds(1));
        let from = start.map_or(now, |s| s.max(now));
        let times = timing.next_n(from, usize::try_from(count.clamp(0, 100)).unwrap_or(0));
        let end = self.0.end_date;
        Ok(times
            .into_iter()
            .filter(|t| end.is_none_or(|e| t.with_timezone(&zone).date_naive() <= e))
            .collect())
    }
    /// Created at.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Last changed at.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
