//! Nested rows carried by a page's own statement. A nested field (a building's `unit`,
//! the unit's `district`) is answered from a DataLoader, and each loader batch is a
//! statement of its own. When the selection asks for such a field, the page's statement
//! can instead carry, for each row, the rows that batch would have fetched for the row's
//! key: a correlated subquery per nested table aggregating them into one JSON text
//! column (`json_group_array(json_object(..))` on SQLite, `json_agg(json_build_object(..))`
//! on PostgreSQL), filtered by the nested table's own scope rule
//! ([`scope::condition`], the same as the loader's statement), so scoping stays in SQL.
//!
//! Data flow: the GraphQL list resolver chooses what to carry from its selection
//! (`graphql::pagination`), [`super::page::fetch_carrying`] runs the page with these
//! columns, [`rows`] decodes a column, and the resolver feeds the loader's cache: the
//! nested fields then find their rows there and cost no statement.

use entity::{district, headquarters, officer, unit_period};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, IntoColumnRef, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{DbBackend, EntityTrait, IdenStatic, Iterable};
use serde::de::DeserializeOwned;

use super::page::SortDirection;
use super::{Result, ServiceError, officers, scope};
use crate::auth::Scope;

/// One carried column: its alias in the page's statement and its expression.
#[derive(Clone, Debug)]
pub struct Carried {
    /// The column's alias (unique in the statement).
    pub alias: &'static str,
    /// The correlated subquery.
    pub expr: SimpleExpr,
    /// The page row's column (table and column names) the subquery depends on alone,
    /// when it has one: rows that share it carry the same text, so [`once_per_run`] may
    /// leave it to the first.
    pub key: Option<Column>,
}

/// A column of the page's table: table and column names, from an entity's definition.
pub type Column = (&'static str, &'static str);

/// `expr` on the first row of each run of rows with the same `key` in the page's order
/// (by its primary key `pk`, a column of the key's table, in `direction`), NULL on the
/// others. A page of officers by id names a few units, one after the other: SQLite and
/// PostgreSQL run a correlated subquery for every row, and this runs it once a run (100
/// officers of the demo: 7 units). A NULL carries nothing, and the reader keeps one text
/// per key anyway; were a run split, its key would still be carried by its first row,
/// and a key never carried is loaded as without carrying, so the answer does not depend
/// on it.
pub fn once_per_run(
    expr: SimpleExpr,
    (table, key): Column,
    pk: &'static str,
    direction: SortDirection,
) -> SimpleExpr {
    let direction = match direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    // identifiers from the entities' definitions, quoted alike by SQLite and PostgreSQL
    let previous = Expr::cust(format!(
        "LAG(\"{table}\".\"{key}\") OVER (ORDER BY \"{table}\".\"{pk}\" {direction})"
    ));
    SimpleExpr::Case(Box::new(
        Expr::case(column(table, key).eq(previous), Expr::null()).finally(expr),
    ))
}

/// `table.column` as an expression.
fn column(table: &'static str, column: &'static str) -> SimpleExpr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// `columns` of `E` (every column when none), as a JSON array per row in that order,
/// aggregated into one JSON array (text) over the rows `select` finds. serde decodes a
/// struct from an array of its fields in order, so a row decodes into `E::Model` (whose
/// field order `E::Column::iter()` follows) or into a struct of those columns; arrays,
/// not objects, because SQLite spends a third less building them (no key text per
/// value).
fn aggregated<E: EntityTrait>(
    backend: DbBackend,
    mut select: SelectStatement,
    columns: &[E::Column],
) -> SimpleExpr {
    let table = E::default().table_name();
    let every: Vec<E::Column>;
    let columns = if columns.is_empty() {
        every = E::Column::iter().collect();
        &every
    } else {
        columns
    };
    let mut values = String::new();
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            values.push_str(", ");
        }
        // names come from the entity's definition (identifiers, not client input)
        values.push_str(&format!("\"{table}\".\"{}\"", column.as_str()));
    }
    let aggregate = match backend {
        DbBackend::Postgres => format!("CAST(json_agg(json_build_array({values})) AS TEXT)"),
        _ => format!("json_group_array(json_array({values}))"),
    };
    select.expr(Expr::cust(aggregate));
    SimpleExpr::SubQuery(None, Box::new(select.into()))
}

/// The column `alias` carrying `columns` of the rows of `E` that `select` finds and the
/// scope may see (the table's rule, as the loader applies it).
fn carried<E: scope::Scoped>(
    backend: DbBackend,
    scope: &Scope,
    alias: &'static str,
    mut select: SelectStatement,
    columns: &[E::Column],
) -> Carried {
    if let Some(condition) = scope::condition::<E>(scope) {
        select.cond_where(condition);
    }
    Carried {
        alias,
        expr: aggregated::<E>(backend, select, columns),
        key: None,
    }
}

