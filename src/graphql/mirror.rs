//! The seam between the API's types and the service layer's: each GraphQL argument type
//! is declared once, in `input/`, through [`input_object!`] or [`input_enum!`], which
//! also write its conversion into the service's plain struct or enum (client → `input`
//! → [`ToDomain`] → `service`); [`simple_object!`] does the reverse for a service struct
//! served field for field (`service` → `types` → client). Doc comments stay on the
//! fields: they are the schema's descriptions.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{
    ActivityKind, AskerGroup, AwardForm, AwardIssuer, DialogueTopic, DirectiveIssuer,
    DirectiveKind, Gender, HqModel, HqStatus, MissedPolicy, Organisation, PartyBody, Position,
    QuestionStatus, Rank, RecipientKind, ReportFormat, ReportKind, ReportLanguage, UnitKind,
};

/// Turns a GraphQL argument into the service layer's value: itself for scalars and
/// domain enums, field by field for a mirrored input, element by element through
/// `Option` and `Vec`.
pub trait ToDomain {
    /// The service layer's type.
    type Domain;
    /// Converts.
    fn to_domain(self) -> Self::Domain;
}

impl<T: ToDomain> ToDomain for Option<T> {
    type Domain = Option<T::Domain>;
    fn to_domain(self) -> Self::Domain {
        self.map(T::to_domain)
    }
}

impl<T: ToDomain> ToDomain for Vec<T> {
    type Domain = Vec<T::Domain>;
    fn to_domain(self) -> Self::Domain {
        self.into_iter().map(T::to_domain).collect()
    }
}

/// Types the API and the service layer share: scalars and the `crate::domain` enums.
macro_rules! shared {
    ($($ty:ty),+ $(,)?) => {$(
        impl ToDomain for $ty {
            type Domain = Self;
            fn to_domain(self) -> Self {
                self
            }
        }
    )+};
}

shared!(bool, i32, i64, f64, String, NaiveDate, DateTime<Utc>);
shared!(
    ActivityKind,
    AskerGroup,
    AwardForm,
    AwardIssuer,
    DialogueTopic,
    DirectiveIssuer
);
shared!(
    DirectiveKind,
    Gender,
    HqModel,
    HqStatus,
    MissedPolicy,
    Organisation,
    PartyBody
);
shared!(
    Position,
    QuestionStatus,
    Rank,
    RecipientKind,
    ReportFormat,
    ReportKind
);
shared!(ReportLanguage, UnitKind);

/// Declares a GraphQL input object that mirrors a service struct (`Name => service::Name`,
/// the same fields) and its [`ToDomain`] and `From` conversions.
macro_rules! input_object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident => $domain:path {
            $($(#[$field_meta:meta])* pub $field:ident: $ty:ty),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(async_graphql::InputObject, Clone, Debug)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty),+
        }

        impl $crate::graphql::mirror::ToDomain for $name {
            type Domain = $domain;
            fn to_domain(self) -> $domain {
                $domain { $($field: self.$field.to_domain()),+ }
            }
        }

        impl From<$name> for $domain {
            fn from(input: $name) -> Self {
                $crate::graphql::mirror::ToDomain::to_domain(input)
            }
        }
    };
}

/// Declares a GraphQL enum that mirrors a service enum (`Name => service::Name`, the
/// same variants, one of them `#[default]`) and its [`ToDomain`] and `From` conversions.
macro_rules! input_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident => $domain:path {
            $($(#[$variant_meta:meta])* $variant:ident),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
        pub enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $crate::graphql::mirror::ToDomain for $name {
            type Domain = $domain;
            fn to_domain(self) -> $domain {
                match self {
                    $($name::$variant => <$domain>::$variant),+
                }
            }
        }

        impl From<$name> for $domain {
            fn from(input: $name) -> Self {
                $crate::graphql::mirror::ToDomain::to_domain(input)
            }
        }
    };
}

/// Declares a GraphQL object that serves a service struct field for field
/// (`Name <= service::Name`) and the `From` conversion into it.
macro_rules! simple_object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident <= $domain:path {
            $($(#[$field_meta:meta])* pub $field:ident: $ty:ty),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(async_graphql::SimpleObject, Clone, Debug)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty),+
        }

        impl From<$domain> for $name {
            fn from(row: $domain) -> Self {
                Self { $($field: row.$field),+ }
            }
        }
    };
}

pub(crate) use {input_enum, input_object, simple_object};
