//! The `awards` query's filter and the award mutation's input, turned into
//! `service::awards`' before a resolver calls it.

use chrono::NaiveDate;

use crate::domain::{AwardForm, AwardIssuer, RecipientKind};
use crate::graphql::mirror::input_object;
use crate::service::awards;

use super::page::DateRange;

input_object! {
    /// Filters of the `awards` query.
    pub struct AwardFilter => awards::AwardFilter {
        /// Form.
        pub form: Option<AwardForm>,
        /// Issuer.
        pub issuer: Option<AwardIssuer>,
        /// Collective or individual.
        pub recipient_kind: Option<RecipientKind>,
        /// Awards to this unit or its officers.
        pub unit_code: Option<String>,
        /// Awards in units of this district.
        pub district_code: Option<String>,
        /// Awards to this officer.
        pub officer_id: Option<i32>,
        /// Award date range.
        pub awarded_on: Option<DateRange>,
    }
}

input_object! {
    /// A new award: give `unitCode` for a collective, `officerId` for an individual.
    pub struct AwardInput => awards::AwardInput {
        /// Form.
        pub form: AwardForm,
        /// Issuer.
        pub issuer: AwardIssuer,
        /// The unit, for an award to a collective.
        pub unit_code: Option<String>,
        /// The officer, for an award to an individual.
        pub officer_id: Option<i32>,
        /// Award date.
        pub awarded_on: NaiveDate,
        /// Reason.
        pub reason: String,
    }
}
