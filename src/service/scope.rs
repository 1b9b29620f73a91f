//! District scoping in SQL: a district token sees only the rows whose unit is in its
//! district (`unit_code IN (SELECT code FROM unit WHERE district_code = ?)`), plus, for
//! tables whose rows may belong to no unit, the province-wide rows.

use entity::unit;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, Select};

use crate::auth::Scope;

/// `SELECT code FROM unit WHERE district_code = ?`.
pub fn unit_codes_of(district: &str) -> SelectStatement {
    Query::select()
        .column(unit::Column::Code)
        .from(unit::Entity)
        .and_where(unit::Column::DistrictCode.eq(district))
        .to_owned()
}

/// Keeps rows whose `col` (a unit code) is in the scope's district.
pub fn by_unit<E: EntityTrait, C: ColumnTrait>(
    select: Select<E>,
    scope: &Scope,
    col: C,
) -> Select<E> {
    match &scope.district {
        Some(d) => select.filter(col.in_subquery(unit_codes_of(d))),
        None => select,
    }
}

/// Keeps rows whose `col` is NULL (province-wide) or in the scope's district.
pub fn by_optional_unit<E: EntityTrait, C: ColumnTrait>(
    select: Select<E>,
    scope: &Scope,
    col: C,
) -> Select<E> {
    match &scope.district {
        Some(d) => select.filter(
            Condition::any()
                .add(col.is_null())
                .add(col.in_subquery(unit_codes_of(d))),
        ),
        None => select,
    }
}

/// Keeps rows whose `col` (a district code) is the scope's district.
pub fn by_district<E: EntityTrait, C: ColumnTrait>(
    select: Select<E>,
    scope: &Scope,
    col: C,
) -> Select<E> {
    match &scope.district {
        Some(d) => select.filter(col.eq(d.as_str())),
        None => select,
    }
}
