//! Units (communes and their police): the list query with its filters, and batch
//! lookups for the DataLoaders. A unit is a code over a period (`unit_period`): codes
//! are reused (21034 is one commune until 30 Jun 2025 and "Xã An Phú" since), so a
//! lookup is by code *and* day, never by name.

use std::borrow::Borrow;

use chrono::NaiveDate;
use entity::{unit_lineage, unit_period};
use sea_orm::sea_query::{ExprTrait, Query, SelectStatement, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait};

use super::keyset::{Listing, order_name};
use super::page::{SortDirection, eq_in};
use super::{Result, scope};
use crate::auth::Scope;
use crate::domain::UnitKind;
use crate::text::like_pattern;

/// Filters of the `units` query; all given conditions must hold.
#[derive(Clone, Debug, Default)]
pub struct UnitFilter {
    /// Exact commune code, e.g. "21010".
    pub code: Option<String>,
    /// Any of these commune codes.
    pub code_in: Option<Vec<String>>,
    /// Exact district code, e.g. "522" (units of the days before 1 Jul 2025: there is
    /// no district level since).
    pub district_code: Option<String>,
    /// Any of these district codes.
    pub district_code_in: Option<Vec<String>>,
    /// Units that were in this district, or whose direct predecessors were (the units
    /// of 1 Jul 2025 that took in its communes).
    pub former_district_code: Option<String>,
    /// Units of this province, or whose direct predecessors were (Kon Tum, "62", for
    /// 40 of today's 96 units of Quảng Ngãi).
    pub former_province_code: Option<String>,
    /// Province code, e.g. "51".
    pub province_code: Option<String>,
    /// Kind of unit.
    pub kind: Option<UnitKind>,
    /// Any of these kinds.
    pub kind_in: Option<Vec<UnitKind>>,
    /// Words of the name, ignoring case and diacritics ("nghia hanh" finds "Nghĩa Hành").
    pub search: Option<String>,
    /// The units in force on this day (by default the province's today; a unit is a
    /// code over a period: the 173 of 2024, the 170 of 1 Jan 2025, the 96 since 1 Jul
    /// 2025).
    pub active_on: Option<NaiveDate>,
    /// Every period of every unit, whatever the day (`activeOn` is then ignored).
    pub all_periods: Option<bool>,
    /// Units of this area: the periods one of its member rows overlaps (the rule an
    /// area token of that code sees units by; an unknown code: none).
    pub area_code: Option<String>,
}

/// Fields the `units` query can sort by.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
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
#[derive(Clone, Copy, Debug, Default)]
pub struct UnitSort {
    /// Field to sort by.
    pub field: UnitSortField,
    /// Direction.
    pub direction: SortDirection,
}

/// The filtered, scoped and sorted query behind `units`, on `today` unless the filter
/// names a day or asks for every period.
pub fn query(
    scope: &Scope,
    filter: UnitFilter,
    sort: UnitSort,
    today: NaiveDate,
) -> Listing<unit_period::Entity> {
    use unit_period::Column as C;
    let select = scoped(unit_period::Entity::find(), scope);
    let select = eq_in(select, C::Code, filter.code, filter.code_in);
    let select = eq_in(
        select,
        C::DistrictCode,
        filter.district_code,
        filter.district_code_in,
    );
    let select = match filter.province_code {
        Some(p) => select.filter(C::ProvinceCode.eq(p)),
        None if filter.former_province_code.is_none() => select.filter(territory()),
        None => select,
    };
    let kinds = filter
        .kind_in
        .map(|ks| ks.into_iter().map(|k| k.code()).collect());
    let select = eq_in(select, C::Kind, filter.kind.map(UnitKind::code), kinds);
    let day = filter.active_on.unwrap_or(today);
    let select = select
        .apply_if(filter.search, |s, q| {
            s.filter(C::SearchName.like(like_pattern(&q)))
        })
        .apply_if(filter.former_district_code, |s, d| {
            s.filter(formerly(C::DistrictCode, d))
        })
        .apply_if(filter.former_province_code, |s, p| {
            s.filter(formerly(C::ProvinceCode, p))
        })
        .apply_if(filter.area_code, |s, a| {
            scope::units(s, &Scope { area: Some(a) })
        })
        .apply_if(
            (filter.all_periods != Some(true)).then_some(day),
            |s, day| s.filter(active_on(day)),
        );
    let col = match sort.field {
        UnitSortField::Code => C::Code,
        UnitSortField::Name => C::SearchName,
        UnitSortField::Kind => C::Kind,
        UnitSortField::District => C::DistrictCode,
    };
    let order = order_name(&sort.field, sort.direction);
    Listing::new("units", order, select, (col, C::Id), sort.direction)
}

