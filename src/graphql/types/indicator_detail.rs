//! The rows behind an indicator as the API serves them: the units that miss it and the
//! categories of a count indicator, copied from `service::indicators`' structs
//! (`service` → here → client).

use chrono::NaiveDate;

use crate::graphql::mirror::simple_object;
use crate::service::indicators;

simple_object! {
    /// A unit that does not meet an indicator.
    pub struct IndicatorGap <= indicators::IndicatorGap {
        /// Rank in the gap list (1 = furthest from meeting it).
        pub rank: u32,
        /// Unit code.
        pub unit_code: String,
        /// Unit name.
        pub unit_name: String,
        /// District code.
        pub district_code: String,
        /// District name.
        pub district_name: Option<String>,
        /// Unit kind code (`xa`, `phuong`, `thi_tran`).
        pub kind: String,
        /// Officers in post on the day.
        pub officers: u32,
        /// Chiefs in post.
        pub chiefs: u32,
        /// Chiefs on the executive committee.
        pub chiefs_executive: u32,
        /// Chiefs on the standing committee.
        pub chiefs_standing: u32,
        /// Most advanced state of its new-model headquarters (`none`, `planned`, `approved`,
        /// `under_construction`, `in_use`).
        pub hq_status: String,
        /// Earliest target date of its new-model headquarters.
        pub target_date: Option<NaiveDate>,
        /// What is missing, in Vietnamese.
        pub detail: String,
    }
}

simple_object! {
    /// One category of a count indicator (a dialogue topic, an award form or issuer).
    pub struct IndicatorCategory <= indicators::IndicatorCategory {
        /// `topic`, `form` or `issuer`.
        pub kind: String,
        /// The category's code.
        pub code: String,
        /// How many.
        pub count: u32,
        /// Of which answered (questions only).
        pub answered: Option<u32>,
        /// Share answered, in percent (questions only).
        pub answered_share: Option<f64>,
    }
}
