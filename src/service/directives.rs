//! Directives (leadership and direction documents): the list query and writes. They
//! are province-level documents: any token may read them, only a province admin
//! (no district scope) may write them.

use chrono::NaiveDate;
use entity::directive;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait,
    QueryFilter, QueryTrait,
};

use super::keyset::{Listing, order_name};
use super::page::{DateRange, SortDirection, date_range, eq_in};
use super::{Result, ServiceError, plausible, version};
use crate::auth::Scope;
use crate::domain::{DirectiveIssuer, DirectiveKind};
use crate::text::{fold, like_pattern};

/// Filters of the `directives` query.
#[derive(Clone, Debug, Default)]
pub struct DirectiveFilter {
    /// Kind of document.
    pub kind: Option<DirectiveKind>,
    /// Any of these kinds.
    pub kind_in: Option<Vec<DirectiveKind>>,
    /// Issuer.
    pub issuer: Option<DirectiveIssuer>,
    /// Issue date range.
    pub issued_on: Option<DateRange>,
    /// Words of the title, ignoring case and diacritics.
    pub search: Option<String>,
}

/// Fields the `directives` query can sort by.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum DirectiveSortField {
    /// Issue date.
    #[default]
    IssuedOn,
    /// Record id.
    Id,
    /// Document number.
    Number,
}

/// Sort order of the `directives` query.
#[derive(Clone, Copy, Debug, Default)]
pub struct DirectiveSort {
    /// Field to sort by.
    pub field: DirectiveSortField,
    /// Direction.
    pub direction: SortDirection,
}

/// The filtered, sorted query behind `directives`.
pub fn query(filter: DirectiveFilter, sort: DirectiveSort) -> Listing<directive::Entity> {
    use directive::Column as C;
    let kinds = filter
        .kind_in
        .map(|ks| ks.into_iter().map(|k| k.code()).collect());
    let select = eq_in(
        directive::Entity::find(),
        C::Kind,
        filter.kind.map(DirectiveKind::code),
        kinds,
    );
    let select = eq_in(
        select,
        C::Issuer,
        filter.issuer.map(DirectiveIssuer::code),
        None,
    );
    let select = date_range(select, C::IssuedOn, filter.issued_on)
        .apply_if(filter.search, |s, q| {
            s.filter(C::SearchTitle.like(like_pattern(&q)))
        });
    let col = match sort.field {
        DirectiveSortField::IssuedOn => C::IssuedOn,
        DirectiveSortField::Id => C::Id,
        DirectiveSortField::Number => C::Number,
    };
    let order = order_name(&sort.field, sort.direction);
    Listing::new("directives", order, select, (col, C::Id), sort.direction)
}

/// A document, new or changed.
#[derive(Clone, Debug)]
pub struct DirectiveInput {
    /// Number and symbol, e.g. "15-CT/TU".
    pub number: String,
    /// Kind.
    pub kind: DirectiveKind,
    /// Issuer.
    pub issuer: DirectiveIssuer,
    /// Title.
    pub title: String,
    /// Issue date.
    pub issued_on: NaiveDate,
}

/// Records a document.
pub async fn create(
    db: &impl ConnectionTrait,
    scope: &Scope,
    input: DirectiveInput,
) -> Result<directive::Model> {
    province_only(scope)?;
    let mut row = <directive::ActiveModel as Default>::default();
    fill(&mut row, input)?;
    ensure_number_free(db, &row, None).await?;
    version::touch(db, &[None]).await?;
    Ok(row.insert(db).await?)
}

/// Replaces a document's fields.
pub async fn update(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
    input: DirectiveInput,
) -> Result<directive::Model> {
    province_only(scope)?;
    let mut row: directive::ActiveModel = require(db, id).await?.into();
    fill(&mut row, input)?;
    ensure_number_free(db, &row, Some(id)).await?;
    version::touch(db, &[None]).await?;
    Ok(row.update(db).await?)
}

/// Deletes a document recorded by mistake.
pub async fn delete(db: &impl ConnectionTrait, scope: &Scope, id: i32) -> Result<directive::Model> {
    province_only(scope)?;
    let row = require(db, id).await?;
    version::touch(db, &[None]).await?;
    row.clone().delete(db).await?;
    Ok(row)
}

async fn require(db: &impl ConnectionTrait, id: i32) -> Result<directive::Model> {
    directive::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found("directive", id))
}

fn province_only(scope: &Scope) -> Result<()> {
    match scope.area {
        Some(_) => Err(ServiceError::Forbidden(
            "directives are province-level: an area token cannot write them".into(),
        )),
        None => Ok(()),
    }
}

/// The advisory lock class of directive numbers.
const LOCK_CLASS: i32 = 7_260_001;

/// Refuses a number another directive (not `except`) of the same issuer already has in
/// the same calendar year: an issuer numbers its documents afresh each year, so "15-CT/TU"
/// of 2021 and of 2024 are two documents. Directives carry no province, and the
/// multi-province synthetic tiers repeat numbers as real provinces do, so no unique index
/// backs this check; writers of directives are serialised instead ([`super::serialise`]),
/// so two cannot both take one number.
async fn ensure_number_free(
    db: &impl ConnectionTrait,
    row: &directive::ActiveModel,
    except: Option<i32>,
) -> Result<()> {
    use chrono::Datelike;
    let number = row.number.try_as_ref().cloned().unwrap_or_default();
    let issuer = row.issuer.try_as_ref().cloned().unwrap_or_default();
    let year = row.issued_on.try_as_ref().map(|d| d.year());
    super::serialise(db, LOCK_CLASS, 0).await?;
    let in_year = |s: sea_orm::Select<directive::Entity>, y: i32| {
        let first = chrono::NaiveDate::from_ymd_opt(y, 1, 1);
        let last = chrono::NaiveDate::from_ymd_opt(y, 12, 31);
        s.filter(directive::Column::IssuedOn.gte(first))
            .filter(directive::Column::IssuedOn.lte(last))
    };
    let taken = directive::Entity::find()
        .filter(directive::Column::Number.eq(number.as_str()))
        .filter(directive::Column::Issuer.eq(issuer))
        .apply_if(year, in_year)
        .apply_if(except, |s, id| s.filter(directive::Column::Id.ne(id)))
        .one(db)
        .await?;
    match taken {
        Some(other) => Err(ServiceError::DuplicateDirectiveNumber(format!(
            "directive {} of the same issuer and year already has the number `{number}`",
            other.id
        ))),
        None => Ok(()),
    }
}

fn fill(row: &mut directive::ActiveModel, input: DirectiveInput) -> Result<()> {
    let number = plausible::line("number", &input.number, 60)?;
    let title = plausible::line("title", &input.title, 500)?;
    plausible::date("issuedOn", input.issued_on)?;
    row.number = Set(number);
    row.kind = Set(input.kind.code().to_owned());
    row.issuer = Set(input.issuer.code().to_owned());
    row.search_title = Set(fold(&title));
    row.title = Set(title);
    row.issued_on = Set(input.issued_on);
    Ok(())
}
