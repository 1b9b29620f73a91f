//! Queries over officers and their Party committee seats.

use async_graphql::{Context, Object, Result};

use crate::graphql::carry::Carry;
use crate::graphql::context::Ctx;
use crate::graphql::error::coded;
use crate::graphql::input::ToDomain;
use crate::graphql::input::memberships::MembershipFilter;
use crate::graphql::input::officers::{OfficerFilter, OfficerSort};
use crate::graphql::input::page::SortDirection;
use crate::graphql::pagination::{Page, connection_carrying};
use crate::graphql::types::{Officer, PartyMembership};
use crate::service::carry::row::RecordDay::Until;
use crate::service::{memberships, officers};
use entity::{officer, party_membership as membership};

/// Queries over officers and committee seats.
#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// Officers, filtered, sorted and paged. Filtering by name or birth year needs an
    /// analyst or admin token.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn officers(
        &self,
        ctx: &Context<'_>,
        filter: Option<OfficerFilter>,
        order_by: Option<OfficerSort>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Officer>> {
        let filter = filter.to_domain().unwrap_or_default();
        if filter.uses_personal_data() && !ctx.principal().can_read_personal_data() {
            return Err(coded(
                "FORBIDDEN",
                "filtering by name or birth year needs an analyst or admin token",
            ));
        }
        let select = officers::query(
            ctx.scope(),
            filter,
            order_by.to_domain().unwrap_or_default(),
        );
        let carry = Carry::unit_at(
            ctx,
            "unit",
            officer::Column::UnitCode,
            Until(officer::Column::PostedTo),
        )
        .lazy(ctx, crate::graphql::types::officer::LAZY);
        connection_carrying(ctx, select, first, after, Officer::from, carry).await
    }

    /// Party committee seats, filtered and paged (by id).
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn party_memberships(
        &self,
        ctx: &Context<'_>,
        filter: Option<MembershipFilter>,
        #[graphql(default)] direction: SortDirection,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<PartyMembership>> {
        let select = memberships::query(
            ctx.scope(),
            filter.to_domain().unwrap_or_default(),
            direction.into(),
        );
        let carry = Carry::unit_at(
            ctx,
            "unit",
            membership::Column::UnitCode,
            Until(membership::Column::EndedOn),
        )
        .and_officer(ctx, membership::Column::OfficerId);
        connection_carrying(ctx, select, first, after, PartyMembership::from, carry).await
    }
}
