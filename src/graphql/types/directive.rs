//! `Directive`: a leadership or direction document.

use crate::graphql::carry::Lazy;
use crate::graphql::node::{Kind, global};
use async_graphql::{ID, Object, Result};
use chrono::NaiveDate;
use entity::directive;

use super::parsed;
use crate::domain::{DirectiveIssuer, DirectiveKind};

/// A leadership or direction document issued on the police's advice.
pub struct Directive(pub directive::Model);

/// The title and its folded form, left out of a page whose nodes do not ask for the
/// title (`graphql::carry::Lazy`).
pub const LAZY: Lazy<directive::Column> = &[
    (directive::Column::Title, &["title"]),
    (directive::Column::SearchTitle, &[]),
];

#[Object]
impl Directive {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::Directive, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// Number and symbol, e.g. "15-CT/TU".
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Kind of document.
    async fn kind(&self) -> Result<DirectiveKind> {
        parsed("directive kind", &self.0.kind, DirectiveKind::from_code)
    }
    /// Issuer.
    async fn issuer(&self) -> Result<DirectiveIssuer> {
        parsed(
            "directive issuer",
            &self.0.issuer,
            DirectiveIssuer::from_code,
        )
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Issue date.
    async fn issued_on(&self) -> NaiveDate {
        self.0.issued_on
    }
}
