//! `Award`: a Certificate of Merit or of Commendation to a unit or an officer.

use std::sync::Arc;

use crate::graphql::carry::Lazy;
use crate::graphql::node::{Kind, global};
use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;
use entity::award;

use super::{Officer, Unit, officer_of, parsed, unit_of};
use crate::domain::{AwardForm, AwardIssuer, RecipientKind};

/// An award to a unit (collective) or one of its officers (individual).
pub struct Award(pub Arc<award::Model>);

/// The reason, left out of a page whose nodes do not ask for it (`graphql::carry::Lazy`).
pub const LAZY: Lazy<award::Column> = &[(award::Column::Reason, &["reason"])];

impl From<award::Model> for Award {
    fn from(row: award::Model) -> Self {
        Self(Arc::new(row))
    }
}

#[Object]
impl Award {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::Award, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// Form.
    async fn form(&self) -> Result<AwardForm> {
        parsed("award form", &self.0.form, AwardForm::from_code)
    }
    /// Issuer.
    async fn issuer(&self) -> Result<AwardIssuer> {
        parsed("award issuer", &self.0.issuer, AwardIssuer::from_code)
    }
    /// Collective or individual.
    async fn recipient_kind(&self) -> Result<RecipientKind> {
        parsed(
            "recipient kind",
            &self.0.recipient_kind,
            RecipientKind::from_code,
        )
    }
    /// Unit code (of the unit, or of the officer's unit).
    async fn unit_code(&self) -> &str {
        &self.0.unit_code
    }
    /// The unit.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        unit_of(ctx, &self.0.unit_code, self.0.awarded_on).await
    }
    /// Officer id, for an individual award.
    async fn officer_id(&self) -> Option<i32> {
        self.0.officer_id
    }
    /// The officer, for an individual award.
    async fn officer(&self, ctx: &Context<'_>) -> Result<Option<Officer>> {
        match self.0.officer_id {
            Some(id) => officer_of(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Award date.
    async fn awarded_on(&self) -> NaiveDate {
        self.0.awarded_on
    }
    /// Reason.
    async fn reason(&self) -> &str {
        &self.0.reason
    }
}
