//! Sort directions and ranges shared by the list queries' arguments, turned into
//! `service::page`'s before a resolver calls the service.

use chrono::NaiveDate;

use crate::graphql::mirror::{input_enum, input_object};
use crate::service::page;

input_enum! {
    /// Sort direction.
    pub enum SortDirection => page::SortDirection {
        /// Ascending.
        #[default]
        Asc,
        /// Descending.
        Desc,
    }
}

input_object! {
    /// An inclusive range of dates; either end may be open.
    pub struct DateRange => page::DateRange {
        /// First day included.
        pub from: Option<NaiveDate>,
        /// Last day included.
        pub to: Option<NaiveDate>,
    }
}

input_object! {
    /// An inclusive range of integers; either end may be open.
    pub struct IntRange => page::IntRange {
        /// Smallest value included.
        pub min: Option<i64>,
        /// Largest value included.
        pub max: Option<i64>,
    }
}