/// Every period of the unit whose code is in `code` (a column of the page's table) that
/// the scope can see: the rows of `PeriodsOfCode` (`units::periods_of`), in no order.
pub fn periods_of_code(
    backend: DbBackend,
    scope: &Scope,
    alias: &'static str,
    code: Column,
) -> Carried {
    let key = Some(code);
    let select = Query::select()
        .from(unit_period::Entity)
        .and_where(
            Expr::col((unit_period::Entity, unit_period::Column::Code)).eq(column(code.0, code.1)),
        )
        .to_owned();
    Carried {
        key,
        ..carried::<unit_period::Entity>(backend, scope, alias, select, &[])
    }
}

/// The districts the scope can see among those of every period of the unit whose code
/// is in `code` (a column of the page's table): the rows of `DistrictByCode` that the
/// unit's `district` field may ask for, whichever period it answers with.
pub fn districts_of_code(
    backend: DbBackend,
    scope: &Scope,
    alias: &'static str,
    code: Column,
) -> Carried {
    let key = Some(code);
    // a join from the code's periods (an index lookup each), not `district.code IN
    // (their district codes)`: SQLite runs that correlated `IN` as a scan of every
    // district for each row of the page. A district of several periods comes once per
    // period; the loader keeps one.
    let periods = Alias::new("carried_period");
    let select = Query::select()
        .from_as(unit_period::Entity, periods.clone())
        .inner_join(
            district::Entity,
            Expr::col((district::Entity, district::Column::Code))
                .equals((periods.clone(), unit_period::Column::DistrictCode)),
        )
        .and_where(Expr::col((periods, unit_period::Column::Code)).eq(column(code.0, code.1)))
        .to_owned();
    Carried {
        key,
        ..carried::<district::Entity>(backend, scope, alias, select, &[])
    }
}

/// The district the scope can see whose code is in `code` (a column of the page's
/// table): the row of `DistrictByCode` a unit's `district` field asks for.
pub fn district_of(
    backend: DbBackend,
    scope: &Scope,
    alias: &'static str,
    code: impl IntoColumnRef,
) -> Carried {
    let select = Query::select()
        .from(district::Entity)
        .and_where(Expr::col((district::Entity, district::Column::Code)).equals(code))
        .to_owned();
    carried::<district::Entity>(backend, scope, alias, select, &[])
}

/// The unit code column of the enclosing statement's `unit_period` row (a page of units).
fn period_code() -> SimpleExpr {
    Expr::col((unit_period::Entity, unit_period::Column::Code))
}

/// For a page of units: the officers in post in each (`officers::in_post_in_period`),
/// read for their rank alone (`officers::RANKED_COLUMNS`), chiefs only when `chiefs`:
/// the rows of `OfficerRanksOfUnit` and `ChiefRankOfUnit`, in no order.
pub fn officer_ranks_of_unit(
    backend: DbBackend,
    scope: &Scope,
    alias: &'static str,
    chiefs: bool,
) -> Carried {
    let mut select = Query::select()
        .from(officer::Entity)
        .and_where(Expr::col((officer::Entity, officer::Column::UnitCode)).eq(period_code()))
        .cond_where(officers::in_post_in_period())
        .to_owned();
    if chiefs {
        select.and_where(officers::chief_condition());
    }
    carried::<officer::Entity>(backend, scope, alias, select, &officers::RANKED_COLUMNS)
}

/// For a page of units: the buildings each holds (`headquarters::held_in_period`), the
/// rows of `HeadquartersOfUnit`, in no order.
pub fn headquarters_of_unit(backend: DbBackend, scope: &Scope, alias: &'static str) -> Carried {
    let select = Query::select()
        .from(headquarters::Entity)
        .and_where(
            Expr::col((headquarters::Entity, headquarters::Column::UnitCode)).eq(period_code()),
        )
        .cond_where(super::headquarters::held_in_period())
        .to_owned();
    carried::<headquarters::Entity>(backend, scope, alias, select, &[])
}

/// Decodes a carried column: the rows, none for a NULL (PostgreSQL's `json_agg` over no
/// rows). A column that does not decode is an internal error (the statement and the
/// model disagree), reported without its text.
pub fn rows<M: DeserializeOwned>(text: Option<&str>) -> Result<Vec<M>> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    serde_json::from_str(text).map_err(|e| {
        tracing::error!(error = %e, "a carried column does not decode");
        ServiceError::Internal("a carried column does not decode".into())
    })
}
