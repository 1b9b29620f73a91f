//! The `partyMemberships` query's filter and the seat mutation's input, turned into
//! `service::memberships`' before a resolver calls it.

use chrono::NaiveDate;

use crate::domain::PartyBody;
use crate::graphql::mirror::input_object;
use crate::service::memberships;

use super::page::DateRange;

input_object! {
    /// Filters of the `partyMemberships` query.
    pub struct MembershipFilter => memberships::MembershipFilter {
        /// Seats of officers of this unit.
        pub unit_code: Option<String>,
        /// Seats in units of this district.
        pub district_code: Option<String>,
        /// One officer's seats.
        pub officer_id: Option<i32>,
        /// Executive or standing committee.
        pub body: Option<PartyBody>,
        /// Term, e.g. "2020-2025".
        pub term: Option<String>,
        /// Start date range.
        pub started_on: Option<DateRange>,
        /// Only seats held on this day.
        pub active_on: Option<NaiveDate>,
    }
}

input_object! {
    /// A new seat on a committee.
    pub struct CreateMembershipInput => memberships::CreateMembershipInput {
        /// The officer (the seat is recorded against the officer's unit).
        pub officer_id: i32,
        /// Executive or standing committee.
        pub body: PartyBody,
        /// Term, e.g. "2020-2025".
        pub term: String,
        /// First day on the committee.
        pub started_on: NaiveDate,
        /// Last day, if known.
        pub ended_on: Option<NaiveDate>,
    }
}