/// The periods of the provinces the data covers: those with a period still in force,
/// and those covered from the first day of the history (a province the data set held
/// all along, abolished since, as the 29 provinces merged on 1/7/2025 in the national
/// synthetic tier). Kon Tum's units of the demo, whose history begins with the list of
/// 1/5/2024 only, until 30 Jun 2025, are history reached through the lineage or by
/// asking for province "62", not units of the department's province of their time.
pub fn territory() -> Condition {
    use sea_orm::sea_query::{Alias, Expr, Func};
    use unit_period::Column as C;
    // Written as two probes of the row's own province (`EXISTS`, each an index lookup)
    // rather than `province_code IN (every province code of the table)`: PostgreSQL
    // builds a hash of 14,000 rows for that `IN` on every statement of the national
    // tier (2-3 ms of its CPU for a page of 50 units), where the probes cost
    // microseconds a row. The same set either way. `SELECT 1` is written, not bound: a
    // statement whose only parameters were these is planned once (a generic plan), not
    // five times per connection first.
    let other = Alias::new("territory");
    // Built in place (sea-query's builders take `&mut`; `.to_owned()` at the end of a
    // chain is a clone of the statement, made for every page).
    let of_this_province = || {
        let mut probe = Query::select();
        probe
            .expr(Expr::cust("1"))
            .from_as(unit_period::Entity, other.clone())
            .and_where(
                Expr::col((other.clone(), C::ProvinceCode))
                    .equals((unit_period::Entity, C::ProvinceCode)),
            );
        probe
    };
    let mut first_day: SelectStatement = Query::select();
    first_day
        .expr(Func::min(Expr::col(C::ValidFrom)))
        .from(unit_period::Entity);
    let mut current = of_this_province();
    current.and_where(Expr::col((other.clone(), C::ValidTo)).is_null());
    let mut from_start = of_this_province();
    from_start.and_where(Expr::col((other.clone(), C::ValidFrom)).in_subquery(first_day));
    Condition::any()
        .add(Expr::exists(current))
        .add(Expr::exists(from_start))
}

/// The unit periods the scope can see.
pub fn scoped(
    select: sea_orm::Select<unit_period::Entity>,
    scope: &Scope,
) -> sea_orm::Select<unit_period::Entity> {
    scope::units(select, scope)
}

/// Periods with `value` in `col` themselves, or whose code is the successor of a period
/// that had it (one step of the lineage: the units of 1 Jul 2025 from those of 1 Jan 2025,
/// which still had districts).
fn formerly(col: unit_period::Column, value: String) -> Condition {
    use sea_orm::sea_query::Expr;
    use unit_lineage::Column as L;
    use unit_period::Column as P;
    let successors: SelectStatement = Query::select()
        .column((unit_lineage::Entity, L::ToCode))
        .from(unit_lineage::Entity)
        .inner_join(
            unit_period::Entity,
            Expr::col((unit_period::Entity, P::Code))
                .equals((unit_lineage::Entity, L::FromCode))
                .and(
                    Expr::col((unit_period::Entity, P::ValidFrom))
                        .equals((unit_lineage::Entity, L::FromValidFrom)),
                ),
        )
        .and_where(Expr::col((unit_period::Entity, col)).eq(value.clone()))
        .and_where(Expr::col((unit_lineage::Entity, L::ToCode)).is_not_null())
        .to_owned();
    Condition::any()
        .add(col.eq(value))
        .add(P::Code.in_subquery(successors))
}

