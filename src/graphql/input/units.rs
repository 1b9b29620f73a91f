//! The `units` query's filter and sort order, turned into `service::units`' before
//! the resolver calls it.

use chrono::NaiveDate;

use crate::domain::UnitKind;
use crate::graphql::mirror::{input_enum, input_object};
use crate::service::units;

use super::page::SortDirection;

input_object! {
    /// Filters of the `units` query; all given conditions must hold.
    pub struct UnitFilter => units::UnitFilter {
        /// Exact commune code, e.g. "21010".
        pub code: Option<String>,
        /// Any of these commune codes.
        pub code_in: Option<Vec<String>>,
        /// Exact district code, e.g. "522" (units of the days before 1 Jul 2025: there is
        /// no district level since).
        pub district_code: Option<String>,
        /// Any of these district codes.
        pub district_code_in: Option<Vec<String>>,
        /// Units that were in this district, or whose direct predecessors were (the units
        /// of 1 Jul 2025 that took in its communes).
        pub former_district_code: Option<String>,
        /// Units of this province, or whose direct predecessors were (Kon Tum, "62", for
        /// 40 of today's 96 units of Quảng Ngãi).
        pub former_province_code: Option<String>,
        /// Province code, e.g. "51".
        pub province_code: Option<String>,
        /// Kind of unit.
        pub kind: Option<UnitKind>,
        /// Any of these kinds.
        pub kind_in: Option<Vec<UnitKind>>,
        /// Words of the name, ignoring case and diacritics ("nghia hanh" finds "Nghĩa Hành").
        pub search: Option<String>,
        /// The units in force on this day (by default the province's today; a unit is a
        /// code over a period: the 173 of 2024, the 170 of 1 Jan 2025, the 96 since 1 Jul
        /// 2025).
        pub active_on: Option<NaiveDate>,
        /// Every period of every unit, whatever the day (`activeOn` is then ignored).
        pub all_periods: Option<bool>,
        /// Units of this area: the periods one of its member rows overlaps (the rule an
        /// area token of that code sees units by; an unknown code: none).
        pub area_code: Option<String>,
    }
}

input_enum! {
    /// Fields the `units` query can sort by.
    pub enum UnitSortField => units::UnitSortField {
        /// Commune code.
        #[default]
        Code,
        /// Name (folded: case and diacritics ignored).
        Name,
        /// Kind, then code.
        Kind,
        /// District code, then code.
        District,
    }
}

input_object! {
    /// Sort order of the `units` query.
    pub struct UnitSort => units::UnitSort {
        /// Field to sort by.
        #[graphql(default)]
        pub field: UnitSortField,
        /// Direction.
        #[graphql(default)]
        pub direction: SortDirection,
    }
}
