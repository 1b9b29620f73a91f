//! GraphQL arguments: the filters, sort orders and inputs the API accepts, declared here
//! (client → `input`) and turned into the service layer's plain structs and enums before
//! a resolver calls a service (`input` → `service`). One module per service module.

pub mod activities;
pub mod audit;
pub mod awards;
pub mod dialogue;
pub mod directives;
pub mod districts;
pub mod headquarters;
pub mod memberships;
pub mod officers;
pub mod page;
pub mod schedules;
pub mod units;

pub use crate::graphql::mirror::ToDomain;
