//! Mutations on officers and their committee seats.

use crate::graphql::node::{Kind, argument};
use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;

use super::in_txn;
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::guards::AdminGuard;
use crate::graphql::input::memberships::CreateMembershipInput;
use crate::graphql::input::officers::{CreateOfficerInput, UpdateOfficerInput};
use crate::graphql::types::{Officer, PartyMembership};
use crate::service::{memberships, officers};

/// Mutations on officers and committee seats.
#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Posts an officer to a unit.
    #[graphql(guard = "AdminGuard")]
    async fn create_officer(
        &self,
        ctx: &Context<'_>,
        input: CreateOfficerInput,
    ) -> Result<Officer> {
        let row = in_txn!(ctx, |txn| officers::create(&txn, ctx.scope(), input.into()));
        Ok(Officer::from(row))
    }

    /// Changes an officer's name, rank, position or other details.
    #[graphql(guard = "AdminGuard")]
    async fn update_officer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateOfficerInput,
    ) -> Result<Officer> {
        let id = argument(Kind::Officer, &id)?;
        let row = in_txn!(ctx, |txn| officers::update(
            &txn,
            ctx.scope(),
            id,
            input.into()
        ));
        Ok(Officer::from(row))
    }

    /// Ends an officer's posting (the officer leaves the unit).
    #[graphql(guard = "AdminGuard")]
    async fn end_officer_posting(
        &self,
        ctx: &Context<'_>,
        id: ID,
        posted_to: NaiveDate,
    ) -> Result<Officer> {
        let id = argument(Kind::Officer, &id)?;
        let row = in_txn!(ctx, |txn| officers::end_posting(
            &txn,
            ctx.scope(),
            id,
            posted_to
        ));
        Ok(Officer::from(row))
    }

    /// Seats an officer on a commune Party committee.
    #[graphql(guard = "AdminGuard")]
    async fn create_party_membership(
        &self,
        ctx: &Context<'_>,
        input: CreateMembershipInput,
    ) -> Result<PartyMembership> {
        let row = in_txn!(ctx, |txn| memberships::create(
            &txn,
            ctx.scope(),
            input.into()
        ));
        Ok(PartyMembership::from(row))
    }

    /// Ends a committee seat.
    #[graphql(guard = "AdminGuard")]
    async fn end_party_membership(
        &self,
        ctx: &Context<'_>,
        id: ID,
        ended_on: NaiveDate,
    ) -> Result<PartyMembership> {
        let id = argument(Kind::PartyMembership, &id)?;
        let row = in_txn!(ctx, |txn| memberships::end(&txn, ctx.scope(), id, ended_on));
        Ok(PartyMembership::from(row))
    }
}
