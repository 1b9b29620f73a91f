//! Units (communes and their police): the list query with its filters, and batch
//! lookups by code for the DataLoaders.

use chrono::NaiveDate;
use entity::unit;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait};

use super::keyset::{Listing, order_name};
use super::page::{SortDirection, eq_in};
use super::{Result, scope};
use crate::auth::Scope;
use crate::domain::UnitKind;
use crate::text::like_pattern;

/// Filters of the `units` query; all given conditions must hold.
#[derive(async_graphql::InputObject, Clone, Debug, Default)]
pub struct UnitFilter {
    /// Exact commune code, e.g. "21010".
    pub code: Option<String>,
    /// Any of these commune codes.
    pub code_in: Option<Vec<String>>,
    /// Exact district code, e.g. "522".
    pub district_code: Option<String>,
    /// Any of these district codes.
    pub district_code_in: Option<Vec<String>>,
    /// Province code, e.g. "51".
    pub province_code: Option<String>,
    /// Kind of unit.
    pub kind: Option<UnitKind>,
    /// Any of these kinds.
    pub kind_in: Option<Vec<UnitKind>>,
    /// Words of the name, ignoring case and diacritics ("nghia hanh" finds "Nghĩa Hành").
    pub search: Option<String>,
    /// Only units in existence on this day.
    pub active_on: Option<NaiveDate>,
}

/// Fields the `units` query can sort by.
#[derive(async_graphql::Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum UnitSortField {
    /// Commune code.
    #[default]
    Code,
    /// Name (folded: case and diacritics ignored).
    Name,
    /// Kind, then code.
    Kind,
    /// District code, then code.
    District,
}

/// Sort order of the `units` query.
#[derive(async_graphql::InputObject, Clone, Copy, Debug, Default)]
pub struct UnitSort {
    /// Field to sort by.
    #[graphql(default)]
    pub field: UnitSortField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// The filtered, scoped and sorted query behind `units`.
pub fn query(scope: &Scope, filter: UnitFilter, sort: UnitSort) -> Listing<unit::Entity> {
    use unit::Column as C;
    let select = scope::apply(unit::Entity::find(), scope);
    let select = eq_in(select, C::Code, filter.code, filter.code_in);
    let select = eq_in(
        select,
        C::DistrictCode,
        filter.district_code,
        filter.district_code_in,
    );
    let select = eq_in(select, C::ProvinceCode, filter.province_code, None);
    let kinds = filter
        .kind_in
        .map(|ks| ks.into_iter().map(|k| k.code()).collect());
    let select = eq_in(select, C::Kind, filter.kind.map(UnitKind::code), kinds);
    let select = select
        .apply_if(filter.search, |s, q| {
            s.filter(C::SearchName.like(like_pattern(&q)))
        })
        .apply_if(filter.active_on, |s, day| s.filter(active_on(day)));
    let col = match sort.field {
        UnitSortField::Code => C::Code,
        UnitSortField::Name => C::SearchName,
        UnitSortField::Kind => C::Kind,
        UnitSortField::District => C::DistrictCode,
    };
    let order = order_name(&sort.field, sort.direction);
    Listing::new("units", order, select, (col, C::Code), sort.direction)
}

/// Units valid on `day`.
pub fn active_on(day: NaiveDate) -> Condition {
    Condition::all().add(unit::Column::ValidFrom.lte(day)).add(
        Condition::any()
            .add(unit::Column::ValidTo.is_null())
            .add(unit::Column::ValidTo.gt(day)),
    )
}

/// The units with these codes that the scope can see (one statement).
pub async fn by_codes(
    db: &impl ConnectionTrait,
    scope: &Scope,
    codes: &[String],
) -> Result<Vec<unit::Model>> {
    let select = unit::Entity::find().filter(unit::Column::Code.is_in(codes.iter().cloned()));
    Ok(scope::apply(select, scope).all(db).await?)
}

/// One unit by code, if the scope can see it.
pub async fn by_code(
    db: &impl ConnectionTrait,
    scope: &Scope,
    code: &str,
) -> Result<Option<unit::Model>> {
    Ok(by_codes(db, scope, &[code.to_owned()])
        .await?
        .into_iter()
        .next())
}

/// Checks that `code` is a unit the scope can see (for writes).
pub async fn require(db: &impl ConnectionTrait, scope: &Scope, code: &str) -> Result<unit::Model> {
    by_code(db, scope, code)
        .await?
        .ok_or_else(|| super::ServiceError::UnknownUnit(code.to_owned()))
}
