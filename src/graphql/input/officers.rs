//! The `officers` query's filter and sort order and the officer mutations' inputs,
//! turned into `service::officers`' before a resolver calls it.

use chrono::NaiveDate;

use crate::domain::{Gender, Position, Rank};
use crate::graphql::mirror::{input_enum, input_object};
use crate::service::officers;

use super::page::{DateRange, IntRange, SortDirection};

input_object! {
    /// Filters of the `officers` query.
    pub struct OfficerFilter => officers::OfficerFilter {
        /// Officers of this unit.
        pub unit_code: Option<String>,
        /// Officers of any of these units.
        pub unit_code_in: Option<Vec<String>>,
        /// Officers of units in this district.
        pub district_code: Option<String>,
        /// Position.
        pub position: Option<Position>,
        /// Any of these positions.
        pub position_in: Option<Vec<Position>>,
        /// Lowest rank included.
        pub rank_min: Option<Rank>,
        /// Highest rank included.
        pub rank_max: Option<Rank>,
        /// Gender.
        pub gender: Option<Gender>,
        /// Birth year range (personal data: analysts and admins only).
        pub birth_year: Option<IntRange>,
        /// Posting start date range.
        pub posted_from: Option<DateRange>,
        /// Only officers in post on this day.
        pub active_on: Option<NaiveDate>,
        /// Words of the name, ignoring case and diacritics (personal data: analysts and admins only).
        pub search: Option<String>,
    }
}

input_enum! {
    /// Fields the `officers` query can sort by.
    pub enum OfficerSortField => officers::OfficerSortField {
        /// Record id.
        #[default]
        Id,
        /// Unit code.
        Unit,
        /// Rank.
        Rank,
        /// Posting start date.
        PostedFrom,
    }
}

input_object! {
    /// Sort order of the `officers` query.
    pub struct OfficerSort => officers::OfficerSort {
        /// Field to sort by.
        #[graphql(default)]
        pub field: OfficerSortField,
        /// Direction.
        #[graphql(default)]
        pub direction: SortDirection,
    }
}

input_object! {
    /// A new posting.
    pub struct CreateOfficerInput => officers::CreateOfficerInput {
        /// Unit the officer is posted to.
        pub unit_code: String,
        /// Full name.
        pub full_name: String,
        /// Gender.
        pub gender: Gender,
        /// Year of birth.
        pub birth_year: i32,
        /// Rank (a commune police rank: at most Trung tá).
        pub rank: Rank,
        /// Position (one chief in post per unit).
        pub position: Position,
        /// First day of the posting.
        pub posted_from: NaiveDate,
        /// Last day of the posting, if known.
        pub posted_to: Option<NaiveDate>,
    }
}

input_object! {
    /// Changes to an officer; absent fields are left as they are.
    pub struct UpdateOfficerInput => officers::UpdateOfficerInput {
        /// Full name.
        pub full_name: Option<String>,
        /// Gender.
        pub gender: Option<Gender>,
        /// Year of birth.
        pub birth_year: Option<i32>,
        /// Rank.
        pub rank: Option<Rank>,
        /// Position.
        pub position: Option<Position>,
    }
}
