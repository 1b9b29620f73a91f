//! The `districts` query's filter and sort order, turned into `service::districts`'
//! before the resolver calls it.

use crate::graphql::mirror::{input_enum, input_object};
use crate::service::districts;

use super::page::SortDirection;

input_object! {
    /// Filters of the `districts` query.
    pub struct DistrictFilter => districts::DistrictFilter {
        /// Exact district code.
        pub code: Option<String>,
        /// Any of these district codes.
        pub code_in: Option<Vec<String>>,
        /// Province code.
        pub province_code: Option<String>,
    }
}

input_enum! {
    /// Fields the `districts` query can sort by.
    pub enum DistrictSortField => districts::DistrictSortField {
        /// District code.
        #[default]
        Code,
        /// Name.
        Name,
    }
}

input_object! {
    /// Sort order of the `districts` query.
    pub struct DistrictSort => districts::DistrictSort {
        /// Field to sort by.
        #[graphql(default)]
        pub field: DistrictSortField,
        /// Direction.
        #[graphql(default)]
        pub direction: SortDirection,
    }
}
