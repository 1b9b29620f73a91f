//! `Officer`: an officer of a commune police unit. Name and birth year are personal
//! data, guarded: a viewer gets an authorization error for them.

use std::sync::Arc;

use crate::graphql::node::{Kind, global};
use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;
use entity::officer;

use super::{PartyMembership, Unit, parsed, shared_rows, unit_until};
use crate::domain::{Gender, Position, Rank};
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::guards::PersonalFieldGuard;
use crate::graphql::loaders::MembershipsOfOfficer;
use crate::service::ServiceError;

/// An officer posted to a commune police unit.
pub struct Officer(pub Arc<officer::Model>);

impl From<officer::Model> for Officer {
    fn from(row: officer::Model) -> Self {
        Self(Arc::new(row))
    }
}

#[Object]
impl Officer {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::Officer, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// Full name (personal data: analysts and admins only).
    #[graphql(guard = "PersonalFieldGuard(\"fullName\")")]
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    /// Year of birth (personal data: analysts and admins only).
    #[graphql(guard = "PersonalFieldGuard(\"birthYear\")")]
    async fn birth_year(&self) -> i32 {
        self.0.birth_year
    }
    /// Gender.
    async fn gender(&self) -> Result<Gender> {
        parsed("gender", &self.0.gender, Gender::from_code)
    }
    /// Rank.
    async fn rank(&self) -> Result<Rank> {
        Rank::from_ordinal(self.0.rank)
            .ok_or_else(|| {
                ServiceError::Internal(format!("stored rank {} is not known", self.0.rank))
            })
            .gql()
    }
    /// Position in the unit.
    async fn position(&self) -> Result<Position> {
        parsed("position", &self.0.position, Position::from_code)
    }
    /// Unit code.
    async fn unit_code(&self) -> &str {
        &self.0.unit_code
    }
    /// The unit.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        unit_until(ctx, &self.0.unit_code, self.0.posted_to).await
    }
    /// First day of the posting.
    async fn posted_from(&self) -> NaiveDate {
        self.0.posted_from
    }
    /// Last day of the posting, if it has ended.
    async fn posted_to(&self) -> Option<NaiveDate> {
        self.0.posted_to
    }
    /// Party committee seats, current and past.
    #[graphql(complexity = "3 * child_complexity")]
    async fn party_memberships(&self, ctx: &Context<'_>) -> Result<Vec<PartyMembership>> {
        let rows = ctx
            .loader()
            .load_one(MembershipsOfOfficer(self.0.id))
            .await
            .gql()?;
        Ok(shared_rows(rows, PartyMembership))
    }
}
