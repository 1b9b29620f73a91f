//! The `unionActivities` query's filter and the activity mutations' input, turned
//! into `service::activities`' before a resolver calls it.

use chrono::NaiveDate;

use crate::domain::{ActivityKind, Organisation};
use crate::graphql::mirror::input_object;
use crate::service::activities;

use super::page::DateRange;

input_object! {
    /// Filters of the `unionActivities` query.
    pub struct ActivityFilter => activities::ActivityFilter {
        /// Organisation.
        pub organisation: Option<Organisation>,
        /// Kind.
        pub kind: Option<ActivityKind>,
        /// Any of these kinds.
        pub kind_in: Option<Vec<ActivityKind>>,
        /// Programme name, exactly.
        pub programme: Option<String>,
        /// Activities of this unit.
        pub unit_code: Option<String>,
        /// Activities of units in this district.
        pub district_code: Option<String>,
        /// Only province-wide activities (true) or only unit activities (false).
        pub province_wide: Option<bool>,
        /// Still maintained.
        pub maintained: Option<bool>,
        /// Start date range.
        pub started_on: Option<DateRange>,
        /// Words of the name, ignoring case and diacritics.
        pub search: Option<String>,
    }
}

input_object! {
    /// An activity, new or changed.
    pub struct ActivityInput => activities::ActivityInput {
        /// Organisation.
        pub organisation: Organisation,
        /// Kind.
        pub kind: ActivityKind,
        /// Name.
        pub name: String,
        /// Programme it belongs to, e.g. "Mẹ đỡ đầu".
        pub programme: Option<String>,
        /// Unit, or none for a province-wide activity.
        pub unit_code: Option<String>,
        /// Start date.
        pub started_on: NaiveDate,
        /// End date.
        pub ended_on: Option<NaiveDate>,
        /// Still maintained.
        #[graphql(default = true)]
        pub maintained: bool,
    }
}