/// Unit periods in force on `day` (`valid_to` is the last day in force).
pub fn active_on(day: NaiveDate) -> Condition {
    Condition::all()
        .add(unit_period::Column::ValidFrom.lte(day))
        .add(
            Condition::any()
                .add(unit_period::Column::ValidTo.is_null())
                .add(unit_period::Column::ValidTo.gte(day)),
        )
}

/// Every period of these codes that the scope can see (one statement), oldest first.
pub async fn periods_of(
    db: &impl ConnectionTrait,
    scope: &Scope,
    codes: &[String],
) -> Result<Vec<unit_period::Model>> {
    use sea_orm::QueryOrder;
    let select = unit_period::Entity::find()
        .filter(unit_period::Column::Code.is_in(codes.iter().cloned()))
        .order_by_asc(unit_period::Column::ValidFrom);
    Ok(scoped(select, scope).all(db).await?)
}

/// The day a unit's nested facts (officers, chief, buildings, seats) are taken on: now
/// (`None`) for a period in force, else its last day.
pub fn day_of(period: &unit_period::Model) -> Option<NaiveDate> {
    period.valid_to
}

/// For a fact table read in a correlated subquery of a page of units: its rows of the
/// enclosing `unit_period` row's day ([`day_of`]): `now` for a period in force, `on` its
/// last day for one that ended.
pub fn now_or_last_day(now: Condition, on: impl FnOnce(SimpleExpr) -> Condition) -> Condition {
    use sea_orm::sea_query::Expr;
    let valid_to = Expr::col((unit_period::Entity, unit_period::Column::ValidTo));
    Condition::any()
        .add(Condition::all().add(valid_to.clone().is_null()).add(now))
        .add(
            Condition::all()
                .add(valid_to.clone().is_not_null())
                .add(on(valid_to)),
        )
}

/// Of one code's periods (oldest first), the one in force on `day`; before the first,
/// the first; after the last, the last (a fact recorded outside every period of its code
/// still belongs to the unit nearest in time).
pub fn period_on<P: Borrow<unit_period::Model>>(periods: &[P], day: NaiveDate) -> Option<&P> {
    periods
        .iter()
        .rev()
        .find(|p| Borrow::<unit_period::Model>::borrow(*p).valid_from <= day)
        .or_else(|| periods.first())
}

/// The day a record that holds until `end` (the first day no longer held; none: still
/// held) takes its unit on: its last day, or today when that is earlier.
pub fn day_until(end: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
    end.and_then(|d| d.pred_opt())
        .map_or(today, |d| std::cmp::min(d, today))
}

/// The unit with this code on `day`, if the scope can see it.
pub async fn on(
    db: &impl ConnectionTrait,
    scope: &Scope,
    code: &str,
    day: NaiveDate,
) -> Result<Option<unit_period::Model>> {
    let periods = periods_of(db, scope, &[code.to_owned()]).await?;
    Ok(periods
        .iter()
        .find(|p| p.valid_from <= day && p.valid_to.is_none_or(|t| t >= day))
        .cloned())
}

/// Checks that `code` is a unit the scope can see in some period (for a record without
/// a date).
pub async fn require_known(
    db: &impl ConnectionTrait,
    scope: &Scope,
    code: &str,
) -> Result<unit_period::Model> {
    periods_of(db, scope, &[code.to_owned()])
        .await?
        .into_iter()
        .next_back()
        .ok_or_else(|| super::ServiceError::UnknownUnit(code.to_owned()))
}

/// Checks that `code` is a unit the scope can see in force on `day` (for writes: a fact
/// dated `day` at a unit that no longer existed that day is refused with `UNKNOWN_UNIT`).
pub async fn require(
    db: &impl ConnectionTrait,
    scope: &Scope,
    code: &str,
    day: NaiveDate,
) -> Result<unit_period::Model> {
    // Before the first period the history holds (the 2024 units' period starts with the
    // act of 2020 that last changed them), a unit is taken to be its first period.
    let periods = periods_of(db, scope, &[code.to_owned()]).await?;
    periods
        .iter()
        .find(|p| p.valid_from <= day && p.valid_to.is_none_or(|t| t >= day))
        .or_else(|| periods.first().filter(|p| day < p.valid_from))
        .cloned()
        .ok_or_else(|| super::ServiceError::UnknownUnit(code.to_owned()))
}
