//! Districts: the list query and batch lookups by code.

use entity::district;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::keyset::{Listing, order_name};
use super::page::{SortDirection, eq_in};
use super::{Result, scope};
use crate::auth::Scope;

/// Filters of the `districts` query.
#[derive(Clone, Debug, Default)]
pub struct DistrictFilter {
    /// Exact district code.
    pub code: Option<String>,
    /// Any of these district codes.
    pub code_in: Option<Vec<String>>,
    /// Province code.
    pub province_code: Option<String>,
}

/// Fields the `districts` query can sort by.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum DistrictSortField {
    /// District code.
    #[default]
    Code,
    /// Name.
    Name,
}

/// Sort order of the `districts` query.
#[derive(Clone, Copy, Debug, Default)]
pub struct DistrictSort {
    /// Field to sort by.
    pub field: DistrictSortField,
    /// Direction.
    pub direction: SortDirection,
}

/// The filtered, scoped and sorted query behind `districts`.
pub fn query(
    scope: &Scope,
    filter: DistrictFilter,
    sort: DistrictSort,
) -> Listing<district::Entity> {
    use district::Column as C;
    let select = scope::apply(district::Entity::find(), scope);
    // the districts that had units in the provinces the data covers today (not Kon
    // Tum's, history; not Lý Sơn, a district without communes until it became one)
    let with_units = sea_orm::sea_query::Query::select()
        .column(entity::unit_period::Column::DistrictCode)
        .from(entity::unit_period::Entity)
        .cond_where(super::units::territory())
        .and_where(entity::unit_period::Column::DistrictCode.is_not_null())
        .to_owned();
    let select = select.filter(C::Code.in_subquery(with_units));
    let select = eq_in(select, C::Code, filter.code, filter.code_in);
    let select = eq_in(select, C::ProvinceCode, filter.province_code, None);
    let col = match sort.field {
        DistrictSortField::Code => C::Code,
        DistrictSortField::Name => C::Name,
    };
    let order = order_name(&sort.field, sort.direction);
    Listing::new("districts", order, select, (col, C::Code), sort.direction)
}

/// The districts with these codes that the scope can see (one statement).
pub async fn by_codes(
    db: &impl ConnectionTrait,
    scope: &Scope,
    codes: &[String],
) -> Result<Vec<district::Model>> {
    let select =
        district::Entity::find().filter(district::Column::Code.is_in(codes.iter().cloned()));
    Ok(scope::apply(select, scope).all(db).await?)
}
