//! The `directives` query's filter and sort order and the document mutations' input,
//! turned into `service::directives`' before a resolver calls it.

use chrono::NaiveDate;

use crate::domain::{DirectiveIssuer, DirectiveKind};
use crate::graphql::mirror::{input_enum, input_object};
use crate::service::directives;

use super::page::{DateRange, SortDirection};

input_object! {
    /// Filters of the `directives` query.
    pub struct DirectiveFilter => directives::DirectiveFilter {
        /// Kind of document.
        pub kind: Option<DirectiveKind>,
        /// Any of these kinds.
        pub kind_in: Option<Vec<DirectiveKind>>,
        /// Issuer.
        pub issuer: Option<DirectiveIssuer>,
        /// Issue date range.
        pub issued_on: Option<DateRange>,
        /// Words of the title, ignoring case and diacritics.
        pub search: Option<String>,
    }
}

input_enum! {
    /// Fields the `directives` query can sort by.
    pub enum DirectiveSortField => directives::DirectiveSortField {
        /// Issue date.
        #[default]
        IssuedOn,
        /// Record id.
        Id,
        /// Document number.
        Number,
    }
}

input_object! {
    /// Sort order of the `directives` query.
    pub struct DirectiveSort => directives::DirectiveSort {
        /// Field to sort by.
        #[graphql(default)]
        pub field: DirectiveSortField,
        /// Direction.
        #[graphql(default)]
        pub direction: SortDirection,
    }
}

input_object! {
    /// A document, new or changed.
    pub struct DirectiveInput => directives::DirectiveInput {
        /// Number and symbol, e.g. "15-CT/TU".
        pub number: String,
        /// Kind.
        pub kind: DirectiveKind,
        /// Issuer.
        pub issuer: DirectiveIssuer,
        /// Title.
        pub title: String,
        /// Issue date.
        pub issued_on: NaiveDate,
    }
}
