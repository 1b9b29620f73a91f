//! `UnionActivity`: a youth union or women's association activity, work or model.

use crate::graphql::carry::Lazy;
use crate::graphql::node::{Kind, global};
use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;
use entity::union_activity;

use super::{Unit, parsed, unit_until};
use crate::domain::{ActivityKind, Organisation};

/// A union activity, work or model, or a programme.
pub struct UnionActivity(pub union_activity::Model);

/// The name, its folded form and the programme, left out of a page whose nodes do not
/// ask for them (`graphql::carry::Lazy`).
pub const LAZY: Lazy<union_activity::Column> = &[
    (union_activity::Column::Name, &["name"]),
    (union_activity::Column::SearchName, &[]),
    (union_activity::Column::Programme, &["programme"]),
];

#[Object]
impl UnionActivity {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::UnionActivity, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// Organisation.
    async fn organisation(&self) -> Result<Organisation> {
        parsed(
            "organisation",
            &self.0.organisation,
            Organisation::from_code,
        )
    }
    /// Kind.
    async fn kind(&self) -> Result<ActivityKind> {
        parsed("activity kind", &self.0.kind, ActivityKind::from_code)
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Programme it belongs to.
    async fn programme(&self) -> Option<&str> {
        self.0.programme.as_deref()
    }
    /// Unit code; empty for a province-wide activity.
    async fn unit_code(&self) -> Option<&str> {
        self.0.unit_code.as_deref()
    }
    /// The unit, if any.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        match &self.0.unit_code {
            Some(code) => unit_until(ctx, code, self.0.ended_on).await,
            None => Ok(None),
        }
    }
    /// Start date.
    async fn started_on(&self) -> NaiveDate {
        self.0.started_on
    }
    /// End date.
    async fn ended_on(&self) -> Option<NaiveDate> {
        self.0.ended_on
    }
    /// Still maintained.
    async fn maintained(&self) -> bool {
        self.0.maintained
    }
}
