//! The schedule mutations' input (with its defaults), turned into
//! `service::schedules`' before a resolver calls it.

use chrono::NaiveDate;

use crate::domain::{MissedPolicy, ReportFormat, ReportKind, ReportLanguage};
use crate::graphql::mirror::input_object;
use crate::service::schedules;

input_object! {
    /// A recipient of a schedule's reports.
    pub struct RecipientInput => schedules::RecipientInput {
        /// E-mail address (an internationalised domain is stored as punycode).
        pub address: String,
        /// Display name, e.g. "Đại tá Phan Công Bình": at most 100 characters, no control,
        /// bidirectional or invisible characters.
        pub display_name: String,
        /// Limit this recipient's report to one area (code; a 2024 district's area has
        /// the district's code).
        #[graphql(default)]
        pub area_code: Option<String>,
        /// The older name of `areaCode`.
        #[graphql(default, deprecation = "use areaCode")]
        pub district_code: Option<String>,
    }
}

input_object! {
    /// A schedule, new or replacing an existing one.
    pub struct ScheduleInput => schedules::ScheduleInput {
        /// Name.
        pub name: String,
        /// Standard 5-field cron expression, e.g. "0 8 1 * *" (08:00 on the 1st).
        pub cron: String,
        /// IANA time zone it fires in (default: the server's `COSO_TIME_ZONE`,
        /// Asia/Ho_Chi_Minh unless configured).
        pub time_zone: Option<String>,
        /// What to send.
        #[graphql(default_with = "ReportKind::MonthlyOverview")]
        pub report_kind: ReportKind,
        /// Language (Vietnamese by default).
        #[graphql(default_with = "ReportLanguage::Vi")]
        pub language: ReportLanguage,
        /// Formats (all by default).
        pub formats: Option<Vec<ReportFormat>>,
        /// First day the schedule may fire.
        pub start_date: Option<NaiveDate>,
        /// Last day the schedule may fire.
        pub end_date: Option<NaiveDate>,
        /// Enabled (true) or paused.
        #[graphql(default = true)]
        pub enabled: bool,
        /// Runs missed while every replica was down: skip, or run the latest one once.
        #[graphql(default_with = "MissedPolicy::Latest")]
        pub missed_policy: MissedPolicy,
        /// Data older than this many days makes the run fail (nothing sent, owner told).
        #[graphql(default = 45)]
        pub max_data_age_days: i32,
        /// Owner's address: told when a run fails.
        pub owner_address: String,
        /// Owner's name.
        pub owner_name: String,
        /// Recipients (at least one).
        pub recipients: Vec<RecipientInput>,
    }
}
