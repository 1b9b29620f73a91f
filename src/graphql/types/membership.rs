//! `PartyMembership`: an officer's seat on a commune Party committee.

use std::sync::Arc;

use crate::graphql::node::{Kind, global};
use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;
use entity::party_membership;

use super::{Officer, Unit, officer_of, parsed, unit_until};
use crate::domain::PartyBody;

/// A seat on the commune Party executive or standing committee.
pub struct PartyMembership(pub Arc<party_membership::Model>);

impl From<party_membership::Model> for PartyMembership {
    fn from(row: party_membership::Model) -> Self {
        Self(Arc::new(row))
    }
}

#[Object]
impl PartyMembership {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::PartyMembership, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// Executive or standing committee.
    async fn body(&self) -> Result<PartyBody> {
        parsed("party body", &self.0.body, PartyBody::from_code)
    }
    /// Term, e.g. "2020-2025".
    async fn term(&self) -> &str {
        &self.0.term
    }
    /// First day on the committee.
    async fn started_on(&self) -> NaiveDate {
        self.0.started_on
    }
    /// Last day, if the seat has ended.
    async fn ended_on(&self) -> Option<NaiveDate> {
        self.0.ended_on
    }
    /// Officer id.
    async fn officer_id(&self) -> i32 {
        self.0.officer_id
    }
    /// The officer.
    async fn officer(&self, ctx: &Context<'_>) -> Result<Option<Officer>> {
        officer_of(ctx, self.0.officer_id).await
    }
    /// Unit code.
    async fn unit_code(&self) -> &str {
        &self.0.unit_code
    }
    /// The unit.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        unit_until(ctx, &self.0.unit_code, self.0.ended_on).await
    }
}
