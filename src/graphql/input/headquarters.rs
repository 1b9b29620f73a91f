//! The `headquarters` query's filter and sort order and the building mutations'
//! inputs, turned into `service::headquarters`' before a resolver calls it.

use chrono::NaiveDate;

use crate::domain::{HqModel, HqStatus};
use crate::graphql::mirror::{input_enum, input_object};
use crate::service::headquarters;

use super::page::{DateRange, IntRange, SortDirection};

input_object! {
    /// Filters of the `headquarters` query.
    pub struct HeadquartersFilter => headquarters::HeadquartersFilter {
        /// Buildings of this unit.
        pub unit_code: Option<String>,
        /// Buildings of any of these units.
        pub unit_code_in: Option<Vec<String>>,
        /// Buildings of units in this district.
        pub district_code: Option<String>,
        /// Model.
        pub model: Option<HqModel>,
        /// Any of these models.
        pub model_in: Option<Vec<HqModel>>,
        /// Status on `statusOn` (today by default).
        pub status: Option<HqStatus>,
        /// Day the status is taken on.
        pub status_on: Option<NaiveDate>,
        /// Date it came into use.
        pub in_use_on: Option<DateRange>,
        /// Target date.
        pub target_date: Option<DateRange>,
        /// Budget, in million VND.
        pub budget_million_vnd: Option<IntRange>,
        /// Rows whose unit held the building on this day (`heldFrom` <= day < `heldTo`): after
        /// a restructuring, the predecessor's row before the change, the successor's from it.
        /// A `status` filter always takes the rows held on `statusOn`.
        pub held_on: Option<NaiveDate>,
    }
}

input_enum! {
    /// Fields the `headquarters` query can sort by.
    pub enum HeadquartersSortField => headquarters::HeadquartersSortField {
        /// Record id.
        #[default]
        Id,
        /// Unit code.
        Unit,
        /// Target date.
        TargetDate,
        /// Date it came into use.
        InUseOn,
        /// Budget.
        Budget,
    }
}

input_object! {
    /// Sort order of the `headquarters` query.
    pub struct HeadquartersSort => headquarters::HeadquartersSort {
        /// Field to sort by.
        #[graphql(default)]
        pub field: HeadquartersSortField,
        /// Direction.
        #[graphql(default)]
        pub direction: SortDirection,
    }
}

input_object! {
    /// A building, or a plan for one.
    pub struct CreateHeadquartersInput => headquarters::CreateHeadquartersInput {
        /// The unit.
        pub unit_code: String,
        /// Model.
        pub model: HqModel,
        /// Address.
        pub address: Option<String>,
        /// Budget, in million VND.
        pub budget_million_vnd: Option<i64>,
        /// Floor area, in m².
        pub floor_area_m2: Option<f64>,
        /// Date it should be in use.
        pub target_date: Option<NaiveDate>,
        /// Date the project was approved.
        pub approved_on: Option<NaiveDate>,
        /// Date construction started.
        pub construction_started_on: Option<NaiveDate>,
        /// Date it came into use.
        pub in_use_on: Option<NaiveDate>,
    }
}

input_object! {
    /// Changes to a building's dates and figures; absent fields are left as they are.
    pub struct UpdateHeadquartersInput => headquarters::UpdateHeadquartersInput {
        /// Address.
        pub address: Option<String>,
        /// Budget, in million VND.
        pub budget_million_vnd: Option<i64>,
        /// Floor area, in m².
        pub floor_area_m2: Option<f64>,
        /// Date it should be in use.
        pub target_date: Option<NaiveDate>,
        /// Date the project was approved.
        pub approved_on: Option<NaiveDate>,
        /// Date construction started.
        pub construction_started_on: Option<NaiveDate>,
        /// Date it came into use.
        pub in_use_on: Option<NaiveDate>,
    }
}
