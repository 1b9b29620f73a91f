//! `Officer`: an officer of a commune police unit. Name and birth year are personal
//! data, guarded: a viewer gets an authorization error for them.

use std::sync::Arc;

use crate::graphql::carry::Lazy;
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
use crate::service::officers::RankedOfficer;

/// An officer posted to a commune police unit: the whole row, or (a unit's `officers`
/// asking only for `id`, `dbId`, `rank`, `unitCode`) the rank alone. Rows are shared with
/// the loader that fetched them.
pub struct Officer(Row);

/// The name and its folded form, left out of a page whose nodes do not ask for the name
/// (`graphql::carry::Lazy`).
pub const LAZY: Lazy<officer::Column> = &[
    (officer::Column::FullName, &["fullName"]),
    (officer::Column::SearchName, &[]),
];

enum Row {
    Whole(Arc<officer::Model>),
    Ranked(Arc<RankedOfficer>),
}

/// The fields an officer read for its rank alone ([`RankedOfficer`]) can answer.
pub const RANKED_FIELDS: [&str; 5] = ["id", "dbId", "rank", "unitCode", "__typename"];

/// Whether the field's selection (fragments included) asks only for what a rank row holds
/// ([`RANKED_FIELDS`]): then three columns are read, not whole officer rows.
pub(super) fn ranked_only(ctx: &Context<'_>) -> bool {
    ctx.field()
        .selection_set()
        .all(|f| RANKED_FIELDS.contains(&f.name()))
}

impl From<officer::Model> for Officer {
    fn from(row: officer::Model) -> Self {
        Self(Row::Whole(Arc::new(row)))
    }
}

impl From<Arc<officer::Model>> for Officer {
    fn from(row: Arc<officer::Model>) -> Self {
        Self(Row::Whole(row))
    }
}

impl From<Arc<RankedOfficer>> for Officer {
    fn from(row: Arc<RankedOfficer>) -> Self {
        Self(Row::Ranked(row))
    }
}

impl Officer {
    fn db_id_of(&self) -> i32 {
        match &self.0 {
            Row::Whole(r) => r.id,
            Row::Ranked(r) => r.id,
        }
    }

    fn rank_of(&self) -> i32 {
        match &self.0 {
            Row::Whole(r) => r.rank,
            Row::Ranked(r) => r.rank,
        }
    }

    fn unit_code_of(&self) -> &str {
        match &self.0 {
            Row::Whole(r) => &r.unit_code,
            Row::Ranked(r) => &r.unit_code,
        }
    }

    /// The whole row: a field outside [`RANKED_FIELDS`] on an officer read for its rank
    /// alone is a bug in the caller's choice, answered as an internal error, never as an
    /// empty value.
    fn whole(&self) -> Result<&officer::Model> {
        match &self.0 {
            Row::Whole(r) => Ok(r),
            Row::Ranked(r) => Err(ServiceError::Internal(format!(
                "officer {} was read for its rank alone",
                r.id
            )))
            .gql(),
        }
    }
}

#[Object]
impl Officer {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::Officer, self.db_id_of())
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.db_id_of()
    }
    /// Full name (personal data: analysts and admins only).
    #[graphql(guard = "PersonalFieldGuard(\"fullName\")")]
    async fn full_name(&self) -> Result<&str> {
        Ok(&self.whole()?.full_name)
    }
    /// Year of birth (personal data: analysts and admins only).
    #[graphql(guard = "PersonalFieldGuard(\"birthYear\")")]
    async fn birth_year(&self) -> Result<i32> {
        Ok(self.whole()?.birth_year)
    }
    /// Gender.
    async fn gender(&self) -> Result<Gender> {
        parsed("gender", &self.whole()?.gender, Gender::from_code)
    }
    /// Rank.
    async fn rank(&self) -> Result<Rank> {
        let rank = self.rank_of();
        Rank::from_ordinal(rank)
            .ok_or_else(|| ServiceError::Internal(format!("stored rank {rank} is not known")))
            .gql()
    }
    /// Position in the unit.
    async fn position(&self) -> Result<Position> {
        parsed("position", &self.whole()?.position, Position::from_code)
    }
    /// Unit code.
    async fn unit_code(&self) -> &str {
        self.unit_code_of()
    }
    /// The unit.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        let row = self.whole()?;
        unit_until(ctx, &row.unit_code, row.posted_to).await
    }
    /// First day of the posting.
    async fn posted_from(&self) -> Result<NaiveDate> {
        Ok(self.whole()?.posted_from)
    }
    /// Last day of the posting, if it has ended.
    async fn posted_to(&self) -> Result<Option<NaiveDate>> {
        Ok(self.whole()?.posted_to)
    }
    /// Party committee seats, current and past.
    #[graphql(complexity = "3 * child_complexity")]
    async fn party_memberships(&self, ctx: &Context<'_>) -> Result<Vec<PartyMembership>> {
        let rows = ctx
            .loader()
            .load_one(MembershipsOfOfficer(self.db_id_of()))
            .await
            .gql()?;
        Ok(shared_rows(rows, PartyMembership))
    }
}
